import type { Child } from 'hono/jsx';
import { Hono } from 'hono';
import { MONITORED_STATUSES } from '../../../../db/schema';
import type { Deps } from '../../../deps';
import { ConflictError, ForbiddenError, ValidationError, type FieldError } from '../../../domain/errors';
import { changePersonStatus } from '../../../domain/persons/change-person-status';
import { getPerson } from '../../../domain/persons/get-person';
import { personObservations } from '../../../domain/persons/person-observations';
import { sharePerson, transferPerson } from '../../../domain/persons/transfer-person';
import { updatePerson } from '../../../domain/persons/update-person';
import { addContact, removeContact } from '../../../domain/persons/person-contacts';
import { addPersonNote } from '../../../domain/persons/person-notes';
import { addTestRecord, updateTestRecord } from '../../../domain/persons/test-records';
import { endMonitoring } from '../../../domain/rounds/end-monitoring';
import { extendMonitoring } from '../../../domain/rounds/extend-monitoring';
import { idParam, runVerb } from '../../auth/run-verb';
import type { AdminContext, AdminEnv } from '../../auth/types';
import { issueLinkCodeWithQr, sendCheckAndDispatch } from './actions';
import { fmtDateTime } from '../../ui/format';
import { t } from '../../ui/i18n';
import { ErrorSummary, Layout } from '../../ui/layout';
import { page } from '../../ui/render';
import { flowsForActor } from './list-page';
import { PersonForm, personInputFromForm } from './person-form';
import { ContactsDialog, NoteDialog, PersonContacts, PersonNotes, PersonTests, TestsDialog } from './person-records-view';
import { chartSeries, ContactAttempts, PersonActions, PersonAlerts, PersonFacts, PersonHealthTable, PersonTimeline, unsentSessions, type CentreOption, type RecordOpener } from './person-view';
import { RiskFactors } from '../../ui/clinical';
import { displayPhone } from '../../ui/phone';
import { listJurisdictions } from '../../../domain/jurisdictions/list-jurisdictions';
import { tryAsPatientAvailable } from './try-as-patient-routes';
import { caseloadOf } from '../../../domain/caseload/person-caseload';
import { CallsDialog, PersonCaseloadCard } from '../lifecycle/person-caseload';
import { pausesOf } from '../../../domain/pauses/pauses-of';
import { PauseDialog, pauseDialogUseful, PersonPausesCard } from '../lifecycle/person-pauses';
import { certificatesOf } from '../../../domain/certificates/revoke-certificate';
import { CertificatesDialog, PersonCertificatesCard } from '../lifecycle/person-certificates';
import { getHousehold } from '../../../domain/households/household-verbs';
import { localDateOf } from '../../../domain/time';
import { PersonHouseholdCard } from './person-household';
import { linkCodePage } from './link-code-page';

const FLASHES: Record<string, string> = { created: 'person.created', saved: 'person.saved' };

/** Health centres a person can be moved or shared to: every active one, grouped by prefecture, the actor's own prefecture first. */
async function transferCentres(deps: Deps, c: AdminContext): Promise<CentreOption[]> {
  const lang = c.get('lang');
  const all = await runVerb(deps, c, (ctx) => listJurisdictions({ ctx, input: {} }));
  const prefectures = new Map(all.filter((j) => j.kind === 'prefecture').map((j) => [j.code, lang === 'ja' ? j.nameJa : j.nameEn]));
  const path = c.get('actor').jurisdictionPath ?? '';
  const own = all.find((j) => j.kind === 'prefecture' && path.includes(`/${j.code}/`))?.code;
  return all
    .filter((j) => j.kind === 'health_centre')
    .sort((a, b) => Number(b.parentCode === own) - Number(a.parentCode === own))
    .map((j) => ({ code: j.code, name: lang === 'ja' ? j.nameJa : j.nameEn, group: prefectures.get(j.parentCode ?? '') ?? (j.parentCode ?? '') }));
}

