import type { QuestionKind } from '../definition/schema.js';
import { groupKind } from './group.js';
import type { QuestionKindSpec } from './kind.js';
import { multiKind } from './multi.js';
import { numberKind } from './number.js';
import { scaleKind } from './scale.js';
import { singleKind } from './single.js';
import { textKind } from './text.js';
import { yesNoKind } from './yes-no.js';

/** The one registry of question kinds; a new kind is a new file plus one line here. */
export const QUESTION_KIND_REGISTRY: Record<QuestionKind, QuestionKindSpec> = {
  number: numberKind,
  yes_no: yesNoKind,
  single: singleKind,
  multi: multiKind,
  scale: scaleKind,
  text: textKind,
  group: groupKind,
};
