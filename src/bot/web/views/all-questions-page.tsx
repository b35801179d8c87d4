import type { Lang, OutMessage } from '../../../flows';
import type { CheckPage } from '../../../domain/web/page-model';
import type { CentreContact } from '../../../domain/web/resolve-link';
import { t } from '../texts';
import { CallButtons, PatientLayout } from './layout';
import { answerStyle, Notes } from './question-page';

/** One question of the one-page form: a fieldset whose fields are named a.<question id>. */
function QuestionFields(props: { prompt: OutMessage; index: number; lang: Lang }) {
  const { prompt, index, lang } = props;
  const qid = prompt.questionId ?? '';
  const name = `a.${qid}`;
  const style = answerStyle(prompt);
  const headingId = `q-${index}`;
  const range = prompt.min !== undefined && prompt.max !== undefined ? t(lang, 'range', { min: prompt.min, max: prompt.max, unit: prompt.unit ?? '' }) : '';
  return (
    <fieldset class="one" aria-labelledby={headingId}>
      <input type="hidden" name={`t.${qid}`} value={style === 'number' || style === 'text' ? 'm' : 'c'} />
      <legend>
        <h2 id={headingId}>{`${index + 1}. ${prompt.text}`}</h2>
      </legend>
      {(style === 'buttons' || style === 'checklist') && (
        <div class="checklist">
          {(prompt.choices ?? []).map((c) => (
            <label class="check-item">
              <input type={style === 'checklist' ? 'checkbox' : 'radio'} name={name} value={c.value} />
              <span>{c.label}</span>
            </label>
          ))}
        </div>
      )}
      {style === 'number' && (
        <p class="field">
          <label for={`answer-${index}`}>{range}</label>
          <span class="with-unit">
            <input id={`answer-${index}`} name={name} type="text" inputmode="decimal" autocomplete="off" maxlength={12} />
            {prompt.unit && <span class="unit">{prompt.unit}</span>}
          </span>
        </p>
      )}
      {style === 'text' && (
        <p class="field">
          <label for={`answer-${index}`}>{t(lang, 'optionalText')}</label>
          <textarea id={`answer-${index}`} name={name} rows={3} maxlength={500}></textarea>
        </p>
      )}
    </fieldset>
  );
}

/**
 * A short flow on one page (the close-contact check): every question as its own fieldset,
 * one "Send" at the end. The answers are fed to the engine in order; if one cannot be read
 * the page continues one question at a time from there, with the engine's hint.
 */
export function AllQuestionsPage(props: { lang: Lang; path: string; page: CheckPage; centre: CentreContact; lead?: string; member?: number }) {
  const { lang, page } = props;
  const prompts = page.all ?? [];
  return (
    <PatientLayout lang={lang} title={t(lang, 'title')} member={props.member}>
      <h1 id="question" tabindex={-1}>
        {t(lang, 'title')}
      </h1>
      {props.lead && <p class="note household-lead">{props.lead}</p>}
      <Notes notes={page.notes} lang={lang} centre={props.centre} />
      {page.advised && !page.notes.some((n) => n.kind === 'urgent_advice') && (
        <aside class="urgent-still" aria-label={t(lang, 'urgentTitle')}>
          <p>{t(lang, 'urgentStill')}</p>
          <CallButtons lang={lang} centre={props.centre} />
        </aside>
      )}
      <form method="post" action={props.path} class="check">
        <input type="hidden" name="mode" value="all" />
        <input type="hidden" name="q" value={prompts[0]?.questionId ?? ''} />
        <input type="hidden" name="n" value={String(page.nonce)} />
        <input type="hidden" name="lang" value={lang} />
        {prompts.map((p, i) => (
          <QuestionFields prompt={p} index={i} lang={lang} />
        ))}
        <button type="submit" class="primary">
          {t(lang, 'send')}
        </button>
      </form>
    </PatientLayout>
  );
}
