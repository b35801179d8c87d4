import { Hono } from 'hono';
import { STAFF_ROLES } from '../../../db/schema';
import type { Deps } from '../../deps';
import { listAssignableScopes, scopeCodes } from '../../domain/staff/assignable-scopes';
import { parseInvitationCsv } from '../../domain/staff/invitation-csv';
import { inviteMany, type InvitationOutcome } from '../../domain/staff/invite-many';
import { requestInfo } from '../auth/request-info';
import { runVerb } from '../auth/run-verb';
import type { AdminContext, AdminEnv } from '../auth/types';
import { ScopePicker } from '../staff/scope-picker';
import { fmtDateTime } from '../ui/format';
import { t, type Lang } from '../ui/i18n';
import { ErrorSummary, Layout } from '../ui/layout';
import { page } from '../ui/render';

function Outcomes(props: { lang: Lang; outcomes: InvitationOutcome[] }) {
  const { lang } = props;
  return (
    <section class="card" id="invitation-results">
      <h2>{t(lang, 'invite.results')}</h2>
      <p class="muted">{t(lang, 'invite.shownOnce')}</p>
      <table>
        <thead><tr><th>{t(lang, 'invite.row')}</th><th>{t(lang, 'staff.email')}</th><th>{t(lang, 'invite.link')}</th><th>{t(lang, 'invite.mail')}</th></tr></thead>
        <tbody>
          {props.outcomes.map((o) => (
            <tr data-invited={o.url ? 'yes' : 'no'}>
              <td>{o.row}</td>
              <td>{o.email}</td>
              <td>
                {o.url ? (
                  <>
                    <code data-enrol-link>{o.url}</code>
                    <div class="muted">{t(lang, 'invite.until', { until: fmtDateTime(o.expiresAt!, lang) })}</div>
                  </>
                ) : (
                  <ul class="error-list">{(o.errors ?? []).map((e) => <li data-field={e.field}>{lang === 'ja' && e.messageJa ? e.messageJa : e.message}</li>)}</ul>
                )}
              </td>
              <td>{o.mail ? t(lang, `invite.mail.${o.mail}`) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * /admin/staff/invitations: an administrator invites staff, one by one or from a CSV; each
 * gets a one-time enrolment link (72 h), shown here once and e-mailed when SMTP_URL is set.
 */
export function createInvitationPageRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();

  const render = async (c: AdminContext, outcomes: InvitationOutcome[] = [], errors: { field: string; message: string; messageJa?: string }[] = []) => {
    const lang = c.get('lang');
    const csrf = c.get('csrfToken');
    const scopes = await runVerb(deps, c, (ctx) => listAssignableScopes({ ctx, input: null }));
    return page(
      c,
      <Layout title={t(lang, 'invite.title')} actor={c.get('actor')} lang={lang} csrf={csrf} active="staff" userName={c.get('displayName')}>
        <p><a href="/admin/staff">{t(lang, 'invite.back')}</a></p>
        <p class="muted">{t(lang, 'invite.help')}</p>
        <ErrorSummary lang={lang} errors={errors} />
        {outcomes.length > 0 && <Outcomes lang={lang} outcomes={outcomes} />}
        <section class="card">
          <h2>{t(lang, 'invite.one')}</h2>
          <form method="post" action="/admin/staff/invitations" id="invite-one">
            <input type="hidden" name="_csrf" value={csrf} />
            <label>{t(lang, 'staff.email')}<input type="email" name="email" required maxlength={200} /></label>
            <label>{t(lang, 'staff.name')}<input name="displayName" required maxlength={100} /></label>
            <label>{t(lang, 'staff.role')}
              <select name="role" required>
                {STAFF_ROLES.filter((r) => r !== 'facility_reporter').map((r) => <option value={r} selected={r === 'nurse'}>{t(lang, `role.${r}`)}</option>)}
              </select>
            </label>
            <label>{t(lang, 'staff.scopeChoice')}<ScopePicker lang={lang} options={scopes} /></label>
            <button type="submit">{t(lang, 'invite.send')}</button>
          </form>
        </section>
        <section class="card">
          <h2>{t(lang, 'invite.csv')}</h2>
          <p class="muted">{t(lang, 'invite.csvHelp')}</p>
          <form method="post" action="/admin/staff/invitations/csv" enctype="multipart/form-data" id="invite-csv">
            <input type="hidden" name="_csrf" value={csrf} />
            <label>{t(lang, 'invite.file')}<input type="file" name="file" accept=".csv,text/csv" required /></label>
            <button type="submit">{t(lang, 'invite.sendAll')}</button>
          </form>
        </section>
      </Layout>,
      errors.length || outcomes.some((o) => o.errors) ? 422 : 200,
    );
  };

  const base = (c: AdminContext) => ({ actor: c.get('actor'), now: deps.now(), request: requestInfo(c) });
  const invite = (c: AdminContext, rows: Parameters<typeof inviteMany>[2]) => inviteMany(deps.db, base(c), rows, { mailer: deps.mailer, baseUrl: deps.env.PUBLIC_BASE_URL });

  app.get('/staff/invitations', (c) => render(c));
  app.post('/staff/invitations', async (c) => {
    const b = await c.req.parseBody();
    const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string).trim() : '');
    const input = { email: str('email'), displayName: str('displayName'), role: str('role'), ...scopeCodes(str('scope')) };
    return render(c, await invite(c, [{ row: 1, input }]));
  });
  app.post('/staff/invitations/csv', async (c) => {
    const b = await c.req.parseBody();
    const file = b.file;
    if (!(file instanceof File) || file.size === 0) return render(c, [], [{ field: 'file', message: 'choose a CSV file', messageJa: 'CSVファイルを選んでください' }]);
    const { rows, errors } = parseInvitationCsv(await file.text());
    if (errors.length) return render(c, [], errors);
    return render(c, await invite(c, rows));
  });
  return app;
}
