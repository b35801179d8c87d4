import QRCode from 'qrcode';

/**
 * No QR decoder is installed, so a QR image is checked by its modules: read the dark
 * modules back out of the SVG the console shows (qrcode's `<path stroke d="M1 1.5h7m2 0h2…">`,
 * one horizontal run per dark stretch, rows at y + 0.5) and compare them with the matrix
 * qrcode itself builds for the URL we expect. Equal matrices mean the image encodes exactly
 * that URL (at that error-correction level).
 */
export function modulesOfSvg(svg: string, margin = 1): string[] {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  const d = /<path stroke="[^"]+" d="([^"]+)"/.exec(svg)?.[1];
  if (!size || !d) throw new Error('not a qrcode SVG');
  const n = size - 2 * margin;
  const rows = Array.from({ length: n }, () => Array<string>(n).fill('.'));
  let x = 0;
  let y = 0;
  for (const [, cmd, a, b] of d.matchAll(/([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?/g)) {
    if (cmd === 'M') [x, y] = [Number(a), Number(b)];
    else if (cmd === 'm') [x, y] = [x + Number(a), y + Number(b)];
    else {
      for (let i = 0; i < Number(a); i++) rows[Math.floor(y) - margin]![x + i - margin] = '#';
      x += Number(a);
    }
  }
  return rows.map((r) => r.join(''));
}

/** The module matrix qrcode builds for a text, as rows of '#' (dark) and '.' (light). */
export function modulesOfText(text: string, errorCorrectionLevel: 'L' | 'M' | 'Q' | 'H' = 'M'): string[] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel });
  return Array.from({ length: modules.size }, (_, r) => Array.from({ length: modules.size }, (_, c) => (modules.get(r, c) ? '#' : '.')).join(''));
}

/** The modules of a `data:image/svg+xml;base64,…` URL. */
export function modulesOfDataUrl(dataUrl: string): string[] {
  const m = /^data:image\/svg\+xml;base64,(.+)$/.exec(dataUrl);
  if (!m) throw new Error('not an SVG data URL');
  return modulesOfSvg(Buffer.from(m[1]!, 'base64').toString('utf8'));
}
