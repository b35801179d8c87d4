/**
 * The SMS control words, in English (carrier convention) and Japanese. Matched on the
 * whole message after NFKC folding (「ＳＴＯＰ」「stop。」 count), never inside a sentence:
 * 「咳は止まった」 is an answer, not an opt-out.
 */
export type SmsKeyword = 'stop' | 'start' | 'help';

const KEYWORDS: Record<string, SmsKeyword> = {
  STOP: 'stop', STOPALL: 'stop', UNSUBSCRIBE: 'stop', CANCEL: 'stop', END: 'stop', QUIT: 'stop',
  停止: 'stop', 配信停止: 'stop',
  START: 'start', UNSTOP: 'start', 再開: 'start', 配信再開: 'start',
  HELP: 'help', INFO: 'help', ヘルプ: 'help', へるぷ: 'help',
};

export function parseSmsKeyword(body: string): SmsKeyword | null {
  const s = body.normalize('NFKC').trim().replace(/[。．.!！\s]+$/u, '').toUpperCase();
  return KEYWORDS[s] ?? null;
}
