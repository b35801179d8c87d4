import { MONITORED_STATUSES, PERSON_STATUSES } from '../../../../db/schema';
import { TryAsPatientButton, WebLinkQrButton } from './try-as-patient-routes';
import type { PersonRecord } from '../../../domain/persons/get-person';
import type { personObservations } from '../../../domain/persons/person-observations';
import { fmtShort } from '../../ui/format';
import { Answer } from '../../ui/answer';
import { t, type Lang } from '../../ui/i18n';
import { reasonLabel } from '../triage/queue-table';
import { riskLabel } from './person-form';

type Obs = Awaited<ReturnType<typeof personObservations>>;

/** Temperature and SpO2 series for uPlot: [unix seconds[], values[]], handed over in data attributes. */
export function chartSeries(obs: Obs, questionId: string): [number[], number[]] {
  const points = obs.observations.filter((o) => o.questionId === questionId && o.valueNumber !== null);
  return [points.map((o) => Math.round(o.observedAt.getTime() / 1000)), points.map((o) => o.valueNumber!)];
}

export function PersonFacts(props: { lang: Lang; r: PersonRecord }) {
  const { lang, r } = props;
  const p = r.person;
  const name = (j: { nameJa: string; nameEn: string }) => (lang === 'ja' ? j.nameJa : j.nameEn);
  return (
    <dl class="facts" id="person-facts">
      <dt>{t(lang, 'field.nameKana')}</dt><dd>{p.nameKana ?? '—'}</dd>
      <dt>{t(lang, 'field.caseNumber')}</dt><dd>{p.caseNumber}</dd>
      <dt>{t(lang, 'field.dateOfBirth')}</dt><dd>{p.dateOfBirth ?? '—'}{p.age !== null && ` (${t(lang, 'alert.age', { n: p.age })})`}</dd>
      <dt>{t(lang, 'field.sex')}</dt><dd>{t(lang, `sex.${p.sex}`)}</dd>
      <dt>{t(lang, 'field.phone')}</dt><dd>{p.phone ? <a href={`tel:${p.phone}`}>{p.phone}</a> : '—'}</dd>
      <dt>{t(lang, 'field.address')}</dt><dd>{p.address ?? '—'}</dd>
      <dt>{t(lang, 'field.classification')}</dt><dd>{t(lang, `class.${p.classification}`)}</dd>
      <dt>{t(lang, 'field.status')}</dt><dd id="person-status">{t(lang, `pstatus.${p.status}`)}</dd>
      <dt>{t(lang, 'field.onsetDate')}</dt><dd>{p.onsetDate ?? '—'}</dd>
      <dt>{t(lang, 'person.clinical')}</dt>
      <dd id="person-clinical">
        {p.admissionDate ? `${t(lang, 'field.admissionDate')} ${p.admissionDate}` : '—'}
        {p.dischargeDate && ` → ${t(lang, 'field.dischargeDate')} ${p.dischargeDate}`}
        {(['icuUsed', 'ventilatorUsed', 'ecmoUsed'] as const).filter((k) => p[k]).map((k) => <span class="badge">{t(lang, `field.${k}`)}</span>)}
        {p.dateOfDeath && <div>{t(lang, 'field.dateOfDeath')} {p.dateOfDeath}</div>}
      </dd>
      <dt>{t(lang, 'field.monitoringStart')}</dt><dd>{p.monitoringStart ?? '—'} → {p.monitoringPlannedEnd ?? '—'}{p.monitoringActualEnd && ` (${p.monitoringActualEnd})`}</dd>
      <dt>{t(lang, 'col.centre')}</dt><dd>{name(r.centre)}</dd>
      <dt>{t(lang, 'person.shared')}</dt><dd>{r.sharedCentres.map((s) => name(s)).join(', ') || t(lang, 'common.none')}</dd>
      <dt>{t(lang, 'field.preferredChannel')}</dt><dd>{t(lang, `channel.${p.preferredChannel}`)}</dd>
      <dt>{t(lang, 'field.riskFactors')}</dt><dd>{p.riskFactors.map((k) => riskLabel(lang, k)).join(', ') || t(lang, 'common.none')}{p.pregnant && `, ${t(lang, 'field.pregnant')}`}</dd>
      <dt>{t(lang, 'field.underlyingConditions')}</dt><dd>{p.underlyingConditions.join('、') || t(lang, 'common.none')}</dd>
      <dt>{t(lang, 'field.activityHistory')}</dt><dd class="pre">{p.activityHistory ?? '—'}</dd>
    </dl>
  );
}

