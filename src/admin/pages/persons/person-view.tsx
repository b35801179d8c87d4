import { MONITORED_STATUSES, PERSON_STATUSES } from '../../../../db/schema';
import { TryAsPatientButton, WebLinkQrButton } from './try-as-patient-routes';
import type { PersonRecord } from '../../../domain/persons/get-person';
import type { personObservations } from '../../../domain/persons/person-observations';
import { HealthTable, RiskFactors, roundLabel, type HealthSession } from '../../ui/clinical';
import { fmtShort } from '../../ui/format';
import { contactErrorLabel, labelOr, t, type Lang } from '../../ui/i18n';
import { displayPhone } from '../../ui/phone';
import { ActionDialog, DialogOpener } from '../../ui/action-dialog';
import { reasonLabel } from '../triage/queue-table';

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
    <dl class="facts tight" id="person-facts">
      <dt>{t(lang, 'field.nameKana')}</dt><dd>{p.nameKana ?? '—'}</dd>
      <dt>{t(lang, 'field.caseNumber')}</dt><dd>{p.caseNumber}</dd>
      <dt>{t(lang, 'field.dateOfBirth')}</dt><dd>{p.dateOfBirth ?? '—'}{p.age !== null && ` (${t(lang, 'alert.age', { n: p.age })})`}</dd>
      <dt>{t(lang, 'field.sex')}</dt><dd>{t(lang, `sex.${p.sex}`)}</dd>
      <dt>{t(lang, 'field.phone')}</dt><dd>{p.phone ? <a href={`tel:${p.phone}`} id="person-phone">{displayPhone(p.phone)}</a> : '—'}</dd>
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
      <dt>{t(lang, 'field.riskFactors')}</dt><dd><RiskFactors lang={lang} p={p} id="person-risk-factors" /></dd>
      <dt>{t(lang, 'field.underlyingConditions')}</dt><dd>{p.underlyingConditions.join('、') || t(lang, 'common.none')}</dd>
      <dt>{t(lang, 'field.activityHistory')}</dt><dd class="pre">{p.activityHistory ?? '—'}</dd>
    </dl>
  );
}

/** Health centres to move or share a person to, chosen from a list (never a typed code), by prefecture. */
export interface CentreOption {
  code: string;
  name: string;
  group: string;
}

function CentreSelect(props: { lang: Lang; id: string; centres: CentreOption[] }) {
  const groups = [...new Set(props.centres.map((c) => c.group))];
  return (
    <select name="centreCode" id={props.id} required>
      <option value="">{t(props.lang, 'person.chooseCentre')}</option>
      {groups.map((g) => (
        <optgroup label={g}>{props.centres.filter((c) => c.group === g).map((c) => <option value={c.code}>{c.name}（{c.code}）</option>)}</optgroup>
      ))}
    </select>
  );
}

/** An opener in the bar's second group: the records kept on the person (検査, 接触者, メモ, 担当, 一時停止, 証明書). */
export interface RecordOpener {
  dialog: string;
  label: string;
}

/**
 * The actions a nurse takes from a person's page, as one compact bar: the frequent ones are
 * buttons, the ones that need a few fields open a <dialog> with a plain form (each form still
 * posts without script: ui/action-dialog). `records` adds the openers of the record dialogs,
 * which the page renders itself (each record's view owns its forms).
 */
