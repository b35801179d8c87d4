import type { InviteLetter } from '../../../domain/imports/invite-imported-persons';
import { A4, drawQr, drawWrapped, japanesePdf, savePdf } from '../../../platform/pdf/japanese-pdf';
import { t } from '../../ui/i18n';

/**
 * The invitation letters as one A4 PDF for mailing, a page per person: name and address
 * placed for a window envelope, the title and text of the HTML letter, the link code large
 * and its QR code (drawn as vectors, the same link as the HTML letter's), the expiry and the
 * centre. Japanese in the embedded Noto Sans JP subset the certificates use
 * (src/platform/pdf/japanese-pdf.ts). The codes are in this file only: it is sent once,
 * never stored.
 */
export async function renderInviteLettersPdf(letters: readonly (InviteLetter & { uri: string })[], opts: { centreName: string; now: Date }): Promise<Uint8Array> {
  const { doc, font } = await japanesePdf({ title: t('ja', 'imports.letterTitle'), date: opts.now });
  for (const l of letters) {
    const page = doc.addPage(A4);
    // Window envelope (長形3号): the address block in the upper left.
    let y = drawWrapped(page, font, l.address ?? '', { x: 72, y: 760, width: 260, size: 11 });
    page.drawText(`${l.name} 様`, { x: 72, y: y - 6, size: 14, font });
    page.drawText(t('ja', 'imports.letterTitle'), { x: 72, y: 600, size: 20, font });
    y = drawWrapped(page, font, t('ja', 'imports.letterBody'), { x: 72, y: 565, width: 450, size: 11 });
    page.drawText(`${t('ja', 'imports.letterCode')}：${l.code}`, { x: 72, y: y - 24, size: 18, font });
    drawQr(page, l.uri, 72, y - 224, 170);
    page.drawText(`${t('ja', 'imports.letterExpires')}：${l.expiresAt.toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' })}`, { x: 72, y: y - 250, size: 10, font });
    page.drawText(opts.centreName, { x: 72, y: 90, size: 12, font });
  }
  return savePdf(doc);
}
