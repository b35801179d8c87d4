import type { Deps } from '../../src/deps';
import { raiseAlert, type AlertReason } from '../../src/domain/alerts/raise-alert';
import { answerCheck } from '../../src/domain/checks/answer-check';
import { startCheck } from '../../src/domain/checks/start-check';
import { systemActor, withTransaction } from '../../src/domain/context';
import { registerPerson } from '../../src/domain/persons/register-person';

/** Text a patient or a careless import could send, that must show as text everywhere. */
export const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)'] as const;

const sys = (deps: Deps) => ({ actor: systemActor('test'), now: deps.now() });

/** Register a person at a centre through the real verb. */
export async function makePerson(deps: Deps, centreCode: string, fields: Record<string, unknown> = {}): Promise<string> {
  const { id } = await withTransaction(deps.db, sys(deps), (ctx) =>
    registerPerson({
      ctx,
      input: { caseNumber: `C-${Math.random().toString(36).slice(2, 8)}`, name: '見守 花子', nameKana: 'ミマモリ ハナコ', classification: 'confirmed', phone: '090-1234-5678', dateOfBirth: '1950-04-01', riskFactors: ['diabetes'], responsibleCentreCode: centreCode, ...fields },
    }),
  );
  return id;
}

/** A whole daily check answered on LINE through the real verbs (temperature first, then the rest). */
export async function answerDailyCheck(deps: Deps, personId: string, answers: string[]): Promise<string> {
  return withTransaction(deps.db, sys(deps), async (ctx) => {
    const { sessionId } = await startCheck({ ctx, input: { personId, channel: 'line', source: 'patient' } });
    for (const text of answers) {
      const r = await answerCheck({ ctx, input: { sessionId, channel: 'line', input: { type: 'message', text } } });
      if (r.closed) break;
    }
    return sessionId;
  });
}

/** Answers to the patient flow that end with a free comment. */
// The default patient check without an oximeter: temperature, the three red flags, the symptom group, the urgent checklist, the comment.
export const dailyAnswers = (temperature: string, comment: string) => [temperature, 'いいえ', 'いいえ', 'いいえ', 'どれもない', 'なし', comment, 'なし'];

export async function makeAlert(deps: Deps, personId: string, opts: { severity?: 'red' | 'amber'; reason?: string; reasons?: AlertReason[]; key?: string } = {}): Promise<string> {
  const { id } = await withTransaction(deps.db, sys(deps), (ctx) =>
    raiseAlert({
      ctx,
      input: {
        personId,
        severity: opts.severity ?? 'red',
        reason: opts.reason ?? 'fever_high',
        reasons: opts.reasons ?? [{ ruleId: 'fever_high', ja: '38.5℃以上の発熱', en: 'Fever of 38.5 °C or more', values: { temperature: 39.8 } }],
        dedupeKey: opts.key ?? `test:${Math.random()}`,
      },
    }),
  );
  return id;
}
