import { Hono } from 'hono';
import type { Deps } from '../../../deps';
import { centresInScope } from '../../../domain/jurisdictions/centres-in-scope';
import { ConflictError, ForbiddenError, ValidationError, type FieldError } from '../../../domain/errors';
import { listFlows } from '../../../domain/flows/flow-queries';
import { listPersons, PERSON_LISTS } from '../../../domain/persons/list-persons';
import { registerPerson } from '../../../domain/persons/register-person';
import { joinReportersHousehold } from '../../../domain/households/household-verbs';
import { runVerb } from '../../auth/run-verb';
import type { AdminContext, AdminEnv } from '../../auth/types';
import { t } from '../../ui/i18n';
import { ownerName } from '../flows/new-flow-form';
import { ErrorSummary, Layout } from '../../ui/layout';
import { page } from '../../ui/render';
import { PersonForm, personInputFromForm } from './person-form';
import { PersonName } from './person-name';

/** Health centres the actor may register persons at (their own, or those under their prefecture). */
export async function centresForActor(deps: Deps, c: AdminContext) {
  const rows = await runVerb(deps, c, (ctx) => centresInScope({ ctx, input: null }));
  return rows.map((r) => ({ code: r.code, name: c.get('lang') === 'ja' ? r.nameJa : r.nameEn }));
}

/**
 * Flows a person may be put on, as the actor sees them: those with a published version
 * (a check starts on it). Whether the person's centre may use one is the verb's to say.
 */
export async function flowsForActor(deps: Deps, c: AdminContext) {
  const lang = c.get('lang');
  const flows = await listFlows(deps.db, c.get('actor'));
  return flows.filter((f) => f.current !== null).map((f) => ({ key: f.key, name: `${lang === 'ja' ? f.nameJa : f.nameEn} — ${ownerName(lang, f.owner)}` }));
}

/** /admin/persons: the line lists with search, and registration. */
export function createPersonListRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();

  app.get('/persons', async (c) => {
    const lang = c.get('lang');
    const query = c.req.query();
    const list = (PERSON_LISTS as readonly string[]).includes(query.list ?? '') ? query.list! : 'attention';
    const q = (query.q ?? '').slice(0, 100);
    const offset = Math.max(0, Number(query.offset) || 0);
    const result = await runVerb(deps, c, (ctx) => listPersons({ ctx, input: { list, q: q || undefined, offset } }));
    const link = (l: string, off = 0) => `/admin/persons?${new URLSearchParams({ list: l, ...(q ? { q } : {}), ...(off ? { offset: String(off) } : {}) })}`;
    return page(
      c,
      <Layout title={t(lang, 'persons.title')} actor={c.get('actor')} lang={lang} csrf={c.get('csrfToken')} active="persons" userName={c.get('displayName')}>
        <p><a class="button" href="/admin/persons/new">{t(lang, 'persons.new')}</a></p>
        <nav class="tabs" aria-label="line lists">
          {PERSON_LISTS.map((l) => <a href={link(l)} aria-current={l === list ? 'page' : undefined}>{t(lang, `list.${l}`)}</a>)}
        </nav>
        <form method="get" action="/admin/persons" class="filters" role="search">
          <input type="hidden" name="list" value={list} />
          <label>{t(lang, result.identifiers ? 'persons.searchLabel' : 'persons.searchLabelCase')}<input type="search" name="q" value={q} /></label>
          <button type="submit">{t(lang, 'common.search')}</button>
        </form>
        <p class="muted">{t(lang, result.totalCapped ? 'persons.totalAtLeast' : 'persons.total', { n: result.total.toLocaleString('ja-JP') })}</p>
        <table id="persons">
          <thead>
            <tr><th>{t(lang, 'field.name')}</th><th>{t(lang, 'field.caseNumber')}</th><th>{t(lang, 'field.classification')}</th><th>{t(lang, 'field.status')}</th><th>{t(lang, 'person.alerts')}</th><th>{t(lang, 'field.monitoringPlannedEnd')}</th><th>{t(lang, 'col.centre')}</th></tr>
          </thead>
          <tbody>
            {result.persons.length === 0 && <tr><td colspan={7} class="muted">{t(lang, 'persons.empty')}</td></tr>}
            {result.persons.map((p) => (
              <tr>
                <td><PersonName lang={lang} id={p.id} name={p.name} nameKana={p.nameKana} caseNumber={p.caseNumber} /></td>
                <td>{p.caseNumber}</td>
                <td>{t(lang, `class.${p.classification}`)}</td>
                <td>{t(lang, `pstatus.${p.status}`)}{p.reportedToday && <span class="badge">✓</span>}</td>
                <td>{p.openAlerts > 0 ? <span class="badge sev-red">{p.openAlerts}</span> : ''}</td>
                <td>{p.monitoringPlannedEnd ?? '—'}</td>
                <td>{lang === 'ja' ? p.centreJa : p.centreEn}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="pager">
          {offset > 0 && <a href={link(list, Math.max(0, offset - result.limit))}>{t(lang, 'common.prev')}</a>}
          {(offset + result.limit < result.total || (result.totalCapped && result.persons.length === result.limit)) && <a href={link(list, offset + result.limit)}>{t(lang, 'common.next')}</a>}
        </div>
      </Layout>,
    );
  });

  const form = async (c: AdminContext, values: Record<string, unknown>, errors: FieldError[], status: 200 | 403 | 409 | 422 = 200) => {
    const lang = c.get('lang');
    const centres = await centresForActor(deps, c);
    const flows = await flowsForActor(deps, c);
    return page(
      c,
      <Layout title={t(lang, 'persons.new')} actor={c.get('actor')} lang={lang} csrf={c.get('csrfToken')} active="persons" userName={c.get('displayName')}>
        <ErrorSummary lang={lang} errors={errors} />
        <PersonForm lang={lang} csrf={c.get('csrfToken')} action="/admin/persons" values={values} errors={errors} centres={centres} flows={flows} forEdit={false} />
      </Layout>,
      status,
    );
  };

  app.get('/persons/new', (c) => {
    return form(c, { sex: 'unknown', classification: 'confirmed', preferredChannel: 'line', preferredLanguage: 'ja' }, []);
  });

  app.post('/persons', async (c) => {
    const body = await c.req.parseBody({ all: true });
    const input = personInputFromForm(body, { forEdit: false });
    try {
      // 世帯員として登録 (optional): registered and joined to the reporter's household in one transaction.
      const reporterCase = typeof body.householdReporterCase === 'string' ? body.householdReporterCase.trim() : '';
      const relation = typeof body.householdRelation === 'string' ? body.householdRelation.trim() : '';
      const { id } = await runVerb(deps, c, async (ctx) => {
        const created = await registerPerson({ ctx, input });
        if (reporterCase) await joinReportersHousehold({ ctx, input: { personId: created.id, reporterCaseNumber: reporterCase, relation } });
        return created;
      });
      return c.redirect(`/admin/persons/${id}?created=1`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return form(c, { ...input, householdReporterCase: body.householdReporterCase, householdRelation: body.householdRelation }, err.fields, 422);
      if (err instanceof ConflictError) return form(c, input, [{ field: 'caseNumber', message: err.message, messageJa: 'この保健所に同じ患者IDの対象者がいます' }], 409);
      if (err instanceof ForbiddenError) return form(c, input, [{ field: 'responsibleCentreCode', message: err.message, messageJa: 'この保健所には登録できません' }], 403);
      throw err;
    }
  });
  return app;
}
