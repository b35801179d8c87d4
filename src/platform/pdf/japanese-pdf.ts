import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';

// Noto Sans JP as TrueType (glyf outlines): fontkit subsets these reliably, so a PDF carries
// only the glyphs it uses (a few kB) instead of the 5 MB font.
const FONT_PATH = createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf');
let fontBytes: Promise<Buffer> | undefined;
const loadFont = () => (fontBytes ??= readFile(FONT_PATH));
// Parsing the 5 MB font takes about a second; the parsed font is kept (subsets are made per
// document from it and leave it unchanged), so only the first document pays for it.
let parsed: ReturnType<typeof fontkit.create> | undefined;
const cachingFontkit: typeof fontkit = { create: (data, name) => (parsed ??= fontkit.create(data, name)) };

/** A4 portrait, in PDF points. */
export const A4: [number, number] = [595.28, 841.89];

/**
 * A new PDF with the Japanese font embedded as a subset (Noto Sans JP): what the
 * certificates and the invitation letters are printed in. `date` fixes the creation and
 * modification dates, so the same content renders the same bytes.
 */
export async function japanesePdf(opts: { title: string; date: Date }): Promise<{ doc: PDFDocument; font: PDFFont }> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(cachingFontkit);
  doc.setTitle(opts.title);
  doc.setCreator('Mimamori');
  doc.setCreationDate(opts.date);
  doc.setModificationDate(opts.date);
  const font = await doc.embedFont(await loadFont(), { subset: true });
  return { doc, font };
}

/** Plain objects: older readers and simple checks see the embedded font. */
export const savePdf = (doc: PDFDocument): Promise<Uint8Array> => doc.save({ useObjectStreams: false });

/** A QR code drawn as vector squares (sharp at any print size, no image codec). */
export function drawQr(page: PDFPage, text: string, x: number, y: number, size: number) {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / n;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.modules.get(r, c)) page.drawRectangle({ x: x + c * cell, y: y + size - (r + 1) * cell, width: cell, height: cell, color: rgb(0, 0, 0) });
    }
  }
}

export const drawCentred = (page: PDFPage, font: PDFFont, text: string, y: number, size: number) =>
  page.drawText(text, { x: (page.getWidth() - font.widthOfTextAtSize(text, size)) / 2, y, size, font });

/**
 * Text wrapped to a width (Japanese has no spaces: it breaks between any two characters,
 * never before 。、」 and the like), drawn line by line downwards from y. Returns the y
 * below the last line.
 */
export function drawWrapped(page: PDFPage, font: PDFFont, text: string, at: { x: number; y: number; width: number; size: number; leading?: number }): number {
  const lines: string[] = [];
  let line = '';
  for (const ch of text) {
    if (line && font.widthOfTextAtSize(line + ch, at.size) > at.width && !/[。、」）』,.!?]/.test(ch)) {
      lines.push(line);
      line = ch;
    } else line += ch;
  }
  if (line) lines.push(line);
  const leading = at.leading ?? at.size * 1.6;
  lines.forEach((l, i) => page.drawText(l, { x: at.x, y: at.y - i * leading, size: at.size, font }));
  return at.y - lines.length * leading;
}
