/**
 * The digest e-mails of a centre, pure: counts and a console link only, never a person
 * (the mail leaves our systems; src/platform/mail.ts).
 */
export interface DigestCounts {
  openRed: number;
  openAmber: number;
  acknowledged: number;
  /** Minutes the oldest red alert nobody has taken has waited (0: none). */
  oldestRedMinutes: number;
  /** Morning summary only: the previous local day. */
  yesterday?: { raised: number; resolved: number; pages: number };
}

export function hourlyDigest(centreName: string, c: DigestCounts, consoleUrl: string): { subject: string; text: string } {
  return {
    subject: `【見守り】${centreName}: 未対応のアラート 赤${c.openRed}件・黄${c.openAmber}件`,
    text: [
      `${centreName} のアラートの状況です（1時間ごと、アラートが残っている間お送りします）。`,
      '',
      ...countLines(c),
      '',
      `コンソール: ${consoleUrl}`,
    ].join('\n'),
  };
}

export function morningDigest(centreName: string, localDate: string, c: DigestCounts, consoleUrl: string): { subject: string; text: string } {
  const y = c.yesterday ?? { raised: 0, resolved: 0, pages: 0 };
  return {
    subject: `【見守り】${centreName} 朝のまとめ（${localDate}）`,
    text: [
      `${centreName} の朝のまとめです。`,
      '',
      '■ 昨日',
      `新しいアラート: ${y.raised}件`,
      `完了したアラート: ${y.resolved}件`,
      `当番への電話・SMSでの呼び出し: ${y.pages}回`,
      '',
      '■ 現在',
      ...countLines(c),
      '',
      `コンソール: ${consoleUrl}`,
    ].join('\n'),
  };
}

function countLines(c: DigestCounts): string[] {
  return [
    `未対応の赤アラート: ${c.openRed}件${c.oldestRedMinutes > 0 ? `（最も長いもので ${c.oldestRedMinutes}分 待っています）` : ''}`,
    `未対応の黄アラート: ${c.openAmber}件`,
    `対応中のアラート: ${c.acknowledged}件`,
  ];
}
