import { z } from 'zod';
import { LANG_CODES } from '../languages/index.js';

/**
 * The flow definition format (spec version FLOW_SPEC_VERSION), as a zod schema.
 * Types are inferred from it so the schema, the editor's JSON Schema and the engine
 * can never disagree. Graph and content checks live in validate.ts, not here: zod
 * checks shape, validate.ts checks meaning, and both point at `path`.
 *
 * Example (trimmed):
 * {
 *   "spec": 2, "key": "patient-daily", "name": { "ja": "毎日の健康観察", "en": "Daily check" },
 *   "start": "temperature",
 *   "nodes": {
 *     "temperature": { "type": "question", "kind": "number", "unit": "℃", "min": 34, "max": 42,
 *       "precision": 0.1, "keypad": "temperature", "next": "done",
 *       "text": { "ja": "今日の体温は？", "en": "Your temperature today?",
 *                 "channels": { "voice": { "ja": "体温を3桁で押してください。37度5分なら 3、7、5 です" } } } },
 *     "done": { "type": "end", "text": { "ja": "ありがとうございました。", "en": "Thank you." } }
 *   },
 *   "rules": [ { "id": "fever", "type": "threshold", "question": "temperature", "gte": 38,
 *                "severity": "amber", "reason": { "ja": "38.0℃以上の発熱", "en": "Fever ≥ 38.0 °C" } } ]
 * }
 */

export const CHANNELS = ['line', 'sms', 'voice', 'web'] as const;

/** Japanese required; every other language of languages/index.ts optional (validate.ts reports the missing ones). */
const wording = z.object({
  ja: z.string(),
  ...(Object.fromEntries(LANG_CODES.filter((c) => c !== 'ja').map((c) => [c, z.string().optional()])) as Record<Exclude<(typeof LANG_CODES)[number], 'ja'>, z.ZodOptional<z.ZodString>>),
});

/** Japanese first; English is optional in shape so a missing one is reported by validate.ts with its path. */
export const textSchema = wording.extend({
  channels: z.partialRecord(z.enum(CHANNELS), wording).optional(),
});

export const valueSchema = z.union([z.number(), z.boolean(), z.string(), z.array(z.string()), z.null()]);

export type Condition =
  | {
      question?: string;
      subject?: 'hasOximeter' | 'age' | 'classification' | 'monitoringDay' | 'riskFactors';
      op: 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'includes' | 'answered' | 'unanswered';
      value?: z.infer<typeof valueSchema> | number[];
    }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({
      question: z.string().optional(),
      subject: z.enum(['hasOximeter', 'age', 'classification', 'monitoringDay', 'riskFactors']).optional(),
      op: z.enum(['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'includes', 'answered', 'unanswered']),
      value: z.union([valueSchema, z.array(z.number())]).optional(),
    }),
    z.object({ all: z.array(conditionSchema) }),
    z.object({ any: z.array(conditionSchema) }),
    z.object({ not: conditionSchema }),
  ]),
);

export const QUESTION_KINDS = ['number', 'yes_no', 'single', 'multi', 'scale', 'text', 'group'] as const;

const choiceSchema = z.object({
  value: z.string().min(1),
  label: textSchema,
  aliases: z.array(z.string()).optional(), // extra words people type: 「せき」「のど」
  channels: z.array(z.enum(CHANNELS)).optional(), // shown only on these channels
});

/** One flat shape for every question kind; kind-specific checks live in questions/<kind>.ts. */
export const questionNodeSchema = z.object({
  type: z.literal('question'),
  kind: z.enum(QUESTION_KINDS),
  text: textSchema,
  hint: textSchema.optional(),
  next: z.string(),
  unit: z.string().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  precision: z.number().positive().optional(),
  keypad: z.enum(['temperature', 'spo2', 'pulse']).optional(),
  // Read back before recording: values ≤ lte or ≥ gte, on every channel or only on `channels` (e.g. voice keypad entries).
  confirm: z.object({ lte: z.number().optional(), gte: z.number().optional(), channels: z.array(z.enum(CHANNELS)).optional(), text: textSchema.optional() }).optional(),
  allowUnknown: z.boolean().optional(),
  choices: z.array(choiceSchema).optional(),
  exclusive: z.string().optional(), // a multi choice that excludes the others (「なし」)
  collapse: z.object({ channels: z.array(z.enum(CHANNELS)), yes: z.string(), no: z.string() }).optional(),
  // Multi: asked in two steps on these channels — 「なし」 or 「ある」 first, the list only after 「ある」 (one touch on a normal day).
  gate: z.object({ channels: z.array(z.enum(CHANNELS)).min(1) }).optional(),
  // Number: the person's last reading shown as a hint (「参考: 昨日は36.8℃」), and a 「前回と同じ」 button allowed
  // only while the last `days` readings stayed within `within` of each other (a stable measurement).
  previous: z.object({ hint: z.boolean().optional(), same: z.object({ days: z.number().int().min(2).max(7), within: z.number().min(0) }).optional() }).optional(),
  // Group and gated multi: the second step's question (「当てはまるものを選んでください」); default: the engine's wording.
  pick: textSchema.optional(),
  optional: z.boolean().optional(),
  maxLength: z.number().int().positive().optional(),
});

