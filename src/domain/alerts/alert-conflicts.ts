import { ConflictError } from '../errors';

/**
 * The refusals of acknowledge and resolve, in English and Japanese (messageJa), with who
 * acted first and when, so the second nurse learns who to talk to:
 * 「佐藤 看護師さんがすでに対応中です」.
 */
export function alreadyTaken(by: string | null, at: Date | null): ConflictError {
  return new ConflictError(`already taken by ${by ?? 'someone'}`, { status: 'acknowledged', by, at: at?.toISOString() ?? null }, `${by ? `${by}さん` : '他の職員'}がすでに対応中です`);
}

export function alreadyResolved(by: string | null, at: Date | null): ConflictError {
  return new ConflictError(`already resolved by ${by ?? 'someone'}`, { status: 'resolved', by, at: at?.toISOString() ?? null }, `${by ? `${by}さん` : '他の職員'}がすでに完了にしました`);
}

/** The row lock makes this rare: the alert changed between reading and writing. */
export function changedMeanwhile(): ConflictError {
  return new ConflictError('the alert changed meanwhile; reload', undefined, 'アラートが更新されました。画面を再読み込みしてください');
}
