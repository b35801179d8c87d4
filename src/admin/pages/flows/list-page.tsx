import type { FieldError } from '../../../domain/errors';
import type { FlowSummary } from '../../../domain/flows/flow-queries';
import { t, type Lang } from '../../ui/i18n';
import { fmtDateTime } from '../../ui/format';
import { NewFlowForm, ownerName, type NewFlowValues } from './new-flow-form';

const when = (d: Date | null) => fmtDateTime(d, 'ja'); // Japan time, the same in either language

export interface FlowListProps {
  lang: Lang;
  csrf: string;
  /** The flows the user sees: national ones and those of their own line of jurisdictions. */
  flows: FlowSummary[];
  canDraft: boolean;
  /** Creating a flow: centre administrators and up; values and errors after a refused try. */
  newFlow: { values: NewFlowValues; errors: FieldError[] } | null;
}

/** Every flow with its owner and versions: which one new checks use, the open draft, and the history. */
export function FlowList(props: FlowListProps) {
  const { lang } = props;
  return (
    <>
      <p>{t(lang, 'flows.intro')}</p>
      {props.flows.map((f) => (
        <section class="card flow-card" id={`flow-${f.key}`}>
          <h2>{lang === 'ja' ? f.nameJa : f.nameEn} <code class="muted">{f.key}</code></h2>
          <p class="flow-owner">{t(lang, 'flows.owner')}: <span class={`badge owner-${f.owner?.kind ?? 'nation'}`}>{ownerName(lang, f.owner)}</span></p>
          <p>
            {t(lang, 'flows.current')}: {f.current ? t(lang, 'flows.version', { n: f.current }) : '—'}{' '}
            {f.draft ? (
              <a class="button" href={`/admin/flows/${f.key}/versions/${f.draft}`}>{t(lang, 'flows.editDraft')} ({t(lang, 'flows.version', { n: f.draft })})</a>
            ) : props.canDraft ? (
              <form method="post" action={`/admin/flows/${f.key}/drafts`} class="inline">
                <input type="hidden" name="_csrf" value={props.csrf} />
                <button type="submit">{t(lang, 'flows.newDraft')}</button>
              </form>
            ) : null}
          </p>
          <table>
            <thead><tr><th>{t(lang, 'flows.versions')}</th><th>{t(lang, 'reports.status')}</th><th>{t(lang, 'flows.createdBy')}</th><th>{t(lang, 'flows.publishedAt')}</th><th></th></tr></thead>
            <tbody>
              {f.versions.map((v) => (
                <tr>
                  <td>{t(lang, 'flows.version', { n: v.version })}</td>
                  <td>
                    <span class={`badge status-${v.status}`}>{t(lang, `flows.status.${v.status}`)}</span>
                    {v.status === 'published' && (v.version === f.current ? t(lang, 'flows.inUse') : t(lang, 'flows.superseded'))}
                  </td>
                  <td>{v.createdBy ?? '—'}</td>
                  <td>{when(v.publishedAt)}</td>
                  <td><a href={`/admin/flows/${f.key}/versions/${v.version}`}>{t(lang, 'flows.open')}</a></td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      {props.newFlow && <NewFlowForm lang={lang} csrf={props.csrf} flows={props.flows} values={props.newFlow.values} errors={props.newFlow.errors} />}
    </>
  );
}