export function PersonActions(props: { lang: Lang; csrf: string; r: PersonRecord; centres: CentreOption[]; tryAsPatient?: boolean; records?: RecordOpener[] }) {
  const { lang, r } = props;
  const p = r.person;
  const id = p.id;
  const hidden = <input type="hidden" name="_csrf" value={props.csrf} />;
  const monitored = MONITORED_STATUSES.includes(p.status);
  const otherCentres = props.centres.filter((c) => c.code !== r.centre.code);
  const shareable = otherCentres.filter((c) => !r.sharedCentres.some((s) => s.code === c.code));
  const open = (dialog: string, label: string, cls = 'secondary') => <DialogOpener dialog={dialog} label={label} cls={cls} />;
  return (
    <>
      <nav class="actions-bar" id="person-actions" aria-label={t(lang, 'person.actionsBar')}>
        {monitored && (
          <form method="post" action={`/admin/persons/${id}/send-check`}>{hidden}<button type="submit" id="send-check">{t(lang, 'person.sendCheck')}</button></form>
        )}
        <a class="button secondary" href={`/admin/persons/${id}/edit`}>{t(lang, 'persons.edit')}</a>
        {open('dlg-status', t(lang, 'person.changeStatus'))}
        {monitored && open('dlg-period', t(lang, 'person.extend'))}
        {open('dlg-transfer', t(lang, 'person.transfer'))}
        {open('dlg-share', t(lang, 'person.share'))}
        <form method="post" action={`/admin/persons/${id}/link-code`}>{hidden}<button type="submit" class="secondary" id="issue-link-code">{t(lang, 'person.linkCode')}</button></form>
        {monitored && <WebLinkQrButton personId={id} csrf={props.csrf} lang={lang} />}
        {monitored && props.tryAsPatient && <TryAsPatientButton personId={id} csrf={props.csrf} lang={lang} />}
        {monitored && open('dlg-end', t(lang, 'person.end'), 'danger')}
        {props.records && props.records.length > 0 && (
          <span class="bar-group" role="group" aria-label={t(lang, 'person.recordsBar')}>
            <span class="bar-label">{t(lang, 'person.recordsBar')}</span>
            {props.records.map((o) => open(o.dialog, o.label))}
          </span>
        )}
      </nav>
      <ActionDialog closeTo="#person-actions" id="dlg-status" title={t(lang, 'person.changeStatus')} lang={lang}>
        <form method="post" action={`/admin/persons/${id}/status`}>
          {hidden}
          <label>{t(lang, 'field.status')}
            <select name="status">{PERSON_STATUSES.filter((s) => s !== 'monitoring_ended').map((s) => <option value={s} selected={s === p.status}>{t(lang, `pstatus.${s}`)}</option>)}</select>
          </label>
          <label>{t(lang, 'person.statusNote')}<input name="note" maxlength={500} /></label>
          <button type="submit">{t(lang, 'person.changeStatus')}</button>
        </form>
      </ActionDialog>
      {monitored && (
        <ActionDialog closeTo="#person-actions" id="dlg-period" title={t(lang, 'person.extend')} lang={lang}>
          <form method="post" action={`/admin/persons/${id}/extend`}>
            {hidden}
            <label>{t(lang, 'person.extend')}<input type="date" name="plannedEnd" value={p.monitoringPlannedEnd ?? ''} required /></label>
            <button type="submit">{t(lang, 'common.save')}</button>
          </form>
        </ActionDialog>
      )}
      {monitored && (
        <ActionDialog closeTo="#person-actions" id="dlg-end" title={t(lang, 'person.end')} lang={lang}>
          <form method="post" action={`/admin/persons/${id}/end`} data-confirm={t(lang, 'person.endConfirm')}>
            {hidden}
            <label>{t(lang, 'person.endReason')}<input name="reason" maxlength={200} /></label>
            <button type="submit" class="danger">{t(lang, 'person.end')}</button>
          </form>
        </ActionDialog>
      )}
      <ActionDialog closeTo="#person-actions" id="dlg-transfer" title={t(lang, 'person.transfer')} lang={lang}>
        <form method="post" action={`/admin/persons/${id}/transfer`} id="transfer-form">
          {hidden}
          <label>{t(lang, 'person.transfer')}<CentreSelect lang={lang} id="transfer-centre" centres={otherCentres} /></label>
          <button type="submit">{t(lang, 'person.transfer')}</button>
        </form>
      </ActionDialog>
      <ActionDialog closeTo="#person-actions" id="dlg-share" title={t(lang, 'person.share')} lang={lang}>
        <form method="post" action={`/admin/persons/${id}/share`} id="share-form">
          {hidden}
          <label>{t(lang, 'person.share')}<CentreSelect lang={lang} id="share-centre" centres={shareable} /></label>
          <button type="submit">{t(lang, 'person.share')}</button>
        </form>
        {r.sharedCentres.map((s) => (
          <form method="post" action={`/admin/persons/${id}/unshare`} class="inline">
            {hidden}<input type="hidden" name="centreCode" value={s.code} />
            <button type="submit" class="link">{t(lang, 'person.unshare')}: {lang === 'ja' ? s.nameJa : s.nameEn}</button>
          </form>
        ))}
      </ActionDialog>
    </>
  );
}

