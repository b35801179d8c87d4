import type { OutMessage } from '../../flows';
import { fitsSegments, MAX_PROMPT_SEGMENTS } from './segments';

/** 「1:はい 2:いいえ 3:わからない」: SMS has no buttons, so choices are numbered. */
export function numberedChoices(choices: { label: string }[], from = 0): string[] {
  return choices.map((c, i) => `${from + i + 1}:${c.label}`);
}

function messageText(m: OutMessage): string {
  if (!m.choices?.length) return m.text;
  return `${m.text}\n${numberedChoices(m.choices).join(' ')}`;
}

/**
 * The SMS bodies for the engine's messages of one step, each at most two segments:
 * consecutive messages share a body while they fit (「ありがとうございます」 + the next
 * question), and a question whose numbered list is too long for two segments (the
 * 13-item urgent-symptoms list) continues its numbering in the next body. Pure.
 *
 * @example renderSms([{ kind: 'question', text: '咳・鼻水はある？', choices: [...] }])
 *   // ['咳・鼻水はある？\n1:はい 2:いいえ 3:わからない']
 */
export function renderSms(messages: OutMessage[], maxSegments = MAX_PROMPT_SEGMENTS): string[] {
  const bodies: string[] = [];
  let current = '';
  const push = (text: string) => {
    if (current === '') current = text;
    else if (fitsSegments(`${current}\n${text}`, maxSegments)) current = `${current}\n${text}`;
    else {
      bodies.push(current);
      current = text;
    }
  };
  for (const m of messages) {
    const whole = messageText(m);
    if (fitsSegments(whole, maxSegments)) {
      push(whole);
      continue;
    }
    // Too long as one body: the question first, then its numbered choices across bodies.
    push(m.text);
    for (const choice of numberedChoices(m.choices ?? [])) {
      if (fitsSegments(`${current} ${choice}`, maxSegments)) current = `${current} ${choice}`;
      else {
        bodies.push(current);
        current = choice;
      }
    }
  }
  if (current !== '') bodies.push(current);
  return bodies;
}
