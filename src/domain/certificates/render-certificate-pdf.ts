import { A4, drawCentred as centred, drawQr, japanesePdf, savePdf } from '../../platform/pdf/japanese-pdf';
import type { CertificateContent } from './certificate-content';

const TITLE: Record<CertificateContent['kind'], string> = { recuperation: '療養証明書', work_restriction: '就業制限通知書' };
const BODY: Record<CertificateContent['kind'], string[]> = {
  recuperation: ['上記の方は、保健所の健康観察の対象として、', '下記の期間、療養したことを証明します。'],
  work_restriction: ['上記の方は、感染症の予防及び感染症の患者に対する医療に関する法律', '第18条に基づき、下記の期間、就業が制限されたことを通知します。'],
};

/** 2026-05-01 → 2026年5月1日 */
export const jaDate = (d: string): string => {
  const [y, m, day] = d.split('-').map(Number);
  return `${y}年${m}月${day}日`;
};

/**
 * The certificate as an A4 PDF: title, holder, period, issuing centre and date, the
 * certificate number, and a QR code (with the same address printed) to /verify/<id>.
 * Japanese text in an embedded, subset Noto Sans JP.
 */
export async function renderCertificatePdf(c: CertificateContent, verifyUrl: string): Promise<Uint8Array> {
  // The same certificate renders the same bytes.
  const { doc, font } = await japanesePdf({ title: TITLE[c.kind], date: new Date(`${c.issuedOn}T00:00:00Z`) });
  const page = doc.addPage(A4);
  centred(page, font, TITLE[c.kind], 740, 26);
  page.drawText(`${c.holderName} 様`, { x: 72, y: 670, size: 16, font });
  BODY[c.kind].forEach((line, i) => page.drawText(line, { x: 72, y: 620 - i * 20, size: 12, font }));
  centred(page, font, '記', 560, 12);
  const label = c.kind === 'recuperation' ? '療養期間' : '就業制限の期間';
  page.drawText(`${label}：${jaDate(c.periodStart)} から ${jaDate(c.periodEnd)} まで`, { x: 72, y: 520, size: 13, font });
  page.drawText(`発行日：${jaDate(c.issuedOn)}`, { x: 72, y: 440, size: 12, font });
  page.drawText(`発行者：${c.centreNameJa}`, { x: 72, y: 418, size: 12, font });
  page.drawText(`証明書番号：${c.id}`, { x: 72, y: 396, size: 9, font });
  drawQr(page, verifyUrl, 72, 200, 140);
  page.drawText('この証明書の発行と期間は、QRコードまたは次のアドレスで確認できます。', { x: 230, y: 300, size: 9, font });
  page.drawText(verifyUrl, { x: 230, y: 284, size: 8, font });
  return savePdf(doc);
}
