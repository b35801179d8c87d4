import type { Lang, OutMessage } from '../../../flows';
import type { CheckPage } from '../../../domain/web/page-model';
import type { CentreContact } from '../../../domain/web/resolve-link';
import { t } from '../texts';
import { CallButtons, PatientLayout } from './layout';

/** How a question is answered on the page: buttons submit at once; inputs and checklists need "Next". */
export function answerStyle(prompt: OutMessage): 'buttons' | 'checklist' | 'number' | 'text' {
  switch (prompt.expects) {
    case 'multi':
      return 'checklist';
    case 'number':
      return 'number';
    case 'text':
      return 'text';
    case 'scale':
      return (prompt.max ?? 10) - (prompt.min ?? 0) <= 10 ? 'buttons' : 'number';
    default:
      return prompt.choices?.length ? 'buttons' : 'text';
  }
}

function scaleChoices(prompt: OutMessage): { value: string; label: string }[] {
  const out = [];
  for (let v = prompt.min ?? 0; v <= (prompt.max ?? 10); v++) out.push({ value: String(v), label: String(v) });
  return out;
}

/** Notes above the question: urgent advice as an alert with call buttons, other texts as paragraphs. */
export function Notes(props: { notes: OutMessage[]; lang: Lang; centre: CentreContact }) {
  return (
    <>
      {props.notes.map((m) =>
        m.kind === 'urgent_advice' ? (
          <section class="urgent" role="alert" aria-labelledby="urgent-title">
            <h2 id="urgent-title">{t(props.lang, 'urgentTitle')}</h2>
            <p>{m.text}</p>
            <CallButtons lang={props.lang} centre={props.centre} centreOpen={m.centreOpen} />
          </section>
        ) : (
          <p class={`note note-${m.kind}`}>{m.text}</p>
        ),
      )}
    </>
  );
}

/**
 * One question as a form: <fieldset>/<legend> with the question as the page's heading,
 * large buttons (each a submit button name="v"), a checklist, a numeric keypad
 * (inputmode="decimal") or a text box. Hidden fields: q (question), n (nonce = engine
 * step at render time), t (how to read v), lang.
 */
export function QuestionPage(props: { lang: Lang; path: string; page: CheckPage; centre: CentreContact; lead?: string; member?: number }) {
  const { lang, page } = props;
  const prompt = page.prompt!;
  const style = answerStyle(prompt);
  const urgentShown = page.notes.some((n) => n.kind === 'urgent_advice');
  const range = prompt.min !== undefined && prompt.max !== undefined ? t(lang, 'range', { min: prompt.min, max: prompt.max, unit: prompt.unit ?? '' }) : '';
  return (
    <PatientLayout lang={lang} title={t(lang, 'title')} member={props.member}>
      {props.lead && <p class="note household-lead">{props.lead}</p>}
      <Notes notes={page.notes} lang={lang} centre={props.centre} />
      {page.advised && !urgentShown && (
        <aside class="urgent-still" aria-label={t(lang, 'urgentTitle')}>
          <p>{t(lang, 'urgentStill')}</p>
          <CallButtons lang={lang} centre={props.centre} />
        </aside>
      )}
      {page.reasked && prompt.kind !== 'reask' && (
        <p class="reask" role="alert">
          {t(lang, 'answerAgain')}
        </p>
      )}
      <form method="post" action={props.path} class="check">
        <input type="hidden" name="q" value={prompt.questionId ?? ''} />
        <input type="hidden" name="n" value={String(page.nonce)} />
        <input type="hidden" name="t" value={style === 'number' || style === 'text' ? 'm' : 'c'} />
        <input type="hidden" name="lang" value={lang} />
        <fieldset>
          <legend>
            <h1 id="question" tabindex={-1} class={prompt.kind === 'reask' ? 'is-reask' : undefined}>
              {prompt.text}
            </h1>
          </legend>
          {style === 'buttons' && (
            <div class="choices">
              {(prompt.expects === 'scale' ? scaleChoices(prompt) : prompt.choices ?? []).map((c) => (
                <button type="submit" name="v" value={c.value} class={`choice choice-${c.value}`}>
                  {c.label}
                </button>
              ))}
            </div>
          )}
          {style === 'checklist' && (
            <>
              <p class="help" id="help">
                {t(lang, 'chooseAll')}
              </p>
              <div class="checklist">
                {(prompt.choices ?? []).map((c) => (
                  <label class="check-item">
                    <input type="checkbox" name="v" value={c.value} />
                    <span>{c.label}</span>
                  </label>
                ))}
              </div>
            </>
          )}
          {style === 'number' && (
            <p class="field">
              <label for="answer">{range}</label>
              <span class="with-unit">
                <input id="answer" name="v" type="text" inputmode="decimal" autocomplete="off" enterkeyhint="send" maxlength={12} />
                {prompt.unit && <span class="unit">{prompt.unit}</span>}
              </span>
            </p>
          )}
          {style === 'text' && (
            <p class="field">
              <label for="answer">{t(lang, 'optionalText')}</label>
              <textarea id="answer" name="v" rows={4} maxlength={500}></textarea>
            </p>
          )}
          {style !== 'buttons' && (
            <button type="submit" class="primary">
              {t(lang, 'next')}
            </button>
          )}
        </fieldset>
      </form>
      <p class="progress">{t(lang, 'answeredCount', { n: page.answered })}</p>
    </PatientLayout>
  );
}
