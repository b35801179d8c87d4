import type { RuleDef } from '../definition/schema.js';
import { answerRule } from './answer.js';
import type { RuleKindSpec } from './kind.js';
import { thresholdRule } from './threshold.js';
import { trendRule } from './trend.js';
import { urgentRule } from './urgent.js';

type Registry = { [K in RuleDef['type']]: RuleKindSpec<Extract<RuleDef, { type: K }>> };

/** The one registry of rule kinds; a new kind is a new file plus one line here. */
export const RULE_REGISTRY: Registry = {
  threshold: thresholdRule,
  answer: answerRule,
  urgent: urgentRule,
  trend: trendRule,
};

/** Narrowing helper: the registry entry for a rule, typed for that rule. */
export function ruleKind(rule: RuleDef): RuleKindSpec<RuleDef> {
  return RULE_REGISTRY[rule.type] as unknown as RuleKindSpec<RuleDef>;
}
