/**
 * SMART App Launch v2 system scopes: `system/<Type|*>.<c r u d s>` (e.g. system/Patient.rs).
 * v1 `.read` / `.write` are accepted as their v2 equivalents (rs / cud) when requested.
 */
export type ScopeOp = 'c' | 'r' | 'u' | 'd' | 's';

export const FHIR_SCOPE_TYPES = ['Patient', 'Observation', 'Questionnaire', 'QuestionnaireResponse', 'Condition', 'Encounter', 'Organization', 'Flag', 'Bundle', 'Group', '*'] as const;

const SCOPE_RE = /^system\/([A-Za-z]+|\*)\.(read|write|\*|c?r?u?d?s?)$/;

/** The canonical v2 form of one scope, or null when it is not a system scope we know. */
export function normaliseScope(scope: string): string | null {
  const m = SCOPE_RE.exec(scope.trim());
  if (!m || !m[2]) return null;
  const type = m[1]!;
  if (!(FHIR_SCOPE_TYPES as readonly string[]).includes(type)) return null;
  const ops = m[2] === 'read' ? 'rs' : m[2] === 'write' ? 'cud' : m[2] === '*' ? 'cruds' : m[2];
  return `system/${type}.${ops}`;
}

/** Split a space-separated scope string; unknown scopes are returned separately. */
export function parseScopes(text: string): { scopes: string[]; unknown: string[] } {
  const scopes: string[] = [];
  const unknown: string[] = [];
  for (const s of text.split(/\s+/).filter(Boolean)) {
    const n = normaliseScope(s);
    if (n) scopes.push(n);
    else unknown.push(s);
  }
  return { scopes: [...new Set(scopes)], unknown };
}

/** Whether the scopes allow `op` on `type`. */
export function permits(scopes: readonly string[], type: string, op: ScopeOp): boolean {
  return scopes.some((s) => {
    const m = SCOPE_RE.exec(s);
    return !!m && (m[1] === type || m[1] === '*') && m[2]!.includes(op);
  });
}

/**
 * What a client may be granted of what it asked: each requested scope narrowed to the ops
 * its registration allows (system/Patient.rs asked by a client registered with
 * system/Patient.r yields system/Patient.r).
 */
export function grantScopes(requested: readonly string[], registered: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of requested) {
    const m = SCOPE_RE.exec(s)!;
    const ops = [...m[2]!].filter((op) => permits(registered, m[1]!, op as ScopeOp)).join('');
    if (ops) out.push(`system/${m[1]}.${ops}`);
  }
  return out;
}
