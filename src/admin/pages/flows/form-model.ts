import { CHANNELS, LANG_CODES, LANGUAGES, phrase, type FlowDefinition, type Lang } from '../../../flows';

/**
 * The structured editor's model: which fields of a definition the form shows, named by
 * their path in the definition (`nodes.temperature.text.ja`, `rules.0.gte`) — the same
 * path the engine's validation issues carry, so each error lands at its field. Structure
 * (adding questions, branches, conditions) is edited in the JSON beside it.
 * Form field names: `s:<path>` for text, `n:<path>` for numbers (empty removes the key).
 */
export interface FieldSpec {
  path: string;
  label: string; // i18n key
  labelVars?: Record<string, string>;
  kind: 'text' | 'longtext' | 'number' | 'severity';
  value: string;
  /** A wording field: its language, whether it is missing, and the phrasebook's translation as a suggestion. */
  lang?: Lang;
  missing?: boolean;
  suggestion?: string;
  /** A channel's own wording (SMS short, voice with keypad instructions), shown beside the base wording of its language. */
  channel?: (typeof CHANNELS)[number];
  /** Fields of one row: the base wording of a language and its channel wordings share `${path}.${lang}`. */
  row?: string;
}

export interface GroupSpec {
  path: string; // nodes.<id> or rules.<i>
  id: string;
  type: string; // question kind, node type or rule type
  kindLabel: string; // i18n key
  note?: { key: string; vars: Record<string, string | number> };
  fields: FieldSpec[];
  /** The Japanese wording, shown in the outline's one line. */
  summary?: string;
  /** Rules: the thresholds in one line (「≤ 93」「94–95」「< 50 or > 120」). */
  thresholds?: string;
}

type Obj = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const at = (o: unknown, ...keys: (string | number)[]) => keys.reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Obj)[k as string] : undefined), o);

/**
 * One wording in every language of the list: Japanese and English first (required), then
 * the others; a language with no wording is marked missing, with the phrasebook's
 * translation of the English as a suggestion (やさしい日本語 falls back to Japanese: marked, not required).
 * Beside each language's base wording, the channel wordings the text has (SMS, voice, LINE,
 * web: `text.channels`), marked the same way; no voice wording for a language Twilio cannot speak.
 */
function wording(path: string, text: unknown, kind: FieldSpec['kind'] = 'longtext', label = 'flows.text', vars: Record<string, string> = {}): FieldSpec[] {
  const channels = CHANNELS.filter((ch) => at(text, 'channels', ch) && typeof at(text, 'channels', ch) === 'object');
  const field = (lang: Lang, w: unknown, fieldPath: string, fieldLabel: string, channel?: FieldSpec['channel']): FieldSpec => {
    const value = str(at(w, lang));
    const suggestion = lang === 'ja' || lang === 'en' || lang === 'ja-easy' ? undefined : phrase(lang, str(at(w, 'en')));
    return {
      path: `${fieldPath}.${lang}`, label: fieldLabel, labelVars: { ...vars, lang }, kind, value, lang, missing: value.trim() === '',
      row: `${path}.${lang}`, ...(suggestion ? { suggestion } : {}), ...(channel ? { channel } : {}),
    };
  };
  return LANG_CODES.flatMap((lang) => [
    field(lang, text, path, `${label}.lang`),
    ...channels
      .filter((ch) => ch !== 'voice' || LANGUAGES.find((l) => l.code === lang)?.voice)
      .map((ch) => field(lang, at(text, 'channels', ch), `${path}.channels.${ch}`, `${label}.channel`, ch)),
  ]);
}

