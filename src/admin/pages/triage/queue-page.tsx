import { Hono } from 'hono';
import { ALERT_SEVERITIES, ALERT_STATUSES } from '../../../../db/schema';
import type { Deps } from '../../../deps';
import { centresInScope } from '../../../domain/jurisdictions/centres-in-scope';
import { alertReasons, listAlerts } from '../../../domain/alerts/list-alerts';
import { ValidationError } from '../../../domain/errors';
import { escalationStates } from '../../../domain/escalation/escalation-states';
import { onCallWarning } from '../../../domain/escalation/on-call-warning';
import { runVerb } from '../../auth/run-verb';
import type { AdminContext, AdminEnv } from '../../auth/types';
import type { AlertHub } from './alert-hub';
import { addLiveStream, type LiveStreamOptions } from './live-stream';
import { t } from '../../ui/i18n';
import { Layout } from '../../ui/layout';
import { page } from '../../ui/render';
import { QueueRows, reasonLabel } from './queue-table';

/** Filters as the page's GET form sends them; unknown values are ignored, not errors. */
function filtersOf(c: AdminContext) {
  const q = c.req.query();
  const pick = <T extends string>(v: string | undefined, allowed: readonly T[]) => (v && (allowed as readonly string[]).includes(v) ? (v as T) : undefined);
  return {
    severity: pick(q.severity, ALERT_SEVERITIES),
    status: pick(q.status, ALERT_STATUSES),
    reason: q.reason?.slice(0, 80) || undefined,
    centre: q.centre?.slice(0, 40) || undefined,
    mine: q.mine === '1' ? ('1' as const) : undefined, // 担当のみ
  };
}

/** The triage screen: the alert queue, its filters, and the live stream of new alerts. */
export function createTriageRoutes(deps: Deps, hub: AlertHub, live: LiveStreamOptions = {}) {
  const app = new Hono<AdminEnv>();

  const queue = async (c: AdminContext) => {
    const f = filtersOf(c);
    try {
      const list = await runVerb(deps, c, (ctx) => listAlerts({ ctx, input: { ...f, status: f.status } }));
      const escalation = await runVerb(deps, c, (ctx) => escalationStates({ ctx, input: { alertIds: list.alerts.map((a) => a.id) } }));
      return { ...list, escalation };
    } catch (err) {
      if (err instanceof ValidationError) return { alerts: [], total: 0, totalCapped: false, escalation: undefined };
      throw err;
    }
  };

  app.get('/', async (c) => {
    const actor = c.get('actor');
    const lang = c.get('lang');
    const f = filtersOf(c);
    const [{ alerts, total, totalCapped, escalation }, reasons, centres, rotaWarning] = await Promise.all([queue(c), runVerb(deps, c, (ctx) => alertReasons({ ctx, input: null })), runVerb(deps, c, (ctx) => centresInScope({ ctx, input: null })), runVerb(deps, c, (ctx) => onCallWarning({ ctx, input: null }))]);
    return page(
      c,
      <Layout title={t(lang, 'triage.title')} actor={actor} lang={lang} csrf={c.get('csrfToken')} active="triage" userName={c.get('displayName')} scripts={['triage.js']} styles={['clinical.css']}>
        <form method="get" action="/admin" class="filters" data-autosubmit id="queue-filters">
          <label>
            {t(lang, 'col.severity')}
            <select name="severity">
              <option value="">{t(lang, 'common.all')}</option>
              {ALERT_SEVERITIES.map((s) => <option value={s} selected={f.severity === s}>{t(lang, `severity.${s}`)}</option>)}
            </select>
          </label>
          <label>
            {t(lang, 'col.status')}
            <select name="status">
              <option value="">{t(lang, 'status.active')}</option>
              {ALERT_STATUSES.map((s) => <option value={s} selected={f.status === s}>{t(lang, `status.${s}`)}</option>)}
            </select>
          </label>
          <label>
            {t(lang, 'col.reason')}
            <select name="reason">
              <option value="">{t(lang, 'common.all')}</option>
              {reasons.map((r) => <option value={r.reason} selected={f.reason === r.reason}>{reasonLabel(lang, { reason: r.reason, reasons: r.ja ? [{ ja: r.ja, en: r.en ?? '' }] : [] })}</option>)}
            </select>
          </label>
          {centres.length > 1 && (
            <label>
              {t(lang, 'col.centre')}
              <select name="centre">
                <option value="">{t(lang, 'common.all')}</option>
                {centres.map((j) => <option value={j.code} selected={f.centre === j.code}>{lang === 'ja' ? j.nameJa : j.nameEn}</option>)}
              </select>
            </label>
          )}
          <label class="check"><input type="checkbox" name="mine" value="1" id="filter-mine" checked={f.mine === '1'} /> {t(lang, 'triage.mine')}</label>
          <noscript><button type="submit">{t(lang, 'common.filter')}</button></noscript>
          <span class="live" id="live-state" data-state="off" data-on={t(lang, 'triage.live')} data-off={t(lang, 'triage.offline')} aria-live="polite">{t(lang, 'triage.offline')}</span>
          <label class="check"><input type="checkbox" id="sound-toggle" /> {t(lang, 'triage.sound')}</label>
          <label class="check"><input type="checkbox" id="visual-toggle" checked /> {t(lang, 'triage.visual')}</label>
          <label class="check"><input type="checkbox" id="notify-toggle" data-title={t(lang, 'triage.notifyTitle')} data-body={t(lang, 'triage.notifyBody')} /> {t(lang, 'triage.notify')}</label>
        </form>
        <p class="muted" id="queue-total" data-exact={t(lang, 'triage.total', { n: '{n}' })} data-capped={t(lang, 'triage.totalAtLeast', { n: '{n}' })}>
          {t(lang, totalCapped ? 'triage.totalAtLeast' : 'triage.total', { n: total.toLocaleString('ja-JP') })}
        </p>
        {rotaWarning && <p class="flash warn" role="alert" id="on-call-warning"><a href={`/admin/on-call?code=${encodeURIComponent(rotaWarning.code)}`}>{rotaWarning.warningJa}</a></p>}
        <div id="new-alert-banner" class="flash" role="status" hidden>{t(lang, 'triage.newAlert')}</div>
        <div class="queue-wrap">
        <table id="queue" class="queue">
          <thead>
            <tr>
              <th>{t(lang, 'col.severity')}</th><th>{t(lang, 'col.person')}</th><th>{t(lang, 'col.reason')}</th><th>{t(lang, 'col.raised')}</th><th>{t(lang, 'col.waiting')}</th>
              <th>{t(lang, 'col.status')}</th><th>{t(lang, 'col.assigned')}</th><th>{t(lang, 'col.centre')}</th>
            </tr>
          </thead>
          <QueueRows lang={lang} alerts={alerts} escalation={escalation} now={deps.now()} />
        </table>
        </div>
      </Layout>,
    );
  });

  // The rows alone, with the same filters: the page script swaps them in on a notice.
  app.get('/triage/rows', async (c) => {
    const { alerts, total, totalCapped, escalation } = await queue(c);
    const highlight = /^[0-9a-f-]{36}$/.test(c.req.query('highlight') ?? '') ? c.req.query('highlight') : null;
    c.header('x-total', total.toLocaleString('ja-JP'));
    c.header('x-total-capped', totalCapped ? '1' : '0');
    return c.html(<QueueRows lang={c.get('lang')} alerts={alerts} highlight={highlight} escalation={escalation} now={deps.now()} />);
  });

  addLiveStream(app, deps, hub, live);
  return app;
}