/** The actions a nurse takes from a person's page; each is a plain form (works without script). */
export function PersonActions(props: { lang: Lang; csrf: string; r: PersonRecord; centres: { code: string; name: string }[]; tryAsPatient?: boolean }) {
  const { lang, r } = props;
  const p = r.person;
  const id = p.id;
  const hidden = <input type="hidden" name="_csrf" value={props.csrf} />;
  const monitored = MONITORED_STATUSES.includes(p.status);
  const otherCentres = props.centres.filter((c) => c.code !== r.centre.code);
  return (
    <section class="cards" id="person-actions">
      <div class="card">
        <p><a class="button secondary" href={`/admin/persons/${id}/edit`}>{t(lang, 'persons.edit')}</a></p>
        {monitored && (
          <form method="post" action={`/admin/persons/${id}/send-check`}>{hidden}<button type="submit" id="send-check">{t(lang, 'person.sendCheck')}</button></form>
        )}
        {monitored && <WebLinkQrButton personId={id} csrf={props.csrf} lang={lang} />}
        {monitored && props.tryAsPatient && <TryAsPatientButton personId={id} csrf={props.csrf} lang={lang} />}
        <form method="post" action={`/admin/persons/${id}/link-code`}>{hidden}<button type="submit" class="secondary" id="issue-link-code">{t(lang, 'person.linkCode')}</button></form>
      </div>
      <form method="post" action={`/admin/persons/${id}/status`} class="card">
        {hidden}
        <label>{t(lang, 'person.changeStatus')}
          <select name="status">{PERSON_STATUSES.filter((s) => s !== 'monitoring_ended').map((s) => <option value={s} selected={s === p.status}>{t(lang, `pstatus.${s}`)}</option>)}</select>
        </label>
        <label>{t(lang, 'person.statusNote')}<input name="note" maxlength={500} /></label>
        <button type="submit" class="secondary">{t(lang, 'person.changeStatus')}</button>
      </form>
      {monitored && (
        <div class="card">
          <form method="post" action={`/admin/persons/${id}/extend`}>
            {hidden}
            <label>{t(lang, 'person.extend')}<input type="date" name="plannedEnd" value={p.monitoringPlannedEnd ?? ''} required /></label>
            <button type="submit" class="secondary">{t(lang, 'common.save')}</button>
          </form>
          <form method="post" action={`/admin/persons/${id}/end`} data-confirm={t(lang, 'person.endConfirm')}>
            {hidden}
            <label>{t(lang, 'person.endReason')}<input name="reason" maxlength={200} /></label>
            <button type="submit" class="danger">{t(lang, 'person.end')}</button>
          </form>
        </div>
      )}
      <div class="card">
        <form method="post" action={`/admin/persons/${id}/transfer`}>
          {hidden}
          <label>{t(lang, 'person.transfer')}
            <input name="centreCode" list="centre-codes" placeholder={t(lang, 'person.centreCode')} required />
          </label>
          <button type="submit" class="secondary">{t(lang, 'person.transfer')}</button>
        </form>
        <form method="post" action={`/admin/persons/${id}/share`}>
          {hidden}
          <label>{t(lang, 'person.share')}
            <input name="centreCode" list="centre-codes" placeholder={t(lang, 'person.centreCode')} required />
          </label>
          <button type="submit" class="secondary">{t(lang, 'person.share')}</button>
        </form>
        {r.sharedCentres.map((s) => (
          <form method="post" action={`/admin/persons/${id}/unshare`} class="inline">
            {hidden}<input type="hidden" name="centreCode" value={s.code} />
            <button type="submit" class="link">{t(lang, 'person.unshare')}: {lang === 'ja' ? s.nameJa : s.nameEn}</button>
          </form>
        ))}
        <datalist id="centre-codes">{otherCentres.map((c) => <option value={c.code}>{c.name}</option>)}</datalist>
      </div>
    </section>
  );
}

