import type { ImportState } from '../../../domain/imports/get-person-import';
import { IMPORT_COLUMNS } from '../../../domain/imports/person-columns';
import type { ImportPreview } from '../../../domain/imports/preview-person-import';
import type { FieldError } from '../../../domain/errors';
import type { StaffActor } from '../../auth/types';
import { t, type Lang } from '../../ui/i18n';
import { ErrorSummary, Layout } from '../../ui/layout';

const label = (lang: Lang, key: string) => {
  const c = IMPORT_COLUMNS.find((x) => x.key === key);
  return c ? (lang === 'ja' ? c.labelJa : c.labelEn) : key;
};

/** Before a run: the first rows with every problem at its cell, and the mapping step. */
function PreviewSection(props: { lang: Lang; csrf: string; preview: ImportPreview }) {
  const { lang, preview } = props;
  return (
    <>
      <h2>{t(lang, 'imports.preview')}</h2>
      <p class="muted">{t(lang, 'imports.previewHelp')}</p>
      <div class="scroll">
        <table id="preview">
          <thead>
            <tr><th>{t(lang, 'imports.row')}</th>{preview.header.map((h) => <th>{h}</th>)}</tr>
          </thead>
          <tbody>
            {preview.rows.map((r) => (
              <tr>
                <th scope="row">{r.row}</th>
                {preview.header.map((h, i) => {
                  const problems = r.problems.filter((p) => p.column === h);
                  return (
                    <td class={problems.length ? 'cell-problem' : undefined} data-problem={problems.length ? 'true' : undefined}>
                      {r.cells[i] ?? ''}
                      {problems.map((p) => <small class="problem">{lang === 'ja' ? p.messageJa : p.message}</small>)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.rows.some((r) => r.problems.some((p) => p.column === null)) && (
        <ul class="problems-unmapped">
          {preview.rows.flatMap((r) => r.problems.filter((p) => p.column === null).map((p) => <li>{`${t(lang, 'imports.row')} ${r.row}: ${lang === 'ja' ? p.messageJa : p.message}`}</li>))}
        </ul>
      )}
      <h2>{t(lang, 'imports.mapping')}</h2>
      <p class="muted">{t(lang, 'imports.mappingHelp')}</p>
      <form method="post" action={`/admin/imports/${preview.id}/mapping`} class="mapping-grid" id="mapping-form">
        <input type="hidden" name="_csrf" value={props.csrf} />
        {IMPORT_COLUMNS.map((c) => (
          <label>
            {label(lang, c.key)}{c.required ? t(lang, 'imports.required') : ''}
            <select name={c.key}>
              <option value="">{t(lang, 'imports.notMapped')}</option>
              {preview.header.map((h, i) => <option value={String(i)} selected={preview.mapping[c.key] === i}>{h || `#${i + 1}`}</option>)}
            </select>
          </label>
        ))}
        <button type="submit">{t(lang, 'imports.saveMapping')}</button>
      </form>
      <form method="post" action={`/admin/imports/${preview.id}/start`} class="actions" id="start-form">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <button type="submit" name="dryRun" value="true" class="secondary">{t(lang, 'imports.dryRun')}</button>
        <button type="submit" name="dryRun" value="false">{t(lang, 'imports.run')}</button>
      </form>
    </>
  );
}

/** During and after a run: the progress bar (updated by imports.js), the counts and the refused rows. */
function StateSection(props: { lang: Lang; csrf: string; state: ImportState }) {
  const { lang, state } = props;
  const finished = state.status === 'done' || state.status === 'failed';
  return (
    <section
      id="import-state"
      data-import-id={state.id}
      data-status={state.status}
      data-finished={finished ? 'true' : undefined}
      data-labels={JSON.stringify(Object.fromEntries(['queued', 'running', 'done', 'failed'].map((k) => [k, t(lang, `imports.status.${k}`)])))}
      data-counts={t(lang, 'imports.counts', { created: '{created}', updated: '{updated}', unchanged: '{unchanged}', failed: '{failed}' })}
    >
      <p>
        <span id="import-status">{t(lang, `imports.status.${state.status}`)}</span>
        {state.dryRun && ` — ${t(lang, 'imports.dryRun')}`}
      </p>
      <progress id="import-progress" max={state.total} value={state.processed} aria-label={t(lang, 'imports.progress')}>{`${state.processed}/${state.total}`}</progress>
      <p id="import-counts">{`${state.processed} / ${state.total} — ${t(lang, 'imports.counts', { created: state.created, updated: state.updated, unchanged: state.unchanged, failed: state.failed })}`}</p>
      {state.failureJa && <p class="error-summary" role="alert">{state.failureJa}</p>}
      {finished && state.dryRun && state.status === 'done' && <p class="muted">{t(lang, 'imports.dryRunDone')}</p>}
      {finished && state.errors.length > 0 && (
        <>
          <h2>{t(lang, 'imports.errors')}</h2>
          <p><a href={`/api/v1/imports/${state.id}/errors.csv`} download>{t(lang, 'imports.errorReport')}</a></p>
          <table id="import-errors">
            <thead><tr><th>{t(lang, 'imports.row')}</th><th>{t(lang, 'imports.column')}</th><th>{t(lang, 'imports.message')}</th></tr></thead>
            <tbody>
              {state.errors.slice(0, 200).map((e) => (
                <tr><td>{e.row}</td><td>{e.column ?? label(lang, e.field)}</td><td>{lang === 'ja' ? e.messageJa : e.message}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {finished && !state.dryRun && state.status === 'done' && (
        <>
          <p><a class="button secondary" href={`/admin/imports/${state.id}/duplicates`}>{t(lang, 'imports.duplicates')}</a></p>
          <form method="post" action={`/admin/imports/${state.id}/invite`} id="invite-form">
            <input type="hidden" name="_csrf" value={props.csrf} />
            <p class="muted">{t(lang, 'imports.inviteHelp')}</p>
            <button type="submit">{t(lang, 'imports.invite')}</button>{' '}
            <button type="submit" name="format" value="pdf" class="secondary" id="invite-pdf">{t(lang, 'imports.invitePdf')}</button>
          </form>
        </>
      )}
    </section>
  );
}

/** /admin/imports/:id — the preview and mapping before a run, the progress and results after. */
export function ImportPage(props: { lang: Lang; actor: StaffActor; csrf: string; userName?: string; state: ImportState; preview: ImportPreview | null; errors?: FieldError[] }) {
  const { lang } = props;
  return (
    <Layout title={t(lang, 'imports.title')} actor={props.actor} lang={lang} csrf={props.csrf} active="imports" userName={props.userName} scripts={['imports.js']}>
      <ErrorSummary lang={lang} errors={props.errors ?? []} />
      <p>{`${props.state.centreCode} — ${props.state.fileKind.toUpperCase()} — ${t(lang, 'imports.rows', { n: props.state.total.toLocaleString('ja-JP') })}`}</p>
      {props.preview && props.state.uploaded ? <PreviewSection lang={lang} csrf={props.csrf} preview={props.preview} /> : <StateSection lang={lang} csrf={props.csrf} state={props.state} />}
      {props.preview && !props.state.uploaded && (props.state.status === 'done' || props.state.status === 'failed') && props.state.dryRun && <PreviewSection lang={lang} csrf={props.csrf} preview={props.preview} />}
    </Layout>
  );
}
