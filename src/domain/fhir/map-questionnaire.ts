import type { Coding, Questionnaire, QuestionnaireItem, QuestionnaireResponse, QuestionnaireResponseItemAnswer } from '@medplum/fhirtypes';
import { MIMAMORI_FHIR } from './codes';
import { codingsOf } from './codes';

interface StoredQuestion {
  type?: string;
  kind?: string;
  text?: { ja?: string; en?: string };
  unit?: string;
  precision?: number;
  optional?: boolean;
  choices?: { value: string; label?: { ja?: string } }[];
}

export const YES_NO_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0136';
const UNKNOWN: Coding = { system: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor', code: 'UNK', display: 'unknown' };
const YES: Coding = { system: YES_NO_SYSTEM, code: 'Y', display: 'Yes' };
const NO: Coding = { system: YES_NO_SYSTEM, code: 'N', display: 'No' };
export const choiceSystem = (flowKey: string, questionId: string) => `${MIMAMORI_FHIR}/CodeSystem/flow-choice/${flowKey}/${questionId}`;
export const questionnaireUrl = (flowKey: string) => `${MIMAMORI_FHIR}/Questionnaire/${flowKey}`;

const questionsOf = (definition: unknown): [string, StoredQuestion][] =>
  Object.entries(((definition as { nodes?: Record<string, StoredQuestion> } | null)?.nodes ?? {})).filter(([, n]) => n.type === 'question');

function item(flowKey: string, id: string, q: StoredQuestion): QuestionnaireItem {
  const base = { linkId: id, text: q.text?.ja ?? id, code: codingsOf(id), required: false };
  switch (q.kind) {
    case 'number':
      return { ...base, type: q.precision !== undefined && q.precision < 1 ? 'decimal' : 'integer' };
    case 'scale':
      return { ...base, type: 'integer' };
    case 'yes_no':
      return { ...base, type: 'choice', answerOption: [{ valueCoding: YES }, { valueCoding: NO }, { valueCoding: UNKNOWN }] };
    case 'single':
    case 'multi':
      return { ...base, type: 'choice', repeats: q.kind === 'multi', answerOption: (q.choices ?? []).map((c) => ({ valueCoding: { system: choiceSystem(flowKey, id), code: c.value, display: c.label?.ja ?? c.value } })) };
    default:
      return { ...base, type: 'text' };
  }
}

export interface FlowVersionRow {
  id: string;
  key: string;
  nameJa: string;
  version: number;
  status: string;
  definition: unknown;
  publishedAt: Date | null;
}

/**
 * A published (or archived) flow version as a Questionnaire: one item per question, in
 * the flow's order, linkId = the question id. Branches decide at run time which items are
 * asked, so every item is optional.
 */
export function toQuestionnaire(v: FlowVersionRow): Questionnaire {
  return {
    resourceType: 'Questionnaire',
    id: v.id,
    ...(v.publishedAt ? { meta: { lastUpdated: v.publishedAt.toISOString() } } : {}),
    url: questionnaireUrl(v.key),
    version: String(v.version),
    name: v.key.replace(/[^A-Za-z0-9]/g, '_'),
    title: v.nameJa,
    status: v.status === 'published' ? 'active' : 'retired',
    subjectType: ['Patient'],
    ...(v.publishedAt ? { date: v.publishedAt.toISOString() } : {}),
    item: questionsOf(v.definition).map(([id, q]) => item(v.key, id, q)),
  };
}

export interface SessionRow {
  id: string;
  personId: string;
  flowKey: string;
  flowVersion: number;
  flowVersionId: string;
  status: string;
  authored: Date;
  updatedAt: Date;
}
export interface AnswerRow {
  questionId: string;
  kind: string;
  valueNumber: number | null;
  value: unknown;
  valueText: string | null;
}

/** linkId → item type of a stored definition, so an answer has the type its item declares. */
export function itemTypes(flowKey: string, definition: unknown): Map<string, QuestionnaireItem['type']> {
  return new Map(questionsOf(definition).map(([id, q]) => [id, item(flowKey, id, q).type]));
}

function answers(flowKey: string, a: AnswerRow, type: QuestionnaireItem['type'] | undefined): QuestionnaireResponseItemAnswer[] {
  if (a.valueNumber !== null) return [type === 'integer' && Number.isInteger(a.valueNumber) ? { valueInteger: a.valueNumber } : { valueDecimal: a.valueNumber }];
  const v = a.value;
  if (v === true) return [{ valueCoding: YES }];
  if (v === false) return [{ valueCoding: NO }];
  if (v === 'unknown') return [{ valueCoding: UNKNOWN }];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').map((code) => ({ valueCoding: { system: choiceSystem(flowKey, a.questionId), code } }));
  if (a.kind === 'single' && typeof v === 'string') return [{ valueCoding: { system: choiceSystem(flowKey, a.questionId), code: v } }];
  const text = typeof v === 'string' ? v : a.valueText;
  return text ? [{ valueString: text }] : [];
}

const QR_STATUS: Record<string, QuestionnaireResponse['status']> = { completed: 'completed', active: 'in-progress', prompted: 'in-progress', missed: 'stopped', cancelled: 'stopped' };

/** A check session as a QuestionnaireResponse of its flow version, answers typed per item. */
export function toQuestionnaireResponse(s: SessionRow, rows: AnswerRow[], types: Map<string, QuestionnaireItem['type']>): QuestionnaireResponse {
  const items = rows.map((a) => ({ linkId: a.questionId, answer: answers(s.flowKey, a, types.get(a.questionId)) })).filter((i) => i.answer.length > 0);
  return {
    resourceType: 'QuestionnaireResponse',
    id: s.id,
    meta: { lastUpdated: s.updatedAt.toISOString() },
    questionnaire: `${questionnaireUrl(s.flowKey)}|${s.flowVersion}`,
    status: QR_STATUS[s.status] ?? 'in-progress',
    subject: { reference: `Patient/${s.personId}` },
    authored: s.authored.toISOString(),
    ...(items.length ? { item: items } : {}),
  };
}
