import type { Lang, OutMessage } from '../../flows';
import { keypadGuide } from './speak';


/** Which of the adapter's own guides are said with a question. */
export interface AskHints {
  /** 「もう一度聞くには、9を押してください。」 */
  repeat: boolean;
  /** 「はいは1、いいえは2、わからないは3を押してください。」 (choice questions only, see keypadGuide). */
  keypad: boolean;
}

/** Both (where the question has keys to explain): what a turn says when it does not choose. */
export const ALL_HINTS: AskHints = { repeat: true, keypad: true };

export interface HintSituation {
  /** The first question of the call (or of a call-in resuming a check). */
  opening: boolean;
  /** Said again on request: the person pressed 9, or 0 and the question follows. */
  again: boolean;
  /** The question asked just before this one, if any. */
  previous: OutMessage | null;
}

/**
 * Elderly listeners need the guides, but not on each of 16 questions: said every time
 * they made a default patient call about 1,200 characters (four minutes). The repeat hint
 * is said once at the start and again whenever the person seems lost — the engine asks
 * again (kind 'reask': no input, or an answer not understood). The keypad guide is said
 * when the keys are new (the first of a run of questions with the same choices, such as
 * the eleven はい/いいえ/わからない symptoms), and whenever the question is said again.
 * Number questions carry their own key instructions in the flow's wording. Pure.
 */
export function hintsFor(ask: OutMessage, lang: Lang, at: HintSituation): AskHints {
  const guide = keypadGuide(ask, lang);
  // The engine's re-ask after an answer it could not read names the keys itself: not twice.
  const keys = guide !== null && !ask.text.includes(guide);
  if (at.opening) return { repeat: true, keypad: keys };
  if (at.again) return { repeat: false, keypad: keys }; // they just pressed 9 (or 0): they know the 9
  if (ask.kind === 'reask') return { repeat: true, keypad: keys };
  return { repeat: false, keypad: keys && guide !== (at.previous ? keypadGuide(at.previous, lang) : null) };
}
