import { Hono } from 'hono';
import { ALERT_OUTCOMES } from '../../../../db/schema';
import type { Deps } from '../../../deps';
import { acknowledgeAlert } from '../../../domain/alerts/acknowledge-alert';
import { assignAlert } from '../../../domain/alerts/assign-alert';
import { assignableStaff, getAlert, type AlertDetail } from '../../../domain/alerts/get-alert';
import { noteAlert } from '../../../domain/alerts/note-alert';
import { resolveAlert } from '../../../domain/alerts/resolve-alert';
import { ConflictError, ValidationError, type FieldError } from '../../../domain/errors';
import { idParam, runVerb } from '../../auth/run-verb';
import type { AdminContext, AdminEnv } from '../../auth/types';
import { fmtShort } from '../../ui/format';
import { HealthTable, reasonDetails, RiskFactors, withoutRaisedNote } from '../../ui/clinical';
import { displayPhone } from '../../ui/phone';
import { labelOr, t, type Lang } from '../../ui/i18n';
import { ErrorSummary, Layout } from '../../ui/layout';
import { page } from '../../ui/render';
import { outcomeNote } from './queue-table';

function takenMessage(lang: Lang, a: AlertDetail['alert']): string | null {
  if (a.status === 'acknowledged') return t(lang, 'alert.takenBy', { name: a.acknowledgedByName ?? '—', at: fmtShort(a.acknowledgedAt) });
  if (a.status === 'resolved') return t(lang, 'alert.resolvedBy', { name: a.resolvedByName ?? '—', at: fmtShort(a.resolvedAt) });
  return null;
}

function AlertView(props: { lang: Lang; csrf: string; d: AlertDetail; staff: { id: string; name: string }[]; errors: FieldError[]; conflict: boolean }) {
  const { lang, csrf, d } = props;
  const a = d.alert;
  const p = d.person;
  const hidden = <input type="hidden" name="_csrf" value={csrf} />;
  // Reason values are keyed by question id: word them from any version these answers were pinned to.
  const asked = Object.assign({}, ...Object.values(d.questions)) as AlertDetail['questions'][string];
  // One column per check session (oldest left), the answers as observed.
  const sessions = [...new Map(d.recent.map((r) => [r.sessionId, { id: r.sessionId, flowVersionId: r.flowVersionId, localDate: r.localDate, round: r.round, status: r.status, dueAt: r.dueAt, completedAt: r.completedAt }])).values()].reverse();
  const answers = d.recent.map((r) => ({ ...r, status: r.obsStatus }));
  return (
    <>
      {props.conflict && <p class="error-summary" role="alert">{t(lang, 'alert.conflict')} {takenMessage(lang, a)}</p>}
      <ErrorSummary lang={lang} errors={props.errors} />
      <div class="alert-head">
        <span class={`badge sev-${a.severity}`}>{t(lang, `severity.${a.severity}`)}</span>
        <span class="badge" id="alert-status">{t(lang, `status.${a.status}`)}</span>
        <span class="muted">{t(lang, 'col.raised')}: {fmtShort(a.createdAt)}</span>
        {!props.conflict && <span id="taken-by">{takenMessage(lang, a)}</span>}
      </div>
      <div class="alert-grid">
        <section class="card">
          <h2>{t(lang, 'alert.why')}</h2>
          {d.answeredBy && <p class="muted answered-by">{t(lang, 'household.answeredBy', { who: d.answeredBy })}{d.answeredByPhone && <> <a href={`tel:${d.answeredByPhone}`} id="answered-by-phone">{t(lang, 'household.contactCall')} {displayPhone(d.answeredByPhone)}</a></>}</p>}
          <ul id="alert-reasons" class="reasons">
            {a.reasons.length ? a.reasons.map((r) => (
              <li>
                <strong>{withoutRaisedNote(lang === 'ja' ? r.ja : r.en || r.ja).text}</strong>
                <span class="detail" data-rule-id={r.ruleId}>{reasonDetails(lang, r.values ?? {}, (k) => asked[k])}</span>
              </li>
            )) : <li>{labelOr(lang, 'reason', a.reason)}</li>}
          </ul>
        </section>
        <section class="card">
          <h2>{t(lang, 'alert.person')}</h2>
          <dl class="facts tight">
            <dt>{t(lang, 'col.person')}</dt><dd><a href={`/admin/persons/${p.id}`}>{p.name}</a>{p.nameKana && <span class="muted"> ({p.nameKana})</span>}{p.age !== null && <span class="muted"> {t(lang, 'alert.age', { n: p.age })}</span>}</dd>
            <dt>{t(lang, 'col.phone')}</dt><dd>{p.phone ? <a href={`tel:${p.phone}`} id="alert-phone">{displayPhone(p.phone)}</a> : '—'}</dd>
            <dt>{t(lang, 'field.caseNumber')}</dt><dd>{p.caseNumber}</dd>
            <dt>{t(lang, 'alert.riskFactors')}</dt><dd><RiskFactors lang={lang} p={p} id="alert-risk-factors" /></dd>
            <dt>{t(lang, 'alert.conditions')}</dt><dd>{p.underlyingConditions.join('、') || t(lang, 'common.none')}</dd>
            <dt>{t(lang, 'col.centre')}</dt><dd>{lang === 'ja' ? p.centre.ja : p.centre.en}</dd>
          </dl>
        </section>
      </div>
      <section class="block">
        <h2>{t(lang, 'health.title')}</h2>
        <HealthTable lang={lang} id="recent-answers" sessions={sessions} answers={answers} questions={d.questions} />
        <p class="legend"><span class="sw red"></span>{t(lang, 'health.markRed')}<span class="sw amber"></span>{t(lang, 'health.markAmber')}</p>
      </section>
      {a.status !== 'resolved' && (
        <section class="actions-bar" id="alert-actions">
          {a.status === 'open' && (
            <form method="post" action={`/admin/alerts/${a.id}/acknowledge`}>{hidden}<button type="submit" id="acknowledge">{t(lang, 'alert.acknowledge')}</button></form>
          )}
          <form method="post" action={`/admin/alerts/${a.id}/assign`}>
            {hidden}
            <select name="staffId" aria-label={t(lang, 'alert.assign')}>{props.staff.map((s) => <option value={s.id} selected={a.assignedTo === s.id}>{s.name}</option>)}</select>{' '}
            <button type="submit" class="secondary">{t(lang, 'alert.assign')}</button>
          </form>
          <form method="post" action={`/admin/alerts/${a.id}/resolve`}>
            {hidden}
            <select name="outcome" id="outcome" aria-label={t(lang, 'alert.outcome')}>{ALERT_OUTCOMES.map((o) => <option value={o}>{t(lang, `outcome.${o}`)}</option>)}</select>{' '}
            <input name="note" maxlength={2000} aria-label={t(lang, 'alert.note')} placeholder={t(lang, 'alert.note')} />{' '}
            <button type="submit" id="resolve">{t(lang, 'alert.resolve')}</button>
          </form>
        </section>
      )}
      <section class="block">
        <h2>{t(lang, 'alert.history')}</h2>
        <ul class="timeline" id="alert-history">
          {d.events.map((e) => (
            <li>
              <strong>{t(lang, `event.${e.kind}`)}</strong> <span class="muted">{fmtShort(e.createdAt)} {e.actor ?? ''}</span>
              {e.note && e.kind !== 'raised' && <div class="note">{e.kind === 'resolved' ? outcomeNote(lang, e.note) : e.note}</div>}
            </li>
          ))}
        </ul>
        <form method="post" action={`/admin/alerts/${a.id}/note`}>
          {hidden}
          <label>{t(lang, 'alert.note')}<textarea name="note" maxlength={2000} rows={2} required></textarea></label>
          <button type="submit" class="secondary">{t(lang, 'alert.note')}</button>
        </form>
      </section>
    </>
  );
}

