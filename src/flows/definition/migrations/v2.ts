/**
 * Spec 2 → 3. Spec 3 adds two-step questions — the `group` question kind and `gate` /
 * `pick` on checklists (engine/gate.ts) — and changes nothing that spec 2 could say, so a
 * spec 2 definition is a spec 3 definition as it is. The version still moves, so an
 * older engine refuses a definition that uses the new kinds (`spec_too_new`) instead of
 * misreading it.
 */
export function migrateV2(def: Record<string, unknown>): Record<string, unknown> {
  return { ...def, spec: 3 };
}
