import { Hono } from 'hono';
import type { Deps } from '../../deps';
import { browseAuditLog } from '../../domain/audit-log/browse-audit-log';
import { ValidationError } from '../../domain/errors';
import { runVerb } from '../auth/run-verb';
import type { AdminEnv } from '../auth/types';
import { listStaff } from '../../domain/staff/list-staff';
import { fmtDateTimeSeconds } from '../ui/format';
import { labelOr, t } from '../ui/i18n';
import { audit } from '../ui/i18n/audit';
import { ErrorSummary, Layout } from '../ui/layout';
import { page } from '../ui/render';

/** The codes a filter offers: those the dictionary names, plus one typed into the URL. */
function codes(prefix: string, current: string | undefined): string[] {
  const known = Object.keys(audit).filter((k) => k.startsWith(`${prefix}.`)).map((k) => k.slice(prefix.length + 1));
  return current && !known.includes(current) ? [...known, current] : known;
}

/** /admin/audit: who read or changed what (centre_admin and up, within scope). */
export function createAuditRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.get('/audit', async (c) => {
    const lang = c.get('lang');
    const q = c.req.query();
    const filters = Object.fromEntries(Object.entries(q).filter(([k, v]) => ['action', 'entity', 'personId', 'caseNumber', 'staffId', 'from', 'to', 'before'].includes(k) && v !== ''));
    let result: Awaited<ReturnType<typeof browseAuditLog>> = { entries: [], nextBefore: null };
    const staff = await runVerb(deps, c, (ctx) => listStaff({ ctx, input: {} }));
    let errors: ValidationError['fields'] = [];
    try {
      result = await runVerb(deps, c, (ctx) => browseAuditLog({ ctx, input: filters }));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      errors = err.fields;
    }
    const next = result.nextBefore ? `/admin/audit?${new URLSearchParams({ ...filters, before: String(result.nextBefore) })}` : null;
    return page(
      c,
      <Layout title={t(lang, 'audit.title')} actor={c.get('actor')} lang={lang} csrf={c.get('csrfToken')} active="audit" userName={c.get('displayName')}>
        <ErrorSummary lang={lang} errors={errors} />
        <form method="get" action="/admin/audit" class="filters">
          <label>{t(lang, 'audit.action')}
            <select name="action">
              <option value="">{t(lang, 'audit.anyAction')}</option>
              {codes('audit.do', filters.action).map((a) => <option value={a} selected={filters.action === a}>{labelOr(lang, 'audit.do', a)}</option>)}
            </select>
          </label>
          <label>{t(lang, 'audit.entity')}
            <select name="entity">
              <option value="">{t(lang, 'audit.anyEntity')}</option>
              {codes('audit.what', filters.entity).map((e) => <option value={e} selected={filters.entity === e}>{labelOr(lang, 'audit.what', e)}</option>)}
            </select>
          </label>
          <label>{t(lang, 'audit.caseNumber')}<input name="caseNumber" value={filters.caseNumber ?? ''} maxlength={60} /></label>
          <label>{t(lang, 'audit.staff')}
            <select name="staffId">
              <option value="">{t(lang, 'audit.anyStaff')}</option>
              {staff.map((s) => <option value={s.id} selected={filters.staffId === s.id}>{s.displayName}</option>)}
            </select>
          </label>
          {filters.personId && <input type="hidden" name="personId" value={filters.personId} />}
          <label>{t(lang, 'audit.dateFrom')}<input type="date" name="from" value={filters.from ?? ''} /></label>
          <label>{t(lang, 'audit.dateTo')}<input type="date" name="to" value={filters.to ?? ''} /></label>
          <button type="submit">{t(lang, 'common.filter')}</button>
        </form>
        <table id="audit">
          <thead><tr><th>{t(lang, 'audit.when')}</th><th>{t(lang, 'audit.who')}</th><th>{t(lang, 'audit.action')}</th><th>{t(lang, 'audit.entity')}</th><th>{t(lang, 'audit.person')}</th><th>{t(lang, 'audit.from')}</th></tr></thead>
          <tbody>
            {result.entries.length === 0 && <tr><td colspan={6} class="muted">{t(lang, 'audit.empty')}</td></tr>}
            {result.entries.map((e) => (
              <tr>
                <td class="nowrap">{fmtDateTimeSeconds(e.createdAt)}</td>
                <td data-actor={e.actorKind}>{e.staffName ?? t(lang, `audit.actor.${e.actorKind}`)}{e.actorKind === 'token' && ` (${t(lang, 'audit.viaApi')})`}</td>
                <td data-action={e.action}>{labelOr(lang, 'audit.do', e.action)}</td>
                <td data-entity={e.entity}>{labelOr(lang, 'audit.what', e.entity)}{e.subjectName && <div>{e.subjectName}</div>}</td>
                <td>{e.personId ? <a href={`/admin/persons/${e.personId}`}>{e.caseNumber ?? ''}{e.personName ? ` ${e.personName}` : ''}</a> : ''}</td>
                <td class="muted">{e.ip ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {next && <p class="pager"><a href={next}>{t(lang, 'common.next')}</a></p>}
      </Layout>,
    );
  });
  return app;
}