/** The nodes in the order a person meets them: from `start`, each node's next, branch cases, then default; unreachable ones last. */
export function flowOrder(def: FlowDefinition | Obj): string[] {
  const nodes = (at(def, 'nodes') ?? {}) as Record<string, Obj>;
  const seen: string[] = [];
  const visit = (id: unknown) => {
    if (typeof id !== 'string' || !Object.hasOwn(nodes, id) || seen.includes(id)) return;
    seen.push(id);
    const n = nodes[id]!;
    if (Array.isArray(n.cases)) for (const c of n.cases as Obj[]) visit(c.next);
    visit(n.next);
    visit(n.default);
  };
  visit(at(def, 'start'));
  return [...seen, ...Object.keys(nodes).filter((id) => !seen.includes(id))];
}

/** A rule's thresholds in one line, as a nurse reads them. */
function thresholdsOf(r: Obj): string {
  const parts: string[] = [];
  if (Array.isArray(r.between)) parts.push(`${str(r.between[0])}–${str(r.between[1])}`);
  if (Array.isArray(r.outside)) parts.push(`< ${str(r.outside[0])} / > ${str(r.outside[1])}`);
  for (const [k, sign] of [['lte', '≤'], ['lt', '<'], ['gte', '≥'], ['gt', '>']] as const) if (r[k] !== undefined) parts.push(`${sign} ${str(r[k])}`);
  if (r.type === 'trend' && r.days !== undefined) parts.push(`${str(r.days)}d`);
  if (r.type === 'trend' && r.points !== undefined) parts.push(`−${str(r.points)}`);
  if (r.type === 'answer' && Array.isArray(r.anyOf)) parts.push(`= ${r.anyOf.map((v) => (v === null ? '—' : str(v))).join(' / ')}`);
  return parts.join('  ');
}

/** How a two-step question is asked, in words (the items a group records, or where a checklist asks 「なし」 first). */
function twoStepNote(node: Obj): GroupSpec['note'] {
  const choices = (Array.isArray(node.choices) ? node.choices : []) as Obj[];
  const none = str(at(choices.find((c) => c.value === node.exclusive), 'label', 'ja'));
  if (node.kind === 'group') return { key: 'flows.groupItems', vars: { items: choices.filter((c) => c.value !== node.exclusive).map((c) => str(at(c, 'label', 'ja'))).join('、'), none } };
  const channels = (at(node, 'gate', 'channels') ?? []) as string[];
  const names: Record<string, string> = { line: 'LINE', sms: 'SMS', voice: '電話', web: 'Web' };
  return { key: 'flows.gated', vars: { channels: channels.map((c) => names[c] ?? c).join('・'), none } };
}