/** A person's page, its edit form and the actions posted from it. */
export function createPersonPageRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();

  const show = async (c: AdminContext, id: string, extra: { errors?: FieldError[]; flash?: string; status?: 200 | 403 | 409 | 422 } = {}) => {
    const lang = c.get('lang');
    const r = await runVerb(deps, c, (ctx) => getPerson({ ctx, input: { personId: id } }));
    const obs = await runVerb(deps, c, (ctx) => personObservations({ ctx, input: { personId: id } }));
    // Parts of the same record, read after getPerson checked the scope and audited the read.
    const [caseload, pauses, certs, household] = await runVerb(deps, c, async (ctx) => [await caseloadOf(ctx, r.person), await pausesOf(ctx, id), await certificatesOf(ctx, id), await getHousehold({ ctx, input: { personId: id } })] as const);
    const centres = await transferCentres(deps, c);
    const flashKey = Object.keys(FLASHES).find((k) => c.req.query(k) !== undefined);
    const sent = c.req.query('sent');
    const flash = extra.flash ?? (flashKey ? t(lang, FLASHES[flashKey]!) : sent && /^(line|sms|voice|web)$/.test(sent) ? t(lang, 'person.checkSent', { channel: t(lang, `channel.${sent}`) }) : undefined);
    const [tx, tv] = chartSeries(obs, 'temperature');
    const [sx, sv] = chartSeries(obs, 'spo2');
    const [px, pv] = chartSeries(obs, 'pulse');
    const unsent = unsentSessions(r);
    const csrf = c.get('csrfToken');
    const chart = (id: string, label: string, x: number[], y: number[], min: number, max: number) => (
      <div class="chart" id={id} data-label={label} data-x={JSON.stringify(x)} data-y={JSON.stringify(y)} data-min={String(min)} data-max={String(max)}>
        {x.length === 0 && <p class="muted">{label}: {t(lang, 'person.noData')}</p>}
      </div>
    );
    // The page, top to bottom: vital signs first, then the person and their contacts, then the
    // records. Each block is one entry; a new section is one more line in this list.
    const blocks = [
      <section class="block" id="vitals">
        <h2>{t(lang, 'person.vitals')}</h2>
        <div class="charts2">
          {chart('chart-temperature', lang === 'ja' ? '体温 (℃)' : 'Temperature (°C)', tx, tv, 35, 41)}
          {chart('chart-spo2', 'SpO2 (%)', sx, sv, 85, 100)}
          {px.length > 0 && chart('chart-pulse', lang === 'ja' ? '脈拍 (回/分)' : 'Pulse (/min)', px, pv, 40, 140)}
        </div>
        <h2>{t(lang, 'health.title')}</h2>
        <PersonHealthTable lang={lang} obs={obs} timeZone={r.centre.timeZone} unsent={unsent} />
        <p class="legend"><span class="sw red"></span>{t(lang, 'health.markRed')}<span class="sw amber"></span>{t(lang, 'health.markAmber')}</p>
      </section>,
      <div class="cards">
        <section class="card"><h2>{t(lang, 'person.details')}</h2><PersonFacts lang={lang} r={r} /></section>
        <section class="card">
          <h2>{t(lang, 'person.alerts')}</h2>
          <PersonAlerts lang={lang} r={r} />
          <h2>{t(lang, 'person.channels')}</h2>
          <table id="channels">
            <tbody>
              {r.channels.map((ch) => <tr><th>{t(lang, `channel.${ch.kind}`)}</th><td>{t(lang, `chstate.${ch.state}`)}</td><td>{ch.kind === 'line' ? '' : ch.kind === 'sms' || ch.kind === 'voice' ? displayPhone(ch.address) : ch.address}</td></tr>)}
            </tbody>
          </table>
          <h2>{t(lang, 'person.contactAttempts')}</h2>
          <ContactAttempts lang={lang} r={r} />
        </section>
      </div>,
      <div class="cards">
        <PersonCaseloadCard lang={lang} timeZone={r.centre.timeZone} cl={caseload} />
        <PersonPausesCard lang={lang} timeZone={r.centre.timeZone} pauses={pauses} />
        <PersonCertificatesCard lang={lang} personId={id} ended={r.person.status === 'monitoring_ended'} certificates={certs} />
        <PersonHouseholdCard lang={lang} csrf={csrf} personId={id} today={localDateOf(deps.now(), r.centre.timeZone)} household={household} />
      </div>,
      <div class="cards">
        <PersonTests lang={lang} r={r} />
        <PersonContacts lang={lang} r={r} />
      </div>,
      <PersonNotes lang={lang} r={r} />,
      <section class="block">
        <h2>{t(lang, 'person.timeline')}</h2>
        <PersonTimeline lang={lang} sessions={obs.sessions} timeZone={r.centre.timeZone} unsent={unsent} />
      </section>,
      <section class="block">
        <h2>{t(lang, 'person.history')}</h2>
        <ul class="timeline">
          {r.statusHistory.map((h) => <li>{fmtDateTime(h.changedAt, lang, r.centre.timeZone)} — {t(lang, `pstatus.${h.status}`)} {h.by && <span class="muted">{h.by}</span>} {h.note && <div>{h.note}</div>}</li>)}
        </ul>
      </section>,
    ];
    // The records kept on the person: read on the page, added or changed in a dialog opened from the bar.
    const monitored = MONITORED_STATUSES.includes(r.person.status);
    const ended = r.person.status === 'monitoring_ended';
    const records: [RecordOpener, Child][] = [
      [{ dialog: 'dlg-note', label: t(lang, 'person.addNote') }, <NoteDialog lang={lang} csrf={csrf} personId={id} />],
      [{ dialog: 'dlg-calls', label: t(lang, 'calls.title') }, <CallsDialog lang={lang} csrf={csrf} personId={id} cl={caseload} />],
      [{ dialog: 'dlg-tests', label: t(lang, 'person.tests') }, <TestsDialog lang={lang} csrf={csrf} r={r} />],
      [{ dialog: 'dlg-contacts', label: t(lang, 'person.contacts') }, <ContactsDialog lang={lang} csrf={csrf} r={r} />],
      ...(pauseDialogUseful(monitored, pauses) ? [[{ dialog: 'dlg-pause', label: t(lang, 'pause.title') }, <PauseDialog lang={lang} csrf={csrf} personId={id} monitored={monitored} pauses={pauses} />] as [RecordOpener, Child]] : []),
      ...(ended || certs.length > 0 ? [[{ dialog: 'dlg-certificates', label: t(lang, 'cert.title') }, <CertificatesDialog lang={lang} csrf={csrf} personId={id} ended={ended} certificates={certs} />] as [RecordOpener, Child]] : []),
    ];
    return page(
      c,
      <Layout title={r.person.name} actor={c.get('actor')} lang={lang} csrf={csrf} active="persons" userName={c.get('displayName')} scripts={['uPlot.iife.min.js', 'person-charts.js']} styles={['uPlot.min.css', 'clinical.css']}>
        {flash && <p class="flash" role="status">{flash}</p>}
        <ErrorSummary lang={lang} errors={extra.errors ?? []} />
        <p class="person-summary" id="person-summary">
          <span class="badge">{t(lang, `pstatus.${r.person.status}`)}</span>{' '}
          <span>{r.person.caseNumber}</span>{' '}
          {r.person.age !== null && <span>{t(lang, 'alert.age', { n: r.person.age })}</span>}{' '}
          <RiskFactors lang={lang} p={r.person} />{' '}
          {r.person.phone && <a href={`tel:${r.person.phone}`}>{displayPhone(r.person.phone)}</a>}
        </p>
        <PersonActions lang={lang} csrf={csrf} r={r} centres={centres} tryAsPatient={tryAsPatientAvailable(deps.env)} records={records.map(([o]) => o)} />
        {records.map(([, dialog]) => dialog)}
        {blocks}
      </Layout>,
      extra.status ?? 200,
    );
  };

  app.get('/persons/:id', (c) => show(c, idParam(c, 'id', 'person')));

  const editForm = async (c: AdminContext, id: string, values: Record<string, unknown> | null, errors: FieldError[], status: 200 | 409 | 422 = 200) => {
    const lang = c.get('lang');
    const stored = values ? null : (await runVerb(deps, c, (ctx) => getPerson({ ctx, input: { personId: id } }))).person;
    // The stored number in the form staff type it (090-1234-5678), not E.164.
    const v = values ?? { ...stored, phone: stored?.phone ? displayPhone(stored.phone) : stored?.phone };
    return page(
      c,
      <Layout title={t(lang, 'persons.edit')} actor={c.get('actor')} lang={lang} csrf={c.get('csrfToken')} active="persons" userName={c.get('displayName')}>
        <p><a href={`/admin/persons/${id}`}>{t(lang, 'common.back')}</a></p>
        <ErrorSummary lang={lang} errors={errors} />
        <PersonForm lang={lang} csrf={c.get('csrfToken')} action={`/admin/persons/${id}/edit`} values={v as Record<string, unknown>} errors={errors} centres={[]} flows={await flowsForActor(deps, c)} forEdit />
      </Layout>,
      status,
    );
  };
  app.get('/persons/:id/edit', (c) => editForm(c, idParam(c, 'id', 'person'), null, []));
  app.post('/persons/:id/edit', async (c) => {
    const id = idParam(c, 'id', 'person');
    const fields = personInputFromForm(await c.req.parseBody({ all: true }), { forEdit: true });
    try {
      await runVerb(deps, c, (ctx) => updatePerson({ ctx, input: { personId: id, fields } }));
    } catch (err) {
      if (err instanceof ValidationError) return editForm(c, id, fields, err.fields, 422);
      if (err instanceof ConflictError) return editForm(c, id, fields, [{ field: 'caseNumber', message: err.message, messageJa: 'この保健所に同じ患者IDの対象者がいます' }], 409);
      throw err;
    }
    return c.redirect(`/admin/persons/${id}?saved=1`, 303);
  });

  /** A posted action: on success back to the page (or `to`), on a clear refusal the page with the message. */
  const action = (name: string, run: (c: AdminContext, id: string, b: Record<string, string>) => Promise<string | void>) =>
    app.post(`/persons/:id/${name}`, async (c) => {
      const id = idParam(c, 'id', 'person');
      const raw = await c.req.parseBody();
      const b = Object.fromEntries(Object.entries(raw).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
      try {
        const to = await run(c, id, b);
        return c.redirect(to ?? `/admin/persons/${id}?saved=1`, 303);
      } catch (err) {
        if (err instanceof ValidationError) return show(c, id, { errors: err.fields, status: 422 });
        if (err instanceof ConflictError || err instanceof ForbiddenError) return show(c, id, { errors: [{ field: name, message: err.message, messageJa: err.messageJa }], status: err.status as 403 | 409 });
        throw err;
      }
    });
  action('status', (c, id, b) => runVerb(deps, c, (ctx) => changePersonStatus({ ctx, input: { personId: id, status: b.status, note: b.note || undefined } })).then(() => undefined));
  action('extend', (c, id, b) => runVerb(deps, c, (ctx) => extendMonitoring({ ctx, input: { personId: id, plannedEnd: b.plannedEnd } })).then(() => undefined));
  action('end', (c, id, b) => runVerb(deps, c, (ctx) => endMonitoring({ ctx, input: { personId: id, reason: b.reason || undefined } })).then(() => undefined));
  action('transfer', (c, id, b) => runVerb(deps, c, (ctx) => transferPerson({ ctx, input: { personId: id, centreCode: b.centreCode ?? '' } })).then(() => '/admin/persons?saved=1'));
  action('share', (c, id, b) => runVerb(deps, c, (ctx) => sharePerson({ ctx, input: { personId: id, centreCode: b.centreCode ?? '', share: true } })).then(() => undefined));
  action('unshare', (c, id, b) => runVerb(deps, c, (ctx) => sharePerson({ ctx, input: { personId: id, centreCode: b.centreCode ?? '', share: false } })).then(() => undefined));
  action('tests', (c, id, b) => runVerb(deps, c, (ctx) => addTestRecord({ ctx, input: { personId: id, specimenDate: b.specimenDate, method: b.method, result: b.result, resultDate: b.resultDate } })).then(() => undefined));
  action('tests/:testId', (c, id, b) =>
    runVerb(deps, c, (ctx) => updateTestRecord({ ctx, input: { personId: id, testId: idParam(c, 'testId', 'test_record'), fields: { result: b.result, resultDate: b.resultDate } } })).then(() => undefined),
  );
  action('contacts', (c, id, b) => runVerb(deps, c, (ctx) => addContact({ ctx, input: { personId: id, contactCaseNumber: b.contactCaseNumber, setting: b.setting, lastContactDate: b.lastContactDate } })).then(() => undefined));
  action('contacts/:contactId/remove', (c, id) => runVerb(deps, c, (ctx) => removeContact({ ctx, input: { personId: id, contactId: idParam(c, 'contactId', 'person_contact') } })));
  action('notes', (c, id, b) => runVerb(deps, c, (ctx) => addPersonNote({ ctx, input: { personId: id, note: b.note ?? '' } })).then(() => `/admin/persons/${id}#notes`));
  action('send-check', async (c, id) => {
    const r = await sendCheckAndDispatch(deps, c, id);
    return `/admin/persons/${id}?sent=${r.channel}`;
  });

  // The link code is shown once, on the page that answers the POST (never in a URL).
  app.post('/persons/:id/link-code', async (c) => {
    const id = idParam(c, 'id', 'person');
    return linkCodePage(c, await issueLinkCodeWithQr(deps, c, id), { back: `/admin/persons/${id}`, active: 'persons' });
  });
  return app;
}