/** One alert: reasons, the person, recent answers, and the triage actions. */
export function createAlertPageRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();

  const show = async (c: AdminContext, id: string, extra: { errors?: FieldError[]; conflict?: boolean } = {}) => {
    const lang = c.get('lang');
    const d = await runVerb(deps, c, (ctx) => getAlert({ ctx, input: { alertId: id } }));
    const staff = await runVerb(deps, c, (ctx) => assignableStaff({ ctx, input: { centreId: d.alert.centreId } }));
    const status = extra.conflict ? 409 : extra.errors?.length ? 422 : 200;
    return page(
      c,
      <Layout title={`${t(lang, 'alert.title')}: ${d.person.name}`} actor={c.get('actor')} lang={lang} csrf={c.get('csrfToken')} active="triage" userName={c.get('displayName')} styles={['clinical.css']}>
        <AlertView lang={lang} csrf={c.get('csrfToken')} d={d} staff={staff} errors={extra.errors ?? []} conflict={!!extra.conflict} />
      </Layout>,
      status,
    );
  };

  app.get('/alerts/:id', (c) => show(c, idParam(c, 'id', 'alert')));

  const action = (name: string, run: (c: AdminContext, id: string, body: Record<string, unknown>) => Promise<unknown>) =>
    app.post(`/alerts/:id/${name}`, async (c) => {
      const id = idParam(c, 'id', 'alert');
      const body = await c.req.parseBody();
      try {
        await run(c, id, body);
      } catch (err) {
        if (err instanceof ConflictError) return show(c, id, { conflict: true });
        if (err instanceof ValidationError) return show(c, id, { errors: err.fields });
        throw err;
      }
      return c.redirect(`/admin/alerts/${id}`, 303);
    });
  const str = (b: Record<string, unknown>, k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
  action('acknowledge', (c, id) => runVerb(deps, c, (ctx) => acknowledgeAlert({ ctx, input: { alertId: id } })));
  action('assign', (c, id, b) => runVerb(deps, c, (ctx) => assignAlert({ ctx, input: { alertId: id, staffId: /^[0-9a-f-]{36}$/i.test(str(b, 'staffId')) ? str(b, 'staffId') : '00000000-0000-0000-0000-000000000000' } })));
  action('note', (c, id, b) => runVerb(deps, c, (ctx) => noteAlert({ ctx, input: { alertId: id, note: str(b, 'note') } })));
  action('resolve', (c, id, b) => runVerb(deps, c, (ctx) => resolveAlert({ ctx, input: { alertId: id, outcome: str(b, 'outcome'), note: str(b, 'note') || undefined } })));
  return app;
}
