import { inArray } from 'drizzle-orm';
import { flowVersions } from '../../../db/schema';
import { answerMark, questionOrder, type FlowDefinition, type ObservationValue, type Severity } from '../../flows';
import type { Ctx } from '../context';

export interface Wording {
  ja: string;
  en: string;
}

/** A question as staff read it: its wording and its choices' labels, in the version the session was pinned to. */
export interface QuestionWording extends Wording {
  choices: Record<string, Wording>;
  /** Where it is asked in its flow (0 first): tables list answers in this order. */
  order: number;
  kind: string | null;
  unit: string | null;
  /** A vital sign (its keypad: temperature, spo2, pulse): listed first in a health-observation table. */
  vital: string | null;
}

/** flow version id → question id → wording. */
export type Wordings = Record<string, Record<string, QuestionWording>>;

interface StoredText {
  ja?: string;
  en?: string;
}
interface StoredNode {
  type?: string;
  kind?: string;
  unit?: string;
  keypad?: string;
  text?: StoredText;
  choices?: { value?: string; label?: StoredText }[];
}

const wordingOf = (t: StoredText | undefined, fallback: string): Wording => ({ ja: t?.ja || fallback, en: t?.en || t?.ja || fallback });

/** The questions of one stored definition. Read leniently: an old or odd definition still gives what it has. */
export function questionsOf(definition: unknown): Record<string, QuestionWording> {
  const nodes = (definition as { nodes?: Record<string, StoredNode> } | null)?.nodes ?? {};
  const order = questionOrder({ start: (definition as { start?: string } | null)?.start ?? '', nodes: nodes as FlowDefinition['nodes'] });
  const out: Record<string, QuestionWording> = {};
  for (const [id, node] of Object.entries(nodes)) {
    if (node?.type !== 'question') continue;
    const choices: Record<string, Wording> = {};
    for (const c of node.choices ?? []) if (c.value) choices[c.value] = wordingOf(c.label, c.value);
    out[id] = { ...wordingOf(node.text, id), choices, order: order.indexOf(id), kind: node.kind ?? null, unit: node.unit ?? null, vital: node.keypad ?? null };
  }
  return out;
}

/**
 * The wording of the questions in these flow versions (those check sessions were pinned
 * to), so a timeline shows 「今朝の体温は何度でしたか？」 — as the person was asked — not "temperature".
 */
export async function questionWordings(ctx: Ctx, versionIds: readonly string[]): Promise<Wordings> {
  return (await versionBook(ctx, versionIds)).wordings;
}

/**
 * The wordings of these flow versions and a judge of single answers against each version's
 * rules (red / amber / null), for the health-observation table's marked cells.
 */
export async function versionBook(ctx: Ctx, versionIds: readonly string[]): Promise<{ wordings: Wordings; mark: (versionId: string, questionId: string, value: unknown) => Severity | null }> {
  const ids = [...new Set(versionIds)];
  if (!ids.length) return { wordings: {}, mark: () => null };
  const rows = await ctx.tx.select({ id: flowVersions.id, definition: flowVersions.definition }).from(flowVersions).where(inArray(flowVersions.id, ids));
  const defs = new Map(rows.map((r) => [r.id, r.definition as Pick<FlowDefinition, 'rules'>]));
  return {
    wordings: Object.fromEntries(rows.map((r) => [r.id, questionsOf(r.definition)])),
    mark: (versionId, questionId, value) => (value === undefined ? null : answerMark(defs.get(versionId) ?? { rules: [] }, questionId, value as ObservationValue)),
  };
}
