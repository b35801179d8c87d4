/**
 * The flow engine's public API (issue 3). Pure TypeScript: no I/O, no database, no clock —
 * time and history come in through FlowContext. Hosts call start/advance and carry out the
 * returned effects; the console calls parseFlowDefinition / simulate.
 *
 * Answers are stored as: number, true | false | 'unknown' (yes/no/わからない), a choice
 * value, string[] (multiple choice), string (free text), null (unanswered) — the same in
 * session state, observations and HistoryDay.values.
 */
export type {
  Channel, Lang, Severity, FlowContext, HistoryDay, ObservationValue, Input, SessionState,
  OutMessage, ObservationRecord, RiskFlag, Effect, Step, Transcript,
} from './types.js';
export { FLOW_SPEC_VERSION, MIGRATIONS, migrate } from './definition/migrations/index.js';
export {
  CHANNELS, flowDefinitionSchema, flowDefinitionJsonSchema,
  type FlowDefinition, type FlowNode, type QuestionNode, type MessageNode, type BranchNode, type EndNode,
  type RuleDef, type Text, type Choice, type Condition, type Escalation, type QuestionKind,
} from './definition/schema.js';
export { parseFlowDefinition } from './definition/parse.js';
export { validateFlowDefinition } from './definition/validate.js';
export { questionOrder, answerMark } from './definition/outline.js';
export { missingTranslations, textsOf, wordingIn, type MissingTranslation } from './definition/translations.js';
export type { FlowIssue } from './definition/issues.js';
export { start, advance, maxSteps, type FlowVersion } from './engine/engine.js';
export { typedAnswerLooksRed, typedRedHint, type TypedRedHint } from './engine/red-typed.js';
export { memoOnReads } from './engine/memo-on-reads.js';
export {
  prompt, openingMessages, remainingPrompts, splitMessages, stateOrStart, ONE_PAGE_MAX_QUESTIONS, type PageMessages,
} from './engine/prompt.js';
export { simulate, simulationContext, inputFromString } from './engine/simulate.js';
export { CHILD_FLOW_BELOW_AGE, CHILD_RULE_SOURCES, defaultFlows, FACILITY_SYMPTOMS, URGENT_SYMPTOMS } from './defaults/index.js';
export { evaluateCondition } from './conditions.js';
export { pickText, withLanguages } from './text.js';
export {
  LANGUAGES, LANG_CODES, PHRASEBOOK_LANGS, WRITTEN_LANGS, isLang, isJapanese, languageOf, voiceFor, langFromWord, phrase, localize, fillVars,
  type LanguageInfo, type Localized, type PhrasebookLang,
} from './languages/index.js';
export {
  toHalfWidth, parseNumberAnswer, parseYesNo, parseChoices, deniesChoice, kanjiToArabic, formatNumber,
  type ChoiceOption, type NumberOptions, type NumberResult,
} from './normalisers/index.js';
export { continueWithLabel, givenName, HOUSEHOLD_TEXTS, householdDoneText, membersOpenLine, nextMemberIntro } from './household-texts.js';
