import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger';
import { createMailer } from '../../src/platform/mail';
import { LogCapture } from '../support/deps';
import { startSmtpServer, type LocalSmtpServer } from '../support/smtp-server';

describe('mailer', () => {
  let smtp: LocalSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp.close();
  });

  it('is absent without SMTP_URL', () => {
    expect(createMailer({ from: 'Mimamori <noreply@localhost>' }, createLogger({ level: 'silent' }))).toBeUndefined();
  });

  it('delivers Japanese text to the SMTP server and logs only the message id', async () => {
    const logs = new LogCapture();
    const mailer = createMailer({ url: smtp.url, from: 'Mimamori <noreply@example.jp>' }, createLogger({ level: 'info', destination: logs }))!;
    const { messageId } = await mailer.send({ to: 'nurse@example.jp', subject: '未対応の赤アラート 2件', text: '見守りコンソールで確認してください。' });
    mailer.close();
    const [mail] = await smtp.waitFor(1);
    expect(mail).toMatchObject({ to: ['nurse@example.jp'], subject: '未対応の赤アラート 2件' });
    expect(mail!.text.trim()).toBe('見守りコンソールで確認してください。');
    expect(mail!.from).toContain('noreply@example.jp');
    expect(logs.text).toContain(messageId);
    expect(logs.text).not.toContain('nurse@example.jp');
  });

  it('rejects when the server cannot be reached, so callers can retry', async () => {
    const mailer = createMailer({ url: 'smtp://127.0.0.1:1', from: 'Mimamori <noreply@localhost>' }, createLogger({ level: 'silent' }))!;
    await expect(mailer.send({ to: 'a@example.jp', subject: 's', text: 't' })).rejects.toThrow();
    mailer.close();
  });
});
