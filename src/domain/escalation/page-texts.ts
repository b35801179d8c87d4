/**
 * What a page says, pure. No personal data: the centre's name and the number of alerts
 * only — never a patient's name, condition, phone or case number (a test checks the texts
 * against the alerts' persons).
 */
export interface PageCounts {
  red: number;
  amber: number;
}

function countsJa(c: PageCounts): string {
  const parts = [c.red ? `赤アラート${c.red}件` : '', c.amber ? `黄アラート${c.amber}件` : ''].filter(Boolean);
  return parts.join('と');
}

/** The call: said slowly, then a one-key Gather. */
export function pageCallLines(centreName: string, c: PageCounts): string[] {
  return [`見守りシステムから、${centreName}の当番のかたへのお知らせです。`, `対応されていない${countsJa(c)}があります。`, '確認して対応する場合は、1を押してください。'];
}

export function pageCallRepeatLine(): string {
  return 'もう一度お伝えします。';
}

export function pageAcknowledgedLine(count: number): string {
  return count > 0 ? `${count}件のアラートを、あなたの対応にしました。コンソールで確認してください。` : 'このアラートはすでにほかの職員が対応しています。';
}

export function pageNotAcknowledgedLine(): string {
  return '確認されませんでした。次の当番のかたにお知らせします。';
}

/** The SMS (one or two 70-character segments). */
export function pageSmsText(centreName: string, c: PageCounts, consoleUrl: string): string {
  return `【見守り】${centreName}: 未対応の${countsJa(c)}。対応する場合は「1」と返信してください。${consoleUrl}`;
}

export function pageSmsAckText(count: number): string {
  return count > 0 ? `【見守り】${count}件のアラートをあなたの対応にしました。コンソールで確認してください。` : '【見守り】このアラートはすでにほかの職員が対応しています。';
}

/** Who was paged, for the alert's history: 「1番目の当番 山田さん」「管理者 佐藤さん」「県の夜間当番 鈴木さん」. */
export function targetJa(t: { role: 'on_call' | 'administrator'; position: number; covering: boolean; name: string }): string {
  const who = t.role === 'administrator' ? (t.covering ? '県の管理者' : '保健所の管理者') : `${t.covering ? '県の夜間当番' : '当番'}${t.position}番目`;
  return `${who}（${t.name}さん）`;
}
