import type { FlowDefinition } from '../definition/schema.js';
import type { FlowContext, RiskFlag } from '../types.js';

/**
 * Risk factors that raise a severity (65歳以上, 基礎疾患, 妊娠 …), declared on the flow:
 * an amber flag becomes red, and the reason says which factor did it so a nurse sees why.
 *
 * Example: "escalation": { "minAge": 65, "riskFactors": ["age65", "underlying_condition", "pregnancy"] }
 */
export function escalate(flag: RiskFlag, def: FlowDefinition, ctx: FlowContext): RiskFlag {
  const e = def.escalation;
  if (!e || flag.severity !== 'amber') return flag;
  if (e.rules && !e.rules.includes(flag.ruleId)) return flag;
  const factors = (ctx.subject.riskFactors ?? []).filter((f) => e.riskFactors.includes(f));
  const age = ctx.subject.age;
  if (e.minAge !== undefined && age !== undefined && age >= e.minAge && !factors.includes('age65')) factors.unshift(`age${e.minAge}`);
  if (factors.length === 0) return flag;
  return {
    ...flag,
    severity: 'red',
    reason: {
      ja: `${flag.reason.ja}（リスク因子により重症度を上げました: ${factors.map(ja).join('、')}）`,
      en: `${flag.reason.en} (raised for risk factors: ${factors.map(en).join(', ')})`,
    },
    values: { ...flag.values, escalatedFrom: 'amber', riskFactors: factors, ...(age !== undefined ? { age } : {}) },
  };
}

const JA: Record<string, string> = { age65: '65歳以上', underlying_condition: '基礎疾患', pregnancy: '妊娠中', immunosuppressed: '免疫抑制' };
const EN: Record<string, string> = { age65: 'age ≥ 65', underlying_condition: 'underlying condition', pregnancy: 'pregnancy', immunosuppressed: 'immunosuppressed' };
const ja = (f: string) => (Object.hasOwn(JA, f) ? JA[f]! : f);
const en = (f: string) => (Object.hasOwn(EN, f) ? EN[f]! : f);
