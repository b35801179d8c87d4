import { inArray } from 'drizzle-orm';
import { flowVersions } from '../../../db/schema';
import type { Ctx } from '../context';

export interface Wording {
  ja: string;
  en: string;
}

/** A question as staff read it: its wording and its choices' labels, in the version the session was pinned to. */
export interface QuestionWording extends Wording {
  choices: Record<string, Wording>;
}

/** flow version id → question id → wording. */
export type Wordings = Record<string, Record<string, QuestionWording>>;

interface StoredText {
  ja?: string;
  en?: string;
}
interface StoredNode {
  type?: string;
  text?: StoredText;
  choices?: { value?: string; label?: StoredText }[];
}

const wordingOf = (t: StoredText | undefined, fallback: string): Wording => ({ ja: t?.ja || fallback, en: t?.en || t?.ja || fallback });

/** The questions of one stored definition. Read leniently: an old or odd definition still gives what it has. */
export function questionsOf(definition: unknown): Record<string, QuestionWording> {
  const nodes = (definition as { nodes?: Record<string, StoredNode> } | null)?.nodes ?? {};
  const out: Record<string, QuestionWording> = {};
  for (const [id, node] of Object.entries(nodes)) {
    if (node?.type !== 'question') continue;
    const choices: Record<string, Wording> = {};
    for (const c of node.choices ?? []) if (c.value) choices[c.value] = wordingOf(c.label, c.value);
    out[id] = { ...wordingOf(node.text, id), choices };
  }
  return out;
}

/**
 * The wording of the questions in these flow versions (those check sessions were pinned
 * to), so a timeline shows 「今朝の体温は何度でしたか？」 — as the person was asked — not "temperature".
 */
export async function questionWordings(ctx: Ctx, versionIds: readonly string[]): Promise<Wordings> {
  const ids = [...new Set(versionIds)];
  if (!ids.length) return {};
  const rows = await ctx.tx.select({ id: flowVersions.id, definition: flowVersions.definition }).from(flowVersions).where(inArray(flowVersions.id, ids));
  return Object.fromEntries(rows.map((r) => [r.id, questionsOf(r.definition)]));
}
