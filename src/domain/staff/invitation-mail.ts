import type { Mailer } from '../../platform/mail';

/**
 * The enrolment or reset link by e-mail, when SMTP_URL is configured (otherwise the
 * administrator hands on the link shown once on screen). Japanese first, English second;
 * the link and its expiry, nothing else. A failure to send is reported, not thrown: the
 * link was created and is shown anyway.
 */
export async function mailInvitation(
  mailer: Mailer | undefined,
  m: { kind: 'enrol' | 'password_reset'; email: string; displayName: string; url: string; expiresAt: Date; facilityName?: string },
): Promise<'sent' | 'not_configured' | 'failed'> {
  if (!mailer) return 'not_configured';
  const until = m.expiresAt.toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' });
  const enrol = m.kind === 'enrol';
  const subject = enrol ? '【見守り】職員アカウントの登録のご案内 / Your Mimamori staff account' : '【見守り】パスワード再設定のご案内 / Reset your Mimamori password';
  if (m.facilityName && enrol) return send(mailer, m.email, '【見守り】施設アカウントの登録のご案内 / Your Mimamori facility account', [
    `${m.displayName} 様`,
    '',
    `保健所が「${m.facilityName}」の健康観察の一括報告用アカウントを用意しました。次のリンクからパスワードを設定してください。`,
    m.url,
    `有効期限: ${until}（1回のみ有効）`,
    '',
    `Your health centre set up an account for the round reports of "${m.facilityName}". Open the link above to set your password.`,
    `The link works once, until ${m.expiresAt.toISOString()}.`,
  ]);
  const text = [
    `${m.displayName} 様`,
    '',
    enrol ? '見守り（健康観察システム）の職員アカウントに招待されました。次のリンクからパスワードを設定し、認証アプリ（二要素認証）を登録してください。' : '管理者がパスワードの再設定を受け付けました。次のリンクから新しいパスワードを設定してください。',
    m.url,
    `有効期限: ${until}（1回のみ有効）`,
    '',
    enrol ? 'You have been invited to Mimamori. Open the link above to set your password and enrol your authenticator app.' : 'An administrator reset your password. Open the link above to set a new one.',
    `The link works once, until ${m.expiresAt.toISOString()}.`,
  ];
  return send(mailer, m.email, subject, text);
}

async function send(mailer: Mailer, to: string, subject: string, lines: string[]): Promise<'sent' | 'failed'> {
  try {
    await mailer.send({ to, subject, text: lines.join('\n') });
    return 'sent';
  } catch {
    return 'failed';
  }
}
