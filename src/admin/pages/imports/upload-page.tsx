import type { FieldError } from '../../../domain/errors';
import type { StaffActor } from '../../auth/types';
import { t, type Lang } from '../../ui/i18n';
import { ErrorSummary, Layout } from '../../ui/layout';

export interface RecentImport {
  id: string;
  status: string;
  dryRun: boolean;
  total: number;
  created: number;
  updated: number;
  failed: number;
  createdAt: Date;
  centreCode: string;
}

/** /admin/imports: the upload form and the latest imports. */
export function UploadPage(props: { lang: Lang; actor: StaffActor; csrf: string; userName?: string; centres: { code: string; name: string }[]; recent: RecentImport[]; errors?: FieldError[] }) {
  const { lang } = props;
  const ownCentre = props.actor.role === 'nurse' || props.actor.role === 'centre_admin';
  return (
    <Layout title={t(lang, 'imports.title')} actor={props.actor} lang={lang} csrf={props.csrf} active="imports" userName={props.userName}>
      <ErrorSummary lang={lang} errors={props.errors ?? []} />
      <p class="muted">{t(lang, 'imports.help')}</p>
      <form method="post" action="/admin/imports" enctype="multipart/form-data" class="stack" id="upload-form">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <label>
          {t(lang, 'imports.file')}
          <input type="file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required />
        </label>
        {!ownCentre && (
          <label>
            {t(lang, 'imports.centre')}
            <select name="centreCode" required>
              {props.centres.map((c) => <option value={c.code}>{`${c.name}（${c.code}）`}</option>)}
            </select>
          </label>
        )}
        <button type="submit">{t(lang, 'imports.upload')}</button>
      </form>
      <h2>{t(lang, 'imports.recent')}</h2>
      {props.recent.length === 0 ? (
        <p class="muted">{t(lang, 'imports.none')}</p>
      ) : (
        <table id="imports">
          <thead>
            <tr><th>{t(lang, 'col.centre')}</th><th>{t(lang, 'imports.progress')}</th><th>{t(lang, 'imports.rows', { n: '' }).trim()}</th><th></th></tr>
          </thead>
          <tbody>
            {props.recent.map((r) => (
              <tr>
                <td>{r.centreCode}</td>
                <td>{t(lang, `imports.status.${r.status}`)}{r.dryRun ? ` — ${t(lang, 'imports.dryRun')}` : ''}</td>
                <td>{t(lang, 'imports.counts', { created: r.created, updated: r.updated, unchanged: '-', failed: r.failed })}</td>
                <td><a href={`/admin/imports/${r.id}`}>{r.createdAt.toISOString().slice(0, 16).replace('T', ' ')}</a></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
