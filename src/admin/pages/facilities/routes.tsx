import { Hono } from 'hono';
import { FACILITY_KINDS } from '../../../../db/schema';
import type { Deps } from '../../../deps';
import type { FieldError } from '../../../domain/errors';
import { facilityCandidates, getFacility, listFacilities, setFacilityActive, updateFacility, type FacilityDetail, type RoundState } from '../../../domain/facilities/facility-console';
import { listFacilityAccounts } from '../../../domain/facilities/facility-accounts';
import { facilityRoundKeys, issueFacilityRoundLink } from '../../../domain/facilities/facility-round';
import { resendFacilityRoundLink } from '../../../domain/facilities/facility-round-link';
import { addFacilityResident, createFacility, removeFacilityResident } from '../../../domain/facilities/facility-verbs';
import { listJurisdictions } from '../../../domain/jurisdictions/list-jurisdictions';
import { facilityRoundLinkJob } from '../../../jobs/facility-round-link';
import { issueFacilityContactLinkCode } from '../../../domain/facilities/facility-contact-line';
import { withQr } from '../persons/actions';
import { linkCodePage } from '../persons/link-code-page';
import { idParam, runVerb } from '../../auth/run-verb';
import type { AdminContext, AdminEnv } from '../../auth/types';
import { fmtDateTime, fmtShort } from '../../ui/format';
import { contactErrorLabel, t, type Lang } from '../../ui/i18n';
import { ErrorSummary, Layout } from '../../ui/layout';
import { page } from '../../ui/render';
import { formOf, runAction } from '../lifecycle/refusal-page';
import { createFacilityAccountRoutes, FacilityAccountsSection, type InvitedAccount } from './account-routes';
import { Field, formBody, formErrors, one, type FormBody } from '../registers/form-bits';

type Values = Record<string, string>;
const CONTACT_ROWS_NEW = 3;

/** Round times as typed (「09:00 15:00」「9:00、15:00」, full-width digits too) → HH:MM list. */
function parseRoundTimes(raw: string): string[] {
  return raw
    .normalize('NFKC')
    .split(/[\s,、;]+/)
    .filter(Boolean)
    .map((x) => (/^\d:\d\d$/.test(x) ? `0${x}` : x));
}

/** The facility form's fields as the verbs take them; contact rows left empty are dropped. */
function facilityInput(b: FormBody) {
  const contacts: Record<string, string>[] = [];
  for (let i = 0; i < 10; i++) {
    const row = { id: one(b, `contact.${i}.id`), name: one(b, `contact.${i}.name`), phone: one(b, `contact.${i}.phone`), email: one(b, `contact.${i}.email`), lineUserId: one(b, `contact.${i}.lineUserId`) };
    if (row.name || row.phone || row.email || row.lineUserId) contacts.push(row);
  }
  return {
    kind: one(b, 'kind'),
    name: one(b, 'name'),
    phone: one(b, 'phone') || undefined,
    roundTimes: parseRoundTimes(one(b, 'roundTimes')),
    contacts,
  };
}

/** The typed values again (nothing lost on a refused form). */
function valuesOf(b: FormBody): Values {
  return Object.fromEntries(Object.entries(b).filter(([, v]) => typeof v === 'string')) as Values;
}

function RoundStateText(props: { lang: Lang; r: RoundState; withRound?: boolean }) {
  const { lang, r } = props;
  const cls = r.state === 'missed' ? 'badge warn' : r.state === 'submitted' ? 'badge ok' : 'badge';
  const text = t(lang, `facilities.state.${r.state}`, { n: r.entered, m: r.residents });
  return <span class={cls} data-round-state={r.state}>{props.withRound === false ? text : `${r.round} ${text}`}</span>;
}

