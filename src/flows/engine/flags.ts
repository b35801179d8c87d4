import type { RuleDef } from '../definition/schema.js';
import { localDateOf } from '../rules/dates.js';
import { escalate } from '../rules/escalation.js';
import type { RuleEnv } from '../rules/kind.js';
import { ruleKind } from '../rules/registry.js';
import type { OutMessage, RiskFlag } from '../types.js';
import { say, send, type RunEnv } from './env.js';
import { TEXTS } from './texts.js';

/** Single-answer rules naming this question, right after it is answered. */
export function fireAnswerRules(env: RunEnv, questionId: string): void {
  for (const rule of env.def.rules) {
    const kind = ruleKind(rule);
    if (kind.phase(rule) !== 'answer' || !kind.questions(rule).includes(questionId)) continue;
    const values = kind.evaluate(rule, ruleEnv(env, ''));
    if (values) raise(env, rule, values);
  }
}

/** Trend and history rules, once the day's answers are all in. */
export function fireEndRules(env: RunEnv): void {
  const endRules = env.def.rules.filter((r) => ruleKind(r).phase(r) === 'end');
  if (endRules.length === 0) return;
  const renv = ruleEnv(env, localDateOf(env.ctx));
  for (const rule of endRules) {
    const values = ruleKind(rule).evaluate(rule, renv);
    if (values) raise(env, rule, values);
  }
}

function ruleEnv(env: RunEnv, localDate: string): RuleEnv {
  return { answers: env.state.answers, ctx: env.ctx, localDate, history: env.ctx.history ?? [] };
}

/** Raises a flag once per rule per session, escalated for risk factors, with its advice to the patient. */
function raise(env: RunEnv, rule: RuleDef, values: Record<string, unknown>): void {
  const raised = env.state.raised ?? [];
  if (raised.includes(rule.id)) return;
  env.state.raised = [...raised, rule.id];
  const flag: RiskFlag = escalate({ ruleId: rule.id, severity: rule.severity, reason: { ...rule.reason }, values }, env.def, env.ctx);
  env.effects.push({ type: 'raise_alert', flag });
  if (rule.advice) send(env, { kind: 'info', text: say(env, rule.advice) });
  if ((rule.callNow || rule.type === 'urgent') && !env.state.advised) adviseCallNow(env, flag);
}

/**
 * The call-now advice: the centre's number while it is open; when it is closed its
 * after-hours number if it has one, else 119 — and adapters put 119 first (`centreOpen`).
 */
export function urgentAdvice(env: RunEnv): OutMessage {
  const hc = env.ctx.healthCentre;
  const text = hc.isOpen
    ? say(env, TEXTS.urgentOpen, { name: hc.name, phone: hc.phone })
    : hc.afterHoursPhone
      ? say(env, TEXTS.urgentAfterHours, { name: hc.name, phone: hc.afterHoursPhone })
      : say(env, TEXTS.urgentClosed, { name: hc.name, phone: hc.phone });
  return { kind: 'urgent_advice', text, centreOpen: hc.isOpen };
}

/** 「今すぐ保健所へ」, said once per session (and again as the check's last words, engine/run.ts). */
function adviseCallNow(env: RunEnv, flag: RiskFlag): void {
  env.state.advised = true;
  const message = urgentAdvice(env);
  send(env, message);
  env.effects.push({ type: 'advise_patient', severity: flag.severity, message });
}
