import { isTappedRed, type InboxRow } from '../../domain/inbox/store-events';
import { senderKeyOf } from '../line/intake';
import type { IntakeJobs } from './types';

/** The text of a LINE text message event, else null. */
export function lineTextOf(event: unknown): string | null {
  const e = event as { type?: unknown; message?: { type?: unknown; text?: unknown } } | null;
  return e?.type === 'message' && e.message?.type === 'text' && typeof e.message.text === 'string' ? e.message.text : null;
}

/**
 * Which rows belong in the answers' urgent lane: a LINE button marked red (`u=1`), or a typed
 * LINE text that its sender's hint says is red (a SpO2 of 92 typed, a typed 「はい」 to
 * 息苦しさ; jobs/typed-red-hints.ts) — one read (a script call) for the write's texts. Without the hints (Workers)
 * or with Redis failing, a typed answer takes the ordinary lane; nothing is lost either way.
 */
export async function urgentRows(jobs: IntakeJobs, rows: readonly Pick<InboxRow, 'provider' | 'senderKey' | 'payload'>[]): Promise<boolean[]> {
  const urgent = rows.map(isTappedRed);
  const typed = rows.flatMap((r, i) => (!urgent[i] && r.provider === 'line' && r.senderKey && lineTextOf(r.payload) !== null ? [i] : []));
  if (typed.length === 0 || !jobs.typedRedHints) return urgent;
  const red = await jobs.typedRedHints.looksRed(typed.map((i) => ({ senderKey: rows[i]!.senderKey!, text: lineTextOf(rows[i]!.payload)! }))).catch(() => []);
  typed.forEach((i, k) => {
    if (red[k]) urgent[i] = true;
  });
  return urgent;
}

/**
 * The overload gate's question for a webhook body not yet verified: does a text in it look
 * red by its sender's hint? Parsed only when it holds a text message; any malformed body is
 * simply not urgent (it is refused, and verified when delivered again).
 */
export async function bodyHoldsTypedRed(jobs: IntakeJobs, rawBody: string): Promise<boolean> {
  if (!jobs.typedRedHints || !rawBody.includes('"text"')) return false;
  let events: unknown[];
  try {
    events = (JSON.parse(rawBody) as { events?: unknown }).events as unknown[];
  } catch {
    return false;
  }
  if (!Array.isArray(events)) return false;
  const rows = await Promise.all(
    events.flatMap((e) => {
      const userId = (e as { source?: { userId?: unknown } } | null)?.source?.userId;
      return typeof userId === 'string' && lineTextOf(e) !== null ? [senderKeyOf(userId).then((senderKey) => ({ provider: 'line' as const, senderKey, payload: e }))] : [];
    }),
  );
  return (await urgentRows(jobs, rows)).some(Boolean);
}
