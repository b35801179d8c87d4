import type { LineDelivery } from '../stand-ins/line-api';

/** A simulated patient answering the close-contact check one question at a time. */
export interface Patient {
  userId: string;
  step: number;
  red: boolean;
  awaiting: boolean;
}

/**
 * The close-contact check (src/flows/defaults/contact-daily.ts), one answer a question, in
 * its order: the temperature, 息苦しさ, then the symptom group (「いいえ」 ends the check). A
 * red patient says 「はい」 to 息苦しさ (RED_STEP), which raises a red alert. (It was 6 answers
 * with 「はい」 at the fourth: after the check had ended, so no red alert was ever raised and
 * the topology bench saw none on the console's stream.)
 */
export const CONTACT_ANSWERS = ['36.6', 'いいえ', 'いいえ'];
export const RED_STEP = 1;

/**
 * The simulated phones of the burst scenarios: a reply (or push) reaching a patient who
 * waits for one moves them to the next question, queued in `continuing` (they answer as
 * soon as it arrives, before those still to start). Counts replies per reply token, so a
 * scenario can report a reply sent twice.
 */
export class AnsweringPatients {
  readonly patients = new Map<string, Patient>();
  readonly continuing: Patient[] = [];
  readonly replyTokens = new Map<string, string>();
  readonly repliesPerToken = new Map<string, number>();

  onReply(d: LineDelivery): void {
    const userId = d.endpoint === 'reply' ? this.replyTokens.get(d.replyToken!) : d.to[0];
    if (d.replyToken) this.repliesPerToken.set(d.replyToken, (this.repliesPerToken.get(d.replyToken) ?? 0) + 1);
    const p = userId ? this.patients.get(userId) : undefined;
    if (!p || !p.awaiting) return;
    p.awaiting = false;
    p.step++;
    if (p.step < CONTACT_ANSWERS.length) this.continuing.push(p);
  }
}
