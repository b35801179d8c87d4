import { ConflictError, DomainError, ValidationError } from '../errors';
import { messageJaOf } from '../validation';
import type { ColumnMapping } from './person-columns';
import { columnOfField, labelJaOf, type RowProblem } from './row-to-person';

/**
 * A verb's refusal of one row as problems at its cells: a ValidationError names its fields
 * (mapped back to the file's columns), a case-number conflict is the case number's, and
 * anything else is the row's as a whole. Messages only — never a cell's content.
 */
export function problemsOf(err: unknown, row: number, mapping: ColumnMapping, header: readonly string[]): RowProblem[] {
  if (err instanceof ValidationError) {
    return err.fields.map((f) => {
      const field = f.field.split('.')[0]!;
      return { row, field, column: columnOfField(field, mapping, header), message: f.message, messageJa: `「${labelJaOf(field)}」${f.messageJa ?? messageJaOf(f.message)}` };
    });
  }
  if (err instanceof DomainError) {
    const field = err instanceof ConflictError ? 'caseNumber' : '(row)';
    return [{ row, field, column: columnOfField(field, mapping, header), message: err.message, messageJa: err.messageJa ?? 'この行は取り込めませんでした' }];
  }
  return [{ row, field: '(row)', column: null, message: 'the row could not be saved', messageJa: 'この行を保存できませんでした' }];
}
