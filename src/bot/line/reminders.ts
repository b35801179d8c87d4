import { sessionsByIds } from '../../domain/checks/session';
import { outboundIdByRetryKey } from '../../domain/outbox/outbound-messages';
import type { Deps } from '../../deps';
import { currentPrompt } from './check-conversation';
import { lineApiFor } from './limited-api';
import { promptRetryKey, recordUnreachable, type DispatchRow } from '../../domain/channels/line-dispatch-rows';
import type { LineLink } from '../../domain/channels/person-on-channel';
import { deliverOutbound, queueOutbound } from './outbox';
import { fitRequest, textMessages } from './render';
import { pick, T } from './texts';
import { openMemberNames } from '../../domain/households/household-session';
import { membersOpenLine } from '../../flows';

/** The owner (claimant) name of reminder rows. */
export const REMINDER_OWNER = 'reminders';

/**
 * Reminders: one push per person — a short reminder (for a household's reporter, with the
 * members whose check is still open named) and the question their check is waiting on (with its buttons). Keyed by session and reminder number, so a retried job
 * never reminds twice. A push LINE refuses for good (400: blocked, not a friend) marks
 * the channel unreachable and raises channel_lost.
 */
export async function sendReminders(deps: Deps, rows: DispatchRow[]): Promise<void> {
  const now = deps.now();
  const sessions = await sessionsByIds(deps.db, rows.map((r) => r.sessionId));
  const byId = new Map(sessions.map((s) => [s.id, s]));
  const ids: string[] = [];
  for (const r of rows) {
    const session = byId.get(r.sessionId);
    if (!session) continue;
    const link = { personId: r.personId, lang: r.lang } as LineLink;
    const turn = { tx: deps.db, now, env: deps.env, userId: r.userId! };
    const prompt = await currentPrompt(turn, link, session);
    // A household's reporter: name the members whose check is still open (「花子さん、太郎さんの健康観察がまだです。」).
    const members = membersOpenLine(await openMemberNames(deps.db, r.personId, now), r.lang, 'line');
    const id = await queueOutbound(
      deps.db,
      { retryKey: promptRetryKey('reminder', r), kind: 'reminder', personId: r.personId, sessionId: r.sessionId, body: { to: r.userId!, messages: fitRequest([...textMessages([pick(T.reminder, r.lang), ...(members ? [members] : [])]), ...prompt]), owner: REMINDER_OWNER } },
      now,
    );
    if (id) ids.push(id);
    else {
      // Recorded by an earlier run of this job: send it if it is still queued.
      const existing = await outboundIdByRetryKey(deps.db, promptRetryKey('reminder', r));
      if (existing) ids.push(existing);
    }
  }
  // A reminder row is only ever in the batch of the dispatch job for its session and number
  // (or taken over by the sweep), so one owner name serves every reminders run.
  const result = await deliverOutbound(deps, lineApiFor(deps), ids, REMINDER_OWNER);
  const refused = rows.filter((r) => result.failed.some((f) => f.sessionId === r.sessionId && f.status === 400));
  if (refused.length) await recordUnreachable(deps, refused, 'reminder', 'send_failed');
  if (result.transient) throw result.transient;
}
