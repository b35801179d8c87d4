import type { PhrasebookLang } from '../index.js';

/** English wording → its translation in each phrasebook language (a missing one falls back to English). */
export type Phrases = Record<string, Partial<Record<PhrasebookLang, string>>>;