export const messageNodeSchema = z.object({ type: z.literal('message'), text: textSchema, next: z.string() });
export const branchNodeSchema = z.object({
  type: z.literal('branch'),
  cases: z.array(z.object({ when: conditionSchema, next: z.string() })),
  default: z.string(),
});
export const endNodeSchema = z.object({ type: z.literal('end'), text: textSchema.optional() });

export const nodeSchema = z.discriminatedUnion('type', [
  questionNodeSchema,
  messageNodeSchema,
  branchNodeSchema,
  endNodeSchema,
]);

const reason = z.object({ ja: z.string(), en: z.string() });
const ruleBase = {
  id: z.string().min(1),
  severity: z.enum(['red', 'amber']),
  reason,
  callNow: z.boolean().optional(), // tell the patient to call the health centre / 119 at once
  advice: textSchema.optional(), // told to the patient when the rule fires (e.g. measure again)
};

export const ruleSchema = z.discriminatedUnion('type', [
  z.object({
    ...ruleBase,
    type: z.literal('threshold'),
    question: z.string(),
    lte: z.number().optional(),
    lt: z.number().optional(),
    gte: z.number().optional(),
    gt: z.number().optional(),
    between: z.tuple([z.number(), z.number()]).optional(),
    outside: z.tuple([z.number(), z.number()]).optional(),
  }),
  z.object({ ...ruleBase, type: z.literal('answer'), question: z.string(), anyOf: z.array(valueSchema).min(1) }),
  z.object({ ...ruleBase, type: z.literal('urgent'), question: z.string(), except: z.array(z.string()) }),
  z.object({
    ...ruleBase,
    type: z.literal('trend'),
    trend: z.enum(['consecutive', 'drop', 'new_symptom', 'worse']),
    questions: z.array(z.string()).min(1),
    gte: z.number().optional(), // consecutive: value ≥ gte
    days: z.number().int().min(2).optional(), // consecutive: number of days including today
    points: z.number().positive().optional(), // drop: fall from the previous report
    fromDay: z.number().int().min(1).optional(), // new_symptom: monitoring day from which it counts
  }),
]);

export const escalationSchema = z.object({
  minAge: z.number().optional(),
  riskFactors: z.array(z.string()),
  rules: z.array(z.string()).optional(), // default: every amber rule
});

export const flowDefinitionObject = z.object({
  spec: z.number().int().positive(),
  key: z.string().min(1),
  name: textSchema,
  start: z.string(),
  nodes: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'node ids start with a letter: a-z, 0-9, _ and -'), nodeSchema),
  rules: z.array(ruleSchema),
  escalation: escalationSchema.optional(),
});

export type Text = z.infer<typeof textSchema>;
export type Choice = z.infer<typeof choiceSchema>;
export type QuestionNode = z.infer<typeof questionNodeSchema>;
export type MessageNode = z.infer<typeof messageNodeSchema>;
export type BranchNode = z.infer<typeof branchNodeSchema>;
export type EndNode = z.infer<typeof endNodeSchema>;
export type FlowNode = z.infer<typeof nodeSchema>;
export type RuleDef = z.infer<typeof ruleSchema>;
export type Escalation = z.infer<typeof escalationSchema>;
export type FlowDefinition = z.infer<typeof flowDefinitionObject>;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export const flowDefinitionSchema: z.ZodType<FlowDefinition> = flowDefinitionObject;

/** JSON Schema for the console's editor (zod 4's own converter). */
export function flowDefinitionJsonSchema(): object {
  return z.toJSONSchema(flowDefinitionObject, { unrepresentable: 'any' });
}

/**
 * The node with this id, or undefined. Ids come from stored state and edited JSON, so
 * 「constructor」 or 「__proto__」 must never resolve to something on Object.prototype.
 */
export function nodeAt(def: FlowDefinition, id: string): FlowNode | undefined {
  return Object.hasOwn(def.nodes, id) ? def.nodes[id] : undefined;
}