/** The groups of fields for a definition (shape as loosely typed: it may hold what was just typed). */
export function formGroups(def: FlowDefinition | Obj): { nodes: GroupSpec[]; rules: GroupSpec[] } {
  const nodes = (at(def, 'nodes') ?? {}) as Record<string, Obj>;
  const nodeGroups: GroupSpec[] = flowOrder(def).map((id) => {
    const node = nodes[id]!;
    const path = `nodes.${id}`;
    const type = str(node.type);
    const g: GroupSpec = { path, id, type: type === 'question' ? str(node.kind) : type, kindLabel: `flows.node.${type}`, fields: [] };
    if (type === 'question' || type === 'message' || (type === 'end' && node.text)) {
      g.fields.push(...wording(`${path}.text`, node.text));
      g.summary = str(at(node.text, 'ja')).split('\n')[0];
    }
    if (type === 'question' && (node.kind === 'number' || node.kind === 'scale')) {
      g.fields.push({ path: `${path}.min`, label: 'flows.min', kind: 'number', value: str(node.min) }, { path: `${path}.max`, label: 'flows.max', kind: 'number', value: str(node.max) });
    }
    if (type === 'question' && Array.isArray(node.choices)) {
      node.choices.forEach((c: Obj, i: number) => {
        const vars = { value: str(c.value) };
        g.fields.push(...wording(`${path}.choices.${i}.label`, c.label, 'text', 'flows.choice', vars));
      });
    }
    if (type === 'question' && node.pick) {
      g.fields.push(...wording(`${path}.pick`, node.pick, 'longtext', 'flows.pick'));
    }
    if (type === 'question' && (node.kind === 'group' || node.gate)) g.note = twoStepNote(node);
    if (type === 'branch') g.note = { key: 'flows.branchCases', vars: { n: Array.isArray(node.cases) ? node.cases.length : 0, default: str(node.default) } };
    return g;
  });
  const rules = (at(def, 'rules') ?? []) as Obj[];
  const ruleGroups: GroupSpec[] = (Array.isArray(rules) ? rules : []).map((r, i) => {
    const path = `rules.${i}`;
    const g: GroupSpec = { path, id: str(r.id), type: str(r.type), kindLabel: 'flows.rule.type', fields: [{ path: `${path}.severity`, label: 'flows.rule.severity', kind: 'severity', value: str(r.severity) }] };
    const num = (k: string, label: string) => g.fields.push({ path: `${path}.${k}`, label, kind: 'number', value: str(r[k]) });
    if (r.type === 'threshold') {
      for (const k of ['gte', 'gt', 'lte', 'lt']) num(k, `flows.rule.${k}`);
      // Ranges (SpO2 94–95, pulse outside 50–120): both ends, each its own field.
      for (const k of ['between', 'outside'] as const) {
        if (!Array.isArray(r[k])) continue;
        (r[k] as unknown[]).forEach((v, j) => g.fields.push({ path: `${path}.${k}.${j}`, label: `flows.rule.${k}.${j}`, kind: 'number', value: str(v) }));
      }
    }
    if (r.type === 'trend') {
      num('gte', 'flows.rule.gte');
      num('days', 'flows.rule.days');
      num('points', 'flows.rule.points');
    }
    g.fields.push({ path: `${path}.reason.ja`, label: 'flows.rule.reason.ja', kind: 'text', value: str(at(r, 'reason', 'ja')) });
    g.fields.push({ path: `${path}.reason.en`, label: 'flows.rule.reason.en', kind: 'text', value: str(at(r, 'reason', 'en')) });
    const q = r.question ?? (Array.isArray(r.questions) ? r.questions.join(', ') : undefined);
    if (q) g.note = { key: 'flows.rule.question', vars: { q: str(q) } };
    g.thresholds = thresholdsOf(r);
    g.summary = str(at(r, 'reason', 'ja'));
    return g;
  });
  return { nodes: nodeGroups, rules: ruleGroups };
}

const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * Apply submitted form fields to a copy of the definition. Numbers that do not parse are
 * kept as typed, so validation reports them at their field and the form shows them again.
 */
export function applyFormFields(def: unknown, body: Record<string, unknown>): Obj {
  const out = structuredClone(def) as Obj;
  for (const [name, raw] of Object.entries(body)) {
    if (typeof raw !== 'string' || (!name.startsWith('s:') && !name.startsWith('n:'))) continue;
    const keys = name.slice(2).split('.');
    if (keys.some((k) => FORBIDDEN.has(k) || k === '')) continue;
    let value: unknown = raw;
    // An empty wording in a language other than Japanese removes it (it is then reported missing, not stored as "").
    if (name.startsWith('s:') && raw.trim() === '' && keys.length > 1 && (LANG_CODES as string[]).includes(keys.at(-1)!) && keys.at(-1) !== 'ja') value = undefined;
    if (name.startsWith('n:')) {
      const s = raw.normalize('NFKC').trim();
      value = s === '' ? undefined : Number.isFinite(Number(s)) ? Number(s) : raw;
    }
    setPath(out, keys, value);
  }
  return out;
}

function setPath(obj: Obj, keys: string[], value: unknown) {
  let cur: unknown = obj;
  for (const k of keys.slice(0, -1)) {
    if (!cur || typeof cur !== 'object' || !Object.hasOwn(cur, k)) return; // only existing structure is edited
    cur = (cur as Obj)[k];
  }
  if (!cur || typeof cur !== 'object') return;
  const last = keys.at(-1)!;
  if (value === undefined) delete (cur as Obj)[last];
  else (cur as Obj)[last] = value;
}