function FacilityForm(props: { lang: Lang; csrf: string; action: string; values: Values; errors: FieldError[]; centres?: { code: string; nameJa: string }[]; submit: string; contactRows: number }) {
  const { lang, errors, values: v } = props;
  return (
    <form method="post" action={props.action} class="facility-form" novalidate>
      <input type="hidden" name="_csrf" value={props.csrf} />
      <fieldset class="grid2">
        <label>
          {t(lang, 'field.facilityKind')} ＊
          <select name="kind" id="kind">{FACILITY_KINDS.map((k) => <option value={k} selected={v.kind === k}>{t(lang, `facilities.kind.${k}`)}</option>)}</select>
        </label>
        <Field lang={lang} errors={errors} name="name" value={v.name ?? ''} label={t(lang, 'field.facilityName')} required attrs={{ maxlength: 100 }} />
        <Field lang={lang} errors={errors} name="phone" value={v.phone ?? ''} label={t(lang, 'field.facilityPhone')} type="tel" />
        <Field lang={lang} errors={errors} name="roundTimes" value={v.roundTimes ?? '09:00'} label={t(lang, 'facilities.roundTimesHint')} required />
        {props.centres && props.centres.length > 0 && (
          <label>
            {t(lang, 'facilities.centre')} ＊
            <select name="responsibleCentreCode" id="responsibleCentreCode">{props.centres.map((c) => <option value={c.code} selected={v.responsibleCentreCode === c.code}>{`${c.code} ${c.nameJa}`}</option>)}</select>
          </label>
        )}
      </fieldset>
      <fieldset>
        <legend>{t(lang, 'facilities.contacts')}</legend>
        <p class="muted">{t(lang, 'facilities.contactsHint')}</p>
        <table class="dense contacts">
          <thead><tr><th>{t(lang, 'field.contactName')}</th><th>{t(lang, 'field.contactPhone')}</th><th>{t(lang, 'field.contactEmail')}</th><th>{t(lang, 'field.contactLine')}</th></tr></thead>
          <tbody>
            {Array.from({ length: props.contactRows }, (_, i) => (
              <tr>
                <td>
                  <input type="hidden" name={`contact.${i}.id`} value={v[`contact.${i}.id`] ?? ''} />
                  <input type="text" name={`contact.${i}.name`} value={v[`contact.${i}.name`] ?? ''} maxlength={60} aria-label={`${t(lang, 'field.contactName')} ${i + 1}`} aria-invalid={errors.some((e) => e.field.startsWith(`contacts.`) && e.field.endsWith('.name')) ? 'true' : undefined} />
                </td>
                <td><input type="tel" name={`contact.${i}.phone`} value={v[`contact.${i}.phone`] ?? ''} aria-label={`${t(lang, 'field.contactPhone')} ${i + 1}`} /></td>
                <td><input type="email" name={`contact.${i}.email`} value={v[`contact.${i}.email`] ?? ''} aria-label={`${t(lang, 'field.contactEmail')} ${i + 1}`} /></td>
                <td><input type="text" name={`contact.${i}.lineUserId`} value={v[`contact.${i}.lineUserId`] ?? ''} placeholder="U…" aria-label={`${t(lang, 'field.contactLine')} ${i + 1}`} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>
      <button type="submit">{props.submit}</button>
    </form>
  );
}

/** The form's values of a stored facility (for the edit form). */
function storedValues(d: FacilityDetail): Values {
  const v: Values = { kind: d.facility.kind, name: d.facility.name, phone: d.facility.phone ?? '', roundTimes: d.facility.roundTimes.join(' ') };
  d.contacts.forEach((c, i) => {
    v[`contact.${i}.id`] = c.id;
    v[`contact.${i}.name`] = c.name;
    v[`contact.${i}.phone`] = c.phone ?? '';
    v[`contact.${i}.email`] = c.email ?? '';
    v[`contact.${i}.lineUserId`] = c.lineUserId ?? '';
  });
  return v;
}

const FLASH: Record<string, string> = { created: 'facilities.created', saved: 'facilities.updated', resent: 'facilities.resent' };

/** /admin/facilities: 施設（一括報告） — the list with today's rounds, register, and one facility's page. */
export function createFacilityPages(deps: Deps) {
  const app = new Hono<AdminEnv>();

  const centresFor = async (c: AdminContext) => {
    const rows = await runVerb(deps, c, (ctx) => listJurisdictions({ ctx, input: { kind: 'health_centre' } }));
    const actor = c.get('actor');
    return actor.role === 'nurse' ? [] : rows.filter((j) => actor.role === 'national_officer' || j.manageable).map((j) => ({ code: j.code, nameJa: j.nameJa }));
  };

  const listPage = async (c: AdminContext, extra: { values?: Values; errors?: FieldError[] } = {}) => {
    const lang = c.get('lang');
    const csrf = c.get('csrfToken');
    const all = c.req.query('all') === '1';
    const [list, centres] = await Promise.all([runVerb(deps, c, (ctx) => listFacilities({ ctx, input: { includeInactive: all } })), centresFor(c)]);
    const flash = FLASH[c.req.query('flash') ?? ''];
    return page(
      c,
      <Layout title={t(lang, 'facilities.title')} actor={c.get('actor')} lang={lang} csrf={csrf} active="facilities" userName={c.get('displayName')}>
        {flash && <p class="flash" role="status">{t(lang, flash)}</p>}
        <p class="muted">{all ? <a href="/admin/facilities">{t(lang, 'facilities.title')}</a> : <a href="/admin/facilities?all=1">{t(lang, 'facilities.showInactive')}</a>}</p>
        <table id="facilities" class="dense">
          <thead><tr><th>{t(lang, 'field.facilityName')}</th><th>{t(lang, 'field.facilityKind')}</th><th>{t(lang, 'facilities.centre')}</th><th class="num">{t(lang, 'facilities.residents')}</th><th>{t(lang, 'facilities.roundTimes')}</th><th>{t(lang, 'facilities.today')}</th></tr></thead>
          <tbody>
            {list.length === 0 && <tr><td colspan={6} class="muted">{t(lang, 'facilities.empty')}</td></tr>}
            {list.map((f) => (
              <tr data-facility={f.id} class={f.active ? '' : 'muted'}>
                <td><a href={`/admin/facilities/${f.id}`}>{f.name}</a>{!f.active && ` (${t(lang, 'facilities.inactive')})`}</td>
                <td>{t(lang, `facilities.kind.${f.kind}`)}</td>
                <td>{f.centreName}</td>
                <td class="num" data-residents>{t(lang, 'facilities.residentsCount', { n: f.residents })}</td>
                <td>{f.roundTimes.join(' ')}</td>
                <td data-today>{f.today.length ? f.today.map((r) => <><RoundStateText lang={lang} r={r} />{' '}</>) : <span class="muted">{t(lang, 'facilities.noRoundYet')}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <section id="new-facility">
          <h2>{t(lang, 'facilities.new')}</h2>
          <ErrorSummary lang={lang} errors={extra.errors ?? []} />
          <FacilityForm lang={lang} csrf={csrf} action="/admin/facilities" values={extra.values ?? {}} errors={extra.errors ?? []} centres={centres} submit={t(lang, 'facilities.new')} contactRows={CONTACT_ROWS_NEW} />
        </section>
      </Layout>,
      extra.errors?.length ? 422 : 200,
    );
  };

  const facilityPage = async (c: AdminContext, id: string, extra: { values?: Values; errors?: FieldError[]; link?: { url: string; round: string; until: Date }; invited?: InvitedAccount } = {}) => {
    const lang = c.get('lang');
    const csrf = c.get('csrfToken');
    const d = await runVerb(deps, c, (ctx) => getFacility({ ctx, input: { facilityId: id } }));
    const candidates = d.facility.active ? await runVerb(deps, c, (ctx) => facilityCandidates({ ctx, input: { facilityId: id } })) : [];
    const accounts = await runVerb(deps, c, (ctx) => listFacilityAccounts({ ctx, input: { facilityId: id } }));
    const f = d.facility;
    const tz = f.timeZone;
    const flash = FLASH[c.req.query('flash') ?? ''];
    const action = `/admin/facilities/${f.id}`;
    const hidden = <input type="hidden" name="_csrf" value={csrf} />;
    return page(
      c,
      <Layout title={`${t(lang, 'facilities.title')}: ${f.name}`} actor={c.get('actor')} lang={lang} csrf={csrf} active="facilities" userName={c.get('displayName')}>
        {flash && <p class="flash" role="status">{t(lang, flash)}</p>}
        <ErrorSummary lang={lang} errors={extra.errors ?? []} />
        <p class="muted" id="facility-summary">
          {`${t(lang, `facilities.kind.${f.kind}`)} · ${f.centreName} · ${t(lang, 'facilities.roundTimes')} ${f.roundTimes.join(' ')}${f.phone ? ` · ☎ ${f.phone}` : ''} · ${t(lang, f.active ? 'facilities.active' : 'facilities.inactive')}`}
        </p>

        <section id="facility-rounds">
          <h2>{t(lang, 'facilities.rounds')}</h2>
          <table class="dense">
            <thead><tr><th>{t(lang, 'facilities.date')}</th><th>{t(lang, 'facilities.round')}</th><th>{t(lang, 'facilities.state')}</th><th>{t(lang, 'facilities.entered')}</th><th>{t(lang, 'facilities.missing')}</th><th>{t(lang, 'facilities.alerts')}</th></tr></thead>
            <tbody>
              {d.rounds.length === 0 && <tr><td colspan={6} class="muted">{t(lang, 'facilities.noRounds')}</td></tr>}
              {d.rounds.map((r) => (
                <tr data-round={r.roundId}>
                  <td>{r.localDate}</td>
                  <td>{r.round}</td>
                  <td><RoundStateText lang={lang} r={r} withRound={false} />{r.submittedAt && <span class="muted">{` ${fmtShort(r.submittedAt, tz)}`}</span>}</td>
                  <td>{r.enteredNames.join('、')}</td>
                  <td>{r.missingNames.join('、')}</td>
                  <td>{r.alerts.map((a) => <><a href={`/admin/alerts/${a.id}`} class={`badge sev-${a.severity}`}>{`${a.personName} ${t(lang, `severity.${a.severity}`)}`}</a>{' '}</>)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section id="facility-link">
          <h2>{t(lang, 'facilities.link')}</h2>
          <p class="muted">{t(lang, 'facilities.linkHelp')}</p>
          {extra.link && <p class="flash" role="status" id="round-link">{`${t(lang, 'facilities.linkShown', { round: extra.link.round, until: fmtShort(extra.link.until, tz) })} `}<code>{extra.link.url}</code></p>}
          {f.active && (
            <div class="actions">
              <form method="post" action={`${action}/link`} class="inline">{hidden}<button type="submit">{t(lang, 'facilities.showLink')}</button></form>{' '}
              <form method="post" action={`${action}/resend`} class="inline">{hidden}<button type="submit">{t(lang, 'facilities.resend')}</button></form>
            </div>
          )}
          <h3>{t(lang, 'facilities.contactLine')}</h3>
          <p class="muted">{t(lang, 'facilities.contactLineHelp')}</p>
          <ul id="contact-line">
            {d.contacts.map((k) => (
              <li data-contact={k.id}>
                {`${k.name} — ${t(lang, k.lineUserId ? 'facilities.lineLinked' : 'facilities.lineNotLinked')} `}
                <form method="post" action={`${action}/contacts/${k.id}/link-code`} class="inline">{hidden}<button type="submit" class="secondary">{t(lang, 'person.linkCode')}</button></form>
              </li>
            ))}
          </ul>
          <h3>{t(lang, 'facilities.contactLog')}</h3>
          <table class="dense" id="contact-log">
            <thead><tr><th>{t(lang, 'facilities.sentAt')}</th><th>{t(lang, 'facilities.round')}</th><th>{t(lang, 'facilities.contact')}</th><th>{t(lang, 'facilities.via')}</th><th>{t(lang, 'facilities.state')}</th></tr></thead>
            <tbody>
              {d.contactLog.length === 0 && <tr><td colspan={5} class="muted">{t(lang, 'facilities.noContactLog')}</td></tr>}
              {d.contactLog.map((l) => (
                <tr data-status={l.status}>
                  <td>{fmtShort(l.at, tz)}</td>
                  <td>{l.localDate ? `${l.localDate.slice(5)} ${l.round}` : ''}{l.resend ? t(lang, 'facilities.resendMark') : ''}</td>
                  <td>{l.contactName}</td>
                  <td>{t(lang, `facilities.via.${l.channel}`)}</td>
                  <td>{t(lang, `facilities.status.${l.status}`)}{l.errorCode && <span class="muted" data-error-code={l.errorCode}>（{contactErrorLabel(lang, l.errorCode)}）</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section id="facility-residents">
          <h2>{`${t(lang, 'facilities.residents')} (${d.residents.length})`}</h2>
          <p class="muted">{t(lang, 'facilities.residentNote')}</p>
          <table class="dense">
            <thead><tr><th>{t(lang, 'facilities.room')}</th><th>{t(lang, 'field.caseNumber')}</th><th>{t(lang, 'field.name')}</th><th>{t(lang, 'facilities.state')}</th><th></th></tr></thead>
            <tbody>
              {d.residents.length === 0 && <tr><td colspan={5} class="muted">{t(lang, 'facilities.noResidents')}</td></tr>}
              {d.residents.map((r) => (
                <tr data-resident={r.personId}>
                  <td>{r.room ?? ''}</td>
                  <td>{r.caseNumber ?? ''}</td>
                  <td><a href={`/admin/persons/${r.personId}`}>{r.name}</a></td>
                  <td>{t(lang, `pstatus.${r.status}`)}</td>
                  <td>
                    <form method="post" action={`${action}/residents/remove`} class="inline">{hidden}<input type="hidden" name="personId" value={r.personId} /><button type="submit" class="secondary">{t(lang, 'facilities.remove')}</button></form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {f.active && (
            <form method="post" action={`${action}/residents`} class="inline-form" id="add-resident">
              {hidden}
              <fieldset>
                <legend>{t(lang, 'facilities.addResident')}</legend>
                <label>
                  {t(lang, 'facilities.choosePerson')}
                  <select name="personId" id="personId">
                    <option value="">—</option>
                    {candidates.map((p) => <option value={p.personId}>{`${p.caseNumber ?? ''} ${p.name}`}</option>)}
                  </select>
                </label>
                <label>{t(lang, 'facilities.orCaseNumber')}<input type="text" name="caseNumber" id="caseNumber" maxlength={60} /></label>
                <label>{t(lang, 'facilities.room')}<input type="text" name="room" id="room" maxlength={20} size={6} /></label>
                <button type="submit">{t(lang, 'facilities.add')}</button>
              </fieldset>
            </form>
          )}
        </section>

        <FacilityAccountsSection lang={lang} csrf={csrf} facilityId={f.id} active={f.active} tz={tz} accounts={accounts} invited={extra.invited} />

        <section id="facility-edit">
          <h2>{t(lang, 'facilities.edit')}</h2>
          <FacilityForm lang={lang} csrf={csrf} action={action} values={extra.values ?? storedValues(d)} errors={extra.errors ?? []} submit={t(lang, 'common.save')} contactRows={Math.min(10, d.contacts.length + 2)} />
          <form method="post" action={`${action}/active`} class="inline">
            {hidden}
            <input type="hidden" name="active" value={f.active ? 'false' : 'true'} />
            <button type="submit" class={f.active ? 'danger' : ''}>{t(lang, f.active ? 'facilities.deactivate' : 'facilities.reactivate')}</button>
            <span class="muted">{` ${t(lang, 'facilities.deactivateHint')}`}</span>
          </form>
        </section>
      </Layout>,
      extra.errors?.length ? 422 : 200,
    );
  };

  app.route('/', createFacilityAccountRoutes(deps, (c, id, invited) => facilityPage(c, id, { invited })));
  app.get('/facilities', (c) => listPage(c));
  app.post('/facilities', async (c) => {
    const b = await formBody(c);
    const centre = one(b, 'responsibleCentreCode');
    try {
      const { id } = await runVerb(deps, c, (ctx) => createFacility({ ctx, input: { ...facilityInput(b), ...(centre ? { responsibleCentreCode: centre } : {}) } }));
      return c.redirect(`/admin/facilities/${id}?flash=created`, 303);
    } catch (err) {
      return listPage(c, { values: valuesOf(b), errors: formErrors(err) });
    }
  });
  app.get('/facilities/:id', (c) => facilityPage(c, idParam(c, 'id', 'facility')));
  app.post('/facilities/:id', async (c) => {
    const id = idParam(c, 'id', 'facility');
    const b = await formBody(c);
    try {
      await runVerb(deps, c, (ctx) => updateFacility({ ctx, input: { facilityId: id, facility: facilityInput(b) } }));
      return c.redirect(`/admin/facilities/${id}?flash=saved#facility-edit`, 303);
    } catch (err) {
      return facilityPage(c, id, { values: valuesOf(b), errors: formErrors(err) });
    }
  });
  app.post('/facilities/:id/residents', async (c) => {
    const id = idParam(c, 'id', 'facility');
    const b = await formOf(c);
    const back = `/admin/facilities/${id}#facility-residents`;
    return runAction(c, back, undefined, async () => {
      await runVerb(deps, c, (ctx) => addFacilityResident({ ctx, input: { facilityId: id, personId: b.personId || undefined, caseNumber: b.caseNumber, room: b.room } }));
      return back;
    });
  });
  app.post('/facilities/:id/residents/remove', async (c) => {
    const id = idParam(c, 'id', 'facility');
    const b = await formOf(c);
    const back = `/admin/facilities/${id}#facility-residents`;
    return runAction(c, back, undefined, async () => {
      await runVerb(deps, c, (ctx) => removeFacilityResident({ ctx, input: { facilityId: id, personId: b.personId ?? '' } }));
      return back;
    });
  });
  app.post('/facilities/:id/active', async (c) => {
    const id = idParam(c, 'id', 'facility');
    const b = await formOf(c);
    const back = `/admin/facilities/${id}`;
    return runAction(c, back, undefined, async () => {
      await runVerb(deps, c, (ctx) => setFacilityActive({ ctx, input: { facilityId: id, active: b.active === 'true' } }));
      return back;
    });
  });
  app.post('/facilities/:id/link', async (c) => {
    const id = idParam(c, 'id', 'facility');
    const back = `/admin/facilities/${id}#facility-link`;
    try {
      const link = await runVerb(deps, c, (ctx) => issueFacilityRoundLink({ ctx, input: { facilityId: id }, keys: facilityRoundKeys(deps.env) }));
      return facilityPage(c, id, { link: { url: link.url, round: link.round, until: link.expiresAt } });
    } catch (err) {
      return runAction(c, back, undefined, () => Promise.reject(err));
    }
  });
  // A contact's LINE link code, shown once on the page that answers the POST (never in a URL).
  app.post('/facilities/:id/contacts/:cid/link-code', async (c) => {
    const id = idParam(c, 'id', 'facility');
    const cid = idParam(c, 'cid', 'facility_contact');
    const back = `/admin/facilities/${id}#facility-link`;
    try {
      const issued = await runVerb(deps, c, (ctx) => issueFacilityContactLinkCode({ ctx, input: { facilityId: id, contactId: cid }, env: deps.env }));
      const lang = c.get('lang');
      return linkCodePage(c, await withQr(deps, issued), { back, active: 'facilities', forWhom: issued.contactName, help: t(lang, 'facilities.contactLinkHelp', { until: fmtDateTime(issued.expiresAt, lang) }) });
    } catch (err) {
      return runAction(c, back, undefined, () => Promise.reject(err));
    }
  });
  app.post('/facilities/:id/resend', async (c) => {
    const id = idParam(c, 'id', 'facility');
    const back = `/admin/facilities/${id}#facility-link`;
    return runAction(c, back, undefined, async () => {
      const { roundId, sendKey } = await runVerb(deps, c, (ctx) => resendFacilityRoundLink({ ctx, input: { facilityId: id }, env: deps.env }));
      await deps.jobs.trigger(facilityRoundLinkJob, { roundId, sendKey }, { jobId: `facility-link:${roundId}:${sendKey}` });
      return `/admin/facilities/${id}?flash=resent#facility-link`;
    });
  });
  return app;
}