type Sessions = Obs['sessions'];

/** Sessions whose prompt never went out: every message or call for it failed (the contact log says why). */
export function unsentSessions(r: PersonRecord): Set<string> {
  const bySession = new Map<string, string[]>();
  for (const a of r.contactAttempts) if (a.sessionId) bySession.set(a.sessionId, [...(bySession.get(a.sessionId) ?? []), a.status]);
  return new Set([...bySession].filter(([, st]) => st.length > 0 && st.every((x) => x === 'failed' || x === 'undelivered')).map(([id]) => id));
}

/** The person's vital signs and answers as a 健康観察 table (the newest rounds), with the sessions' true state. */
export function PersonHealthTable(props: { lang: Lang; obs: Obs; timeZone: string; unsent: Set<string> }) {
  const sessions: HealthSession[] = props.obs.sessions.map((s) => ({ ...s, sendFailed: props.unsent.has(s.id) && s.status !== 'completed' }));
  return <HealthTable lang={props.lang} id="health-table" sessions={sessions} answers={props.obs.observations} questions={props.obs.questions} timeZone={props.timeZone} maxColumns={14} />;
}

/** Every round: when, on which channel, what became of it (送信失敗 when its prompt never went out). */
export function PersonTimeline(props: { lang: Lang; sessions: Sessions; timeZone: string; unsent: Set<string> }) {
  const { lang } = props;
  if (!props.sessions.length) return <p class="muted">{t(lang, 'person.noData')}</p>;
  return (
    <table id="timeline" class="compact">
      <tbody>
        {[...props.sessions].reverse().map((s) => {
          const failed = props.unsent.has(s.id) && s.status !== 'completed';
          return (
            <tr data-session-id={s.id} class={failed ? 'contact-failed' : undefined}>
              <td>{s.localDate}</td>
              <td>{fmtShort(s.completedAt ?? s.dueAt, props.timeZone)}</td>
              <td>{s.source === 'manual' ? t(lang, 'health.manual') : roundLabel(lang, s.round)}</td>
              <td>{t(lang, `channel.${s.channel}`)}</td>
              <td><span class="badge" data-session-state={failed ? 'send_failed' : s.status}>{failed ? t(lang, 'session.sendFailed') : t(lang, `session.${s.status}`)}</span></td>
            </tr>
          );
        })}
      </tbody>
    </table>
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
            <td data-kind={a.kind}>{labelOr(lang, 'contact.kind', a.kind) === a.kind ? t(lang, 'contact.kind.other') : labelOr(lang, 'contact.kind', a.kind)}</td>
            <td>{t(lang, `contact.status.${a.status}`)}{a.errorCode && <span class="muted" data-error-code={a.errorCode}>（{contactErrorLabel(lang, a.errorCode)}）</span>}{a.attempts > 1 && <span class="muted"> ×{a.attempts}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

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
            <td class="nowrap">{t(lang, `status.${a.status}`)}{a.outcome && ` · ${t(lang, `outcome.${a.outcome}`)}`}</td>
            <td class="nowrap">{fmtShort(a.createdAt, r.centre.timeZone)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
