import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from './logger';

/**
 * Outgoing e-mail (staff invitations, alert digests): one SMTP transport built from
 * SMTP_URL. Mail is optional: without SMTP_URL there is no mailer and callers show the
 * link on screen instead. Messages to staff carry links and counts, never a patient's
 * personal data (the mail leaves our walls unencrypted end to end).
 *
 * @example
 *   const mailer = createMailer({ url: 'smtp://user:pw@mail.example.jp:587', from: 'Mimamori <noreply@example.jp>' }, logger);
 *   await mailer?.send({ to: 'nurse@example.jp', subject: '招待', text: '…' });
 */
export interface MailMessage {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
  close(): void;
}

export interface MailSettings {
  /** smtp://, smtps:// (TLS from the start) or smtp://…?secure=false; unset: no mail. */
  url?: string;
  from: string;
}

export function createMailer(settings: MailSettings, logger: Logger): Mailer | undefined {
  if (!settings.url) return undefined;
  const transport: Transporter = nodemailer.createTransport(settings.url);
  return {
    async send(message) {
      const info = await transport.sendMail({ from: settings.from, ...message });
      // Recipients are staff addresses, still personal data: the log keeps only the id.
      logger.info({ messageId: info.messageId }, 'mail sent');
      return { messageId: info.messageId };
    },
    close() {
      transport.close();
    },
  };
}
