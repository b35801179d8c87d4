import { parseFlowDefinition, type FlowDefinition, type FlowIssue } from '../../flows';
import { ValidationError, type FieldError } from '../errors';

/**
 * The engine reports `rules[2].gte` (its own checks) or `rules.2.gte` (zod's shape checks);
 * the console and the API use one spelling, dotted, so a field can be matched to its issue.
 */
export function issuePath(path: string): string {
  return path.replace(/\[(\d+)\]/g, '.$1');
}

/** Flow issues as the API's 422 field errors, under `definition.`. */
export function issuesToFields(issues: FlowIssue[]): FieldError[] {
  return issues.map((i) => ({ field: `definition.${issuePath(i.path)}`, message: i.message.en, messageJa: i.message.ja }));
}

/**
 * Parse an edited definition for a flow: it must be valid (shape, graph, wording) and keep
 * the flow's key, or a ValidationError lists every problem with its field.
 */
export function parseDefinitionFor(flowKey: string, raw: unknown): FlowDefinition {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ValidationError([{ field: 'definition', message: 'must be a JSON object', messageJa: 'JSON のオブジェクトで入力してください' }]);
  }
  const parsed = parseFlowDefinition(raw);
  if (!parsed.ok) throw new ValidationError(issuesToFields(parsed.errors));
  if (parsed.definition.key !== flowKey) {
    throw new ValidationError([{ field: 'definition.key', message: `must stay "${flowKey}"`, messageJa: `フローのキーは「${flowKey}」のままにしてください` }]);
  }
  return parsed.definition;
}
