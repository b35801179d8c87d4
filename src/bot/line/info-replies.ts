import { nextScheduledCheck, recentCompletedChecks } from '../../domain/checks/patient-records';
import { MONITORED_STATUSES } from '../../domain/persons/monitored';
import { localTimeOf } from '../../domain/time';
import type { LineLink } from '../../domain/channels/person-on-channel';
import { encodePostback } from '../../platform/line/postback';
import { postbackItem, textMessages, type QuickReplyItem } from './render';
import { fill, pick, T } from './texts';
import type { LineReply, LineTurn } from './turn';

const monitored = (link: LineLink) => MONITORED_STATUSES.includes(link.status);

/** The quick-reply buttons every help message carries (「今すぐ報告」 only while monitored). */
export function menuButtons(link: LineLink): QuickReplyItem[] {
  const contact = postbackItem(pick({ ja: '保健所に連絡', en: 'Contact centre' }, link.lang), encodePostback({ kind: 'menu', action: 'contact' }));
  if (!monitored(link)) return [contact];
  return [postbackItem(pick(T.reportButton, link.lang), encodePostback({ kind: 'menu', action: 'report' })), contact];
}

/** When the next scheduled check arrives, in the person's words ("today at about 15:00"), or null. */
export async function nextCheckText(turn: LineTurn, link: LineLink): Promise<string | null> {
  if (!monitored(link)) return null;
  const next = await nextScheduledCheck(turn.tx, link.personId, turn.now, link.centre.timeZone);
  if (!next) return null;
  const when = fill(pick(next.day === 'today' ? T.today : T.tomorrow, link.lang), { time: next.time });
  return fill(pick(T.nextCheck, link.lang), { when });
}

/** Outside a check: when the next one is, 「今すぐ報告」, and how to reach the health centre. */
export async function helpReply(turn: LineTurn, link: LineLink): Promise<LineReply> {
  if (!monitored(link)) return monitoringEndedReply(link);
  const next = (await nextCheckText(turn, link)) ?? pick(T.noNextCheck, link.lang);
  const texts = [`${next}\n${pick(T.reportNow, link.lang)}`, contactText(link)];
  return { kind: 'help', personId: link.personId, sessionId: null, messages: textMessages(texts, menuButtons(link)) };
}

export function contactText(link: LineLink): string {
  let hours = '';
  if (link.centre.openingHours) {
    try {
      const h = JSON.parse(link.centre.openingHours) as { open: string; close: string };
      hours = `\n${fill(pick({ ja: '受付: 平日 {open}〜{close}（祝日・年末年始を除く）', en: 'Weekdays {open}–{close} (closed on public holidays and 12/29–1/3)' }, link.lang), { open: h.open, close: h.close })}`;
    } catch {
      hours = '';
    }
  }
  return fill(pick(T.contact, link.lang), { centre: link.centre.nameJa, phone: link.centre.phone ?? '—', hours });
}

/** Someone no longer monitored (ended, in hospital …): nothing to report, and whom to contact. */
export function monitoringEndedReply(link: LineLink): LineReply {
  return { kind: 'help', personId: link.personId, sessionId: null, messages: textMessages([pick(T.monitoringEnded, link.lang), contactText(link)], menuButtons(link)) };
}

export function contactReply(link: LineLink): LineReply {
  return { kind: 'help', personId: link.personId, sessionId: null, messages: textMessages([contactText(link)], menuButtons(link)) };
}

const LABELS: Record<string, { ja: string; en: string }> = {
  temperature: { ja: '体温', en: 'Temp' },
  spo2: { ja: 'SpO2', en: 'SpO2' },
  pulse: { ja: '脈拍', en: 'Pulse' },
};

/** 記録を見る: the person's own last few checks with their measured values. */
export async function recordsReply(turn: LineTurn, link: LineLink): Promise<LineReply> {
  const sessions = await recentCompletedChecks(turn.tx, link.personId, Object.keys(LABELS));
  if (sessions.length === 0) return { kind: 'help', personId: link.personId, sessionId: null, messages: textMessages([pick(T.noRecords, link.lang)], menuButtons(link)) };
  const lines = sessions.map((s) => {
    const values = s.values.map((o) => `${pick(LABELS[o.questionId]!, link.lang)} ${o.value}${o.unit ?? ''}`);
    const when = s.round.startsWith('manual') ? (s.completedAt ? localTimeOf(s.completedAt, link.centre.timeZone) : '') : s.round;
    return `${s.localDate.slice(5).replace('-', '/')} ${when}  ${values.join(' / ') || pick({ ja: '回答済み', en: 'answered' }, link.lang)}`;
  });
  return { kind: 'help', personId: link.personId, sessionId: null, messages: textMessages([`${pick(T.records, link.lang)}\n${lines.join('\n')}`], menuButtons(link)) };
}
