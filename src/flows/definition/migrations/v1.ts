/**
 * Spec 1 → 2. Spec 1 listed nodes as an array with an `id` on each and started at the
 * first node; spec 2 keys nodes by id (so issues can say `nodes.temp.next`) and names
 * `start` explicitly. Rules are unchanged.
 *
 * Example (spec 1): { "spec": 1, "key": "k", "name": {"ja":"…","en":"…"}, "rules": [],
 *   "nodes": [ { "id": "q1", "type": "question", … }, { "id": "end", "type": "end" } ] }
 */
export function migrateV1(def: Record<string, unknown>): Record<string, unknown> {
  const list = Array.isArray(def.nodes) ? (def.nodes as Record<string, unknown>[]) : [];
  const nodes: Record<string, unknown> = {};
  for (const n of list) {
    const { id, ...rest } = n;
    if (typeof id === 'string') nodes[id] = rest;
  }
  const first = list[0]?.id;
  return { ...def, spec: 2, nodes, start: def.start ?? (typeof first === 'string' ? first : '') };
}
