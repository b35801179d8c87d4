import { issue, type FlowIssue } from './issues.js';
import { migrate } from './migrations/index.js';
import { flowDefinitionObject, type FlowDefinition } from './schema.js';
import { validateFlowDefinition } from './validate.js';

/**
 * Reads a stored or edited definition: migrates older spec versions forward, refuses a
 * newer one, checks the shape with zod, then the graph and content. The console calls
 * this before publishing; the host calls it when loading a published version.
 *
 * Example: const r = parseFlowDefinition(JSON.parse(row.definition)); if (!r.ok) show(r.errors)
 */
export function parseFlowDefinition(raw: unknown): { ok: true; definition: FlowDefinition } | { ok: false; errors: FlowIssue[] } {
  const m = migrate(raw);
  if (!m.ok) {
    const ja = m.code === 'spec_too_new' ? 'このエンジンより新しい仕様バージョンです' : '仕様バージョン (spec) を読めません';
    return { ok: false, errors: [issue('spec', m.code, ja, m.message)] };
  }
  const shaped = flowDefinitionObject.safeParse(m.definition);
  if (!shaped.success) {
    return {
      ok: false,
      errors: shaped.error.issues.map((i) =>
        issue(i.path.map(String).join('.') || '(root)', `schema_${i.code}`, `形式が正しくありません: ${i.message}`, i.message),
      ),
    };
  }
  const errors = validateFlowDefinition(shaped.data);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, definition: shaped.data };
}
