import { Hono } from 'hono';
import type { Deps } from '../../../deps';
import { ValidationError } from '../../../domain/errors';
import { ownJurisdictionName } from '../../../domain/jurisdictions/centres-in-scope';
import { identifiesPersons } from '../../../domain/reports/export-persons';
import { readInboxBacklog } from '../../../domain/operations/inbox-backlog';
import { getStats, type Stats } from '../../../domain/reports/stats';
import { runVerb } from '../../auth/run-verb';
import type { AdminContext, AdminEnv } from '../../auth/types';
import { t } from '../../ui/i18n';
import { ErrorSummary, Layout } from '../../ui/layout';
import { page } from '../../ui/render';
import { Dashboard, IntakeBacklog } from './dashboard';
import { Exports } from './exports';

/** GET /admin/reports — the dashboard and the CSV downloads for the signed-in user's scope. */
export function createReportPages(deps: Deps) {
  const app = new Hono<AdminEnv>();

  const scopeName = async (c: AdminContext) => {
    const actor = c.get('actor');
    const lang = c.get('lang');
    if (actor.role === 'national_officer' || !actor.jurisdictionId) return t(lang, actor.role === 'national_officer' ? 'reports.scope.all' : `role.${actor.role}`);
    const j = await runVerb(deps, c, (ctx) => ownJurisdictionName({ ctx, input: null }));
    return j ? (lang === 'ja' ? j.nameJa : j.nameEn) : '—';
  };

  app.get('/reports', async (c) => {
    const lang = c.get('lang');
    const actor = c.get('actor');
    const q = c.req.query();
    let stats: Stats;
    let errors: ValidationError['fields'] = [];
    let status: 200 | 422 = 200;
    try {
      stats = await runVerb(deps, c, (ctx) => getStats({ ctx, input: { from: q.from || undefined, to: q.to || undefined } }));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // A bad date keeps the page: the default period is shown with the problem above it.
      errors = err.fields;
      status = 422;
      stats = await runVerb(deps, c, (ctx) => getStats({ ctx, input: {} }));
    }
    // National officers also see the installation's inbox backlog (the morning surge, issue 16).
    const backlog = actor.role === 'national_officer' ? await runVerb(deps, c, (ctx) => readInboxBacklog({ ctx, input: {} })) : null;
    return page(
      c,
      <Layout title={t(lang, 'reports.title')} actor={actor} lang={lang} csrf={c.get('csrfToken')} active="reports" userName={c.get('displayName')}
        scripts={['uPlot.iife.min.js', 'reports.js']} styles={['uPlot.min.css', 'flows-reports.css']}>
        <ErrorSummary lang={lang} errors={errors} />
        {backlog && <IntakeBacklog backlog={backlog} limit={deps.env.INBOX_BACKLOG_LIMIT} maxAgeSeconds={deps.env.INBOX_BACKLOG_MAX_AGE_SECONDS} lang={lang} />}
        <Dashboard stats={stats} lang={lang} scopeName={await scopeName(c)} />
        <Exports lang={lang} identifying={identifiesPersons(actor)} range={stats.range} />
      </Layout>,
      status,
    );
  });

  return app;
}
