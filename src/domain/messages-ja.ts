/** Japanese wording shared by several verbs' refusals (ConflictError's messageJa). */
export const NOT_MONITORED_JA = 'この対象者は健康観察中ではありません';

export const FLOW_VERSION_STATUS_JA: Record<'draft' | 'published' | 'archived', string> = { draft: '下書き', published: '公開済み', archived: 'アーカイブ済み' };
