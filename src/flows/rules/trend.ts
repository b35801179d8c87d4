import { issue, type FlowIssue } from '../definition/issues.js';
import type { RuleDef } from '../definition/schema.js';
import type { HistoryDay, ObservationValue } from '../types.js';
import { daysBefore } from './dates.js';
import { checkInRange, isPresent, questionRef, type RuleEnv, type RuleKindSpec } from './kind.js';

type TrendRule = Extract<RuleDef, { type: 'trend' }>;

/**
 * Rules over today's answers and the history passed in (oldest first), evaluated when
 * the session ends. Dates matter: "3 consecutive days" means today and the two calendar
 * days before it, not the last three reports.
 *   consecutive — questions[0] ≥ gte on `days` consecutive days (default 3)
 *   drop        — questions[0] fell by ≥ points since the previous report, which may be an
 *                 earlier round of today (98 at 09:00 → 94 at 15:00 fires)
 *   new_symptom — a symptom present today never reported before, from monitoring day `fromDay` (default 5)
 *   worse       — a symptom present today that was absent yesterday, or a scale higher than yesterday
 *
 * Example: { "id": "fever_3days", "type": "trend", "trend": "consecutive", "questions": ["temperature"],
 *            "gte": 37.5, "days": 3, "severity": "amber",
 *            "reason": { "ja": "37.5℃以上が3日続いている", "en": "Fever ≥ 37.5 °C for 3 days" } }
 */
export const trendRule: RuleKindSpec<TrendRule> = {
  type: 'trend',
  phase: () => 'end',
  questions: (r) => r.questions,
  evaluate: (r, env) => EVALUATORS[r.trend](r, env),
  // A drop or a worse day compares with the history, not a constant: not probed (a typed hint only hurries).
  numbers: (r, q) => (r.trend === 'consecutive' && r.questions[0] === q && r.gte !== undefined ? [r.gte] : []),
  validate(r, def, path) {
    const out: FlowIssue[] = [];
    const numeric = r.trend === 'consecutive' || r.trend === 'drop';
    r.questions.forEach((q, i) => {
      const node = questionRef(def, q, `${path}.questions[${i}]`, numeric ? ['number', 'scale'] : ['yes_no', 'multi', 'scale'], out);
      if (node && r.trend === 'consecutive') checkInRange(node, r.gte, `${path}.gte`, out);
    });
    if (r.trend === 'consecutive' && r.gte === undefined) out.push(issue(`${path}.gte`, 'missing_threshold', 'gte が必要です', 'gte is required'));
    if (r.trend === 'drop' && r.points === undefined) out.push(issue(`${path}.points`, 'missing_threshold', 'points が必要です', 'points is required'));
    return out;
  },
};

/** A day's answers; several reports of one day merge, the later answer winning (as the host stores them). */
function onDate(env: RuleEnv, date: string): HistoryDay['values'] | undefined {
  const reports = env.history.filter((h) => h.localDate === date);
  if (reports.length <= 1) return reports[0]?.values;
  return Object.assign({}, ...reports.map((h) => h.values)) as HistoryDay['values'];
}

const EVALUATORS: Record<TrendRule['trend'], (r: TrendRule, env: RuleEnv) => Record<string, unknown> | null> = {
  consecutive(r, env) {
    const q = r.questions[0] ?? '';
    const days = r.days ?? 3;
    const series: { date: string; value: ObservationValue | undefined }[] = [{ date: env.localDate, value: env.answers[q] }];
    for (let i = 1; i < days; i++) {
      const date = daysBefore(env.localDate, i);
      series.unshift({ date, value: onDate(env, date)?.[q] });
    }
    const ok = series.every((s) => typeof s.value === 'number' && s.value >= (r.gte ?? Infinity));
    return ok ? { [q]: series.map((s) => ({ date: s.date, value: s.value })) } : null;
  },
  drop(r, env) {
    const q = r.questions[0] ?? '';
    const today = env.answers[q];
    // Oldest first, so the last numeric report on or before today is the previous one.
    const prev = [...env.history].reverse().find((h) => typeof h.values[q] === 'number' && h.localDate <= env.localDate);
    const before = prev?.values[q];
    if (typeof today !== 'number' || typeof before !== 'number') return null;
    if (before - today < (r.points ?? Infinity)) return null;
    return { [q]: today, previous: before, previousDate: prev?.localDate, ...(prev?.round ? { previousRound: prev.round } : {}) };
  },
  new_symptom(r, env) {
    if (env.ctx.subject.monitoringDay < (r.fromDay ?? 5)) return null;
    const fresh = r.questions.filter((q) => isPresent(env.answers[q], 'none') && !env.history.some((h) => isPresent(h.values[q], 'none')));
    return fresh.length > 0 ? { newSymptoms: fresh, monitoringDay: env.ctx.subject.monitoringDay } : null;
  },
  worse(r, env) {
    const yesterday = onDate(env, daysBefore(env.localDate, 1));
    if (!yesterday) return null;
    const worse = r.questions.filter((q) => {
      const now = env.answers[q];
      const then = yesterday[q];
      if (typeof now === 'number' && typeof then === 'number') return now > then;
      return isPresent(now, 'none') && (then === false || (Array.isArray(then) && !isPresent(then, 'none')));
    });
    return worse.length > 0 ? { worseThanYesterday: worse } : null;
  },
};
