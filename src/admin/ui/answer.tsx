import type { QuestionWording } from '../../domain/persons/question-wording';
import { fmtAnswer } from './format';
import type { Lang } from './i18n';

type Observed = Parameters<typeof fmtAnswer>[0] & { raw: string | null };

/** One answer in a timeline: the question's wording and the value; what the person actually sent is the tooltip. */
export function Answer(props: { lang: Lang; o: Observed; questions: Record<string, QuestionWording> | undefined }) {
  const a = fmtAnswer(props.o, props.lang, props.questions);
  return (
    <span class="badge answer" title={props.o.raw ?? ''} data-question-id={props.o.questionId}>
      <span class="question">{a.question}</span> <strong>{a.value}</strong>
    </span>
  );
}