export function PersonTimeline(props: { lang: Lang; obs: Obs; timeZone: string }) {
  const { lang, obs } = props;
  if (!obs.sessions.length) return <p class="muted">{t(lang, 'person.noData')}</p>;
  return (
    <ul class="timeline" id="timeline">
      {[...obs.sessions].reverse().map((s) => (
        <li data-session-id={s.id}>
          <strong>{s.localDate} {s.round.startsWith('manual') ? t(lang, 'person.sendCheck') : s.round}</strong>{' '}
          <span class="badge">{t(lang, `session.${s.status}`)}</span> <span class="muted">{t(lang, `channel.${s.channel}`)} · {fmtShort(s.completedAt ?? s.dueAt, props.timeZone)}</span>
          <div>
            {obs.observations.filter((o) => o.sessionId === s.id).map((o) => <Answer lang={lang} o={o} questions={obs.questions[s.flowVersionId]} />)}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** 連絡の記録: the last messages and calls, newest first, with what the provider said. */
export function ContactAttempts(props: { lang: Lang; r: PersonRecord }) {
  const { lang, r } = props;
  if (!r.contactAttempts.length) return <p class="muted">{t(lang, 'common.none')}</p>;
  return (
    <table id="contact-attempts">
      <thead>
        <tr><th>{t(lang, 'contact.when')}</th><th>{t(lang, 'contact.channel')}</th><th>{t(lang, 'contact.kind')}</th><th>{t(lang, 'contact.result')}</th></tr>
      </thead>
      <tbody>
        {r.contactAttempts.map((a) => (
          <tr class={a.status === 'failed' || a.status === 'undelivered' ? 'contact-failed' : undefined}>
            <td>{fmtShort(a.createdAt, r.centre.timeZone)}</td>
            <td>{t(lang, `channel.${a.channel}`)}</td>
            <td>{labelOr(lang, `contact.kind.${a.kind}`, a.kind)}</td>
            <td>{t(lang, `contact.status.${a.status}`)}{a.errorCode && <span class="muted"> ({contactErrorLabel(lang, a.errorCode)})</span>}{a.attempts > 1 && <span class="muted"> ×{a.attempts}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Provider error codes a nurse can act on, in words; others as the code itself. */
function contactErrorLabel(lang: Lang, code: string): string {
  const label = labelOr(lang, `contact.error.${code}`, '');
  return label ? `${label} ${code}` : code;
}

const labelOr = (lang: Lang, key: string, fallback: string) => {
  const label = t(lang, key);
  return label === key ? fallback : label;
};

export function PersonAlerts(props: { lang: Lang; r: PersonRecord }) {
  const { lang, r } = props;
  if (!r.alerts.length) return <p class="muted">{t(lang, 'common.none')}</p>;
  return (
    <table>
      <tbody>
        {r.alerts.map((a) => (
          <tr class={`sev-${a.severity}-row`}>
            <td><span class={`badge sev-${a.severity}`}>{t(lang, `severity.${a.severity}`)}</span></td>
            <td><a href={`/admin/alerts/${a.id}`}>{reasonLabel(lang, a)}</a></td>
            <td>{t(lang, `status.${a.status}`)}{a.outcome && ` · ${t(lang, `outcome.${a.outcome}`)}`}</td>
            <td>{fmtShort(a.createdAt, r.centre.timeZone)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
