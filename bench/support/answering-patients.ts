import { linePostbackEvent, lineTextEvent, type LineDelivery } from '../stand-ins/line-api';

/** A simulated patient answering the close-contact check one question at a time. */
export interface Patient {
  userId: string;
  step: number;
  red: boolean;
  awaiting: boolean;
  /** The quick-reply buttons under the last message their phone showed. */
  buttons?: Button[];
}

interface Button {
  label: string;
  data: string;
}

/** The quick-reply postback buttons of the last message a delivery carried (what the phone shows). */
export function buttonsIn(messages: unknown[]): Button[] {
  const last = messages.at(-1) as { quickReply?: { items?: { action?: { type?: string; label?: string; data?: string } }[] } } | undefined;
  return (last?.quickReply?.items ?? []).flatMap((i) => (i.action?.type === 'postback' && i.action.label && i.action.data ? [{ label: i.action.label, data: i.action.data }] : []));
}

/**
 * An answer as a LINE user gives it: a tap on the button that says it (a postback, as most
 * do — 「はい」 under 息苦しさ), else typed (a temperature has no buttons); `typed`: every
 * answer typed, as some people do (the typed-red hint then hurries a typed 「はい」).
 */
export function answerEvent(p: Patient, text: string, at?: number, typed = false): ReturnType<typeof lineTextEvent> | ReturnType<typeof linePostbackEvent> {
  const button = typed ? undefined : p.buttons?.find((b) => b.label === text);
  return button ? linePostbackEvent(p.userId, button.data, at) : lineTextEvent(p.userId, text, at);
}

/**
 * The close-contact check (src/flows/defaults/contact-daily.ts), one answer a question, in
 * its order: the temperature, 息苦しさ, then the symptom group (「いいえ」 ends the check). A
 * red patient says 「はい」 to 息苦しさ (RED_STEP), which raises a red alert. (It was 6 answers
 * with 「はい」 at the fourth: after the check had ended, so no red alert was ever raised and
 * the topology bench saw none on the console's stream.) Answers are tapped where a button
 * says them (answerEvent): 息苦しさ's 「はい」 is then the red-marked button (the urgent lane).
 */
export const CONTACT_ANSWERS = ['36.6', 'いいえ', 'いいえ'];
export const RED_STEP = 1;

/**
 * The simulated phones of the burst scenarios: a reply (or push) reaching a patient who
 * waits for one moves them to the next question, queued in `continuing` (they answer as
 * soon as it arrives, before those still to start). Counts each message a patient got by
 * reply or push, so a scenario can report one sent twice — also when the second went out by
 * push after a reply whose answer was lost (the stand-in, like LINE, refuses a reply token
 * used once, so the same token never carries it twice).
 */
export class AnsweringPatients {
  readonly patients = new Map<string, Patient>();
  readonly continuing: Patient[] = [];
  readonly replyTokens = new Map<string, string>();
  readonly repliesPerToken = new Map<string, number>();
  /** Per patient and message (its JSON): how often it reached them. */
  readonly timesReceived = new Map<string, number>();

  /** Messages a patient received more than once. */
  sentTwice(): number {
    return [...this.timesReceived.values()].filter((n) => n > 1).length;
  }

  onReply(d: LineDelivery): void {
    const userId = d.endpoint === 'reply' ? this.replyTokens.get(d.replyToken!) : d.to[0];
    if (d.replyToken) this.repliesPerToken.set(d.replyToken, (this.repliesPerToken.get(d.replyToken) ?? 0) + 1);
    if (userId && d.endpoint !== 'multicast') {
      const key = `${userId}\u0000${JSON.stringify(d.messages)}`;
      this.timesReceived.set(key, (this.timesReceived.get(key) ?? 0) + 1);
    }
    const p = userId ? this.patients.get(userId) : undefined;
    if (!p || !p.awaiting) return;
    p.awaiting = false;
    p.buttons = buttonsIn(d.messages);
    p.step++;
    if (p.step < CONTACT_ANSWERS.length) this.continuing.push(p);
  }
}
