import { checkSessions, observations } from '../../../db/schema';
import { eq, sql } from 'drizzle-orm';
import type { Channel, Effect, OutMessage, RiskFlag, SessionState, Step } from '../../flows';
import { raiseAlert } from '../alerts/raise-alert';
import type { Ctx } from '../context';

export interface StepOutcome {
  messages: OutMessage[];
  completed: boolean;
  alertIds: string[];
  urgentAdvice: boolean;
}

const SEVERITY_RANK = { amber: 1, red: 2 } as const;

/**
 * Store what one engine step produced, in the caller's transaction: observations (one per
 * session and question — a replay inserts nothing), the session's new state, and one alert
 * per session that collects every flag (severity only goes up). `answeredBy`: the household
 * reporter who answered for the person (on the observations and the session); `answeredByHousehold`: the
 * household whose reporter contact (not a person) answered. Returns what to send.
 */
export async function applyStep(
  ctx: Ctx,
  session: { id: string; personId: string },
  channel: Channel,
  step: Step,
  by: { answeredBy?: string | null; answeredByHousehold?: string | null } = {},
  /** An answer's step (answerCheck), which a batch may write with the others' (nothing else writes the session after it in the event). */
  opts: { deferrable?: boolean } = {},
): Promise<StepOutcome> {
  const messages: OutMessage[] = [];
  const flags: RiskFlag[] = [];
  let completed = false;
  let urgentAdvice = false;
  const rows: (typeof observations.$inferInsert)[] = [];
  for (const effect of step.effects as Effect[]) {
    switch (effect.type) {
      case 'send':
        messages.push(effect.message);
        break;
      case 'record_observation': {
        const o = effect.observation;
        rows.push({
          personId: session.personId,
          sessionId: session.id,
          questionId: o.questionId,
          kind: o.kind,
          valueNumber: typeof o.value === 'number' ? o.value : null,
          valueText: typeof o.value === 'string' ? o.value : null,
          value: o.value,
          unit: o.unit ?? null,
          raw: o.raw,
          status: o.status,
          channel,
          observedAt: ctx.now,
          answeredByPersonId: by.answeredBy ?? null,
          answeredByHouseholdId: by.answeredByHousehold ?? null,
        });
        break;
      }
      case 'raise_alert':
        flags.push(effect.flag);
        break;
      case 'advise_patient':
        urgentAdvice = true;
        break;
      case 'end':
        completed = true;
        break;
      case 'error':
        // Content problems (e.g. a state that does not match its version) are logged by the host.
        break;
    }
  }
  const alertIds: string[] = [];
  if (flags.length) {
    const severity = flags.reduce<'red' | 'amber'>((s, f) => (SEVERITY_RANK[f.severity] > SEVERITY_RANK[s] ? f.severity : s), 'amber');
    const top = flags.find((f) => f.severity === severity)!;
    const { id } = await raiseAlert({
      ctx,
      input: {
        personId: session.personId,
        sessionId: session.id,
        severity,
        reason: top.ruleId,
        reasons: flags.map((f) => ({ ruleId: f.ruleId, ja: f.reason.ja, en: f.reason.en, values: f.values })),
        dedupeKey: `session:${session.id}`,
      },
    });
    alertIds.push(id);
  }

  // A batch of answers writes every answer's observations and state together (answer-read-ahead.ts).
  if (opts.deferrable && ctx.ahead && !by.answeredBy && !by.answeredByHousehold) {
    ctx.ahead.deferStep({ sessionId: session.id, observations: rows, state: step.state as SessionState, completed, at: ctx.now });
    return { messages, completed, alertIds, urgentAdvice };
  }
  const update = ctx.tx
    .update(checkSessions)
    .set({
      state: step.state as SessionState,
      status: completed ? 'completed' : 'active',
      completedAt: completed ? ctx.now : null,
      nextActionAt: completed ? null : undefined,
      ...(by.answeredBy ? { answeredByPersonId: by.answeredBy } : {}),
      ...(by.answeredByHousehold ? { answeredByHouseholdId: by.answeredByHousehold } : {}),
      updatedAt: ctx.now,
    })
    .where(eq(checkSessions.id, session.id));
  // The observations and the session's new state in one round trip (a data-modifying CTE).
  if (rows.length) await ctx.tx.execute(sql`with recorded as (${ctx.tx.insert(observations).values(rows).onConflictDoNothing().getSQL()}) ${update.getSQL()}`);
  else await update;
  return { messages, completed, alertIds, urgentAdvice };
}
