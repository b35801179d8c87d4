import { Hono } from 'hono';
import type { Deps } from '../../../deps';
import type { FieldError } from '../../../domain/errors';
import { NotFoundError } from '../../../domain/errors';
import { createCentre } from '../../../domain/jurisdictions/create-centre';
import { listJurisdictions, type ListedJurisdiction } from '../../../domain/jurisdictions/list-jurisdictions';
import { moveCentrePersons } from '../../../domain/jurisdictions/move-centre-persons';
import { updateCentre } from '../../../domain/jurisdictions/update-centre';
import { runVerb } from '../../auth/run-verb';
import type { AdminContext, AdminEnv } from '../../auth/types';
import { t } from '../../ui/i18n';
import { ErrorSummary, Layout } from '../../ui/layout';
import { page } from '../../ui/render';
import { formBody, formErrors, one } from '../registers/form-bits';
import { CentreForm, centreFormFromBody, centreFormValues, centreInputFromForm, type CentreFormValues } from './centre-form';

const mayCreate = (c: AdminContext) => ['national_officer', 'prefecture_officer'].includes(c.get('actor').role);

/**
 * /admin/centres: health centres (保健所) — the list, a new centre (officers), a centre's
 * settings (also its own administrator), its standing, and moving all its persons.
 */
export function createCentrePages(deps: Deps) {
  const app = new Hono<AdminEnv>();
  const all = (c: AdminContext) => runVerb(deps, c, (ctx) => listJurisdictions({ ctx, input: { includeInactive: true } }));

  const listPage = async (c: AdminContext, extra: { values?: CentreFormValues; errors?: FieldError[] } = {}) => {
    const lang = c.get('lang');
    const csrf = c.get('csrfToken');
    const rows = await all(c);
    const actor = c.get('actor');
    const centres = rows.filter((j) => j.kind === 'health_centre' && (actor.role === 'national_officer' || j.detailsEditable || j.manageable));
    const prefectures = rows.filter((j) => j.kind === 'prefecture' && (actor.role === 'national_officer' || `/JP/${j.code}/` === actor.jurisdictionPath));
    return page(
      c,
      <Layout title={t(lang, 'centres.title')} actor={actor} lang={lang} csrf={csrf} active="centres" userName={c.get('displayName')}>
        <table id="centres">
          <thead><tr><th>{t(lang, 'field.code')}</th><th>{t(lang, 'field.nameJa')}</th><th>{t(lang, 'field.parentCode')}</th><th>{t(lang, 'field.phone')}</th><th>{t(lang, 'staff.state')}</th></tr></thead>
          <tbody>
            {centres.length === 0 && <tr><td colspan={5} class="muted">{t(lang, 'centres.empty')}</td></tr>}
            {centres.map((j) => (
              <tr data-centre={j.code}>
                <td><a href={`/admin/centres/${encodeURIComponent(j.code)}`}>{j.code}</a></td>
                <td>{lang === 'ja' ? j.nameJa : j.nameEn}</td>
                <td>{j.parentCode}</td>
                <td>{j.phone ?? ''}</td>
                <td>{t(lang, j.active ? 'centres.active' : 'centres.inactive')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {mayCreate(c) && prefectures.length > 0 && (
          <section id="new-centre">
            <h2>{t(lang, 'centres.new')}</h2>
            <p class="muted">{t(lang, 'centres.newHelp')}</p>
            <ErrorSummary lang={lang} errors={extra.errors ?? []} />
            <CentreForm lang={lang} csrf={csrf} action="/admin/centres" values={extra.values ?? { parentCode: prefectures[0]!.code, openingDays: ['1', '2', '3', '4', '5'], openTime: '08:30', closeTime: '17:15' }} errors={extra.errors ?? []} prefectures={prefectures} submit={t(lang, 'centres.new')} />
          </section>
        )}
      </Layout>,
      extra.errors?.length ? 422 : 200,
    );
  };

  const editPage = async (c: AdminContext, code: string, extra: { values?: CentreFormValues; errors?: FieldError[]; flash?: string } = {}) => {
    const lang = c.get('lang');
    const csrf = c.get('csrfToken');
    const rows = await all(c);
    const centre = rows.find((j) => j.kind === 'health_centre' && j.code === code);
    if (!centre || !(centre.detailsEditable || centre.manageable)) throw new NotFoundError('jurisdiction', code);
    const targets = rows.filter((j: ListedJurisdiction) => j.kind === 'health_centre' && j.active && j.manageable && j.code !== code);
    const action = `/admin/centres/${encodeURIComponent(code)}`;
    return page(
      c,
      <Layout title={`${t(lang, 'centres.edit')}: ${lang === 'ja' ? centre.nameJa : centre.nameEn}`} actor={c.get('actor')} lang={lang} csrf={csrf} active="centres" userName={c.get('displayName')}>
        {extra.flash && <p class="flash" role="status">{extra.flash}</p>}
        <ErrorSummary lang={lang} errors={extra.errors ?? []} />
        <p class="muted">{`${centre.code} — ${t(lang, centre.active ? 'centres.active' : 'centres.inactive')}`}</p>
        {centre.detailsEditable && <CentreForm lang={lang} csrf={csrf} action={action} values={extra.values ?? centreFormValues(centre)} errors={extra.errors ?? []} submit={t(lang, 'common.save')} />}
        {centre.manageable && (
          <section id="centre-standing">
            <p class="muted">{t(lang, 'centres.standingHelp')}</p>
            <form method="post" action={`${action}/standing`} class="inline">
              <input type="hidden" name="_csrf" value={csrf} />
              <input type="hidden" name="active" value={centre.active ? 'false' : 'true'} />
              <button type="submit" class={centre.active ? 'danger' : ''}>{t(lang, centre.active ? 'centres.deactivate' : 'centres.reactivate')}</button>
            </form>
          </section>
        )}
        {centre.manageable && targets.length > 0 && (
          <section id="centre-move">
            <h2>{t(lang, 'centres.move')}</h2>
            <p class="muted">{t(lang, 'centres.moveHelp')}</p>
            <form method="post" action={`${action}/move`}>
              <input type="hidden" name="_csrf" value={csrf} />
              <label>{t(lang, 'centres.moveTo')}
                <select name="toCode">{targets.map((j) => <option value={j.code}>{`${j.code} ${j.nameJa}`}</option>)}</select>
              </label>
              <label class="check"><input type="checkbox" name="withInstitutions" checked /> {t(lang, 'centres.withInstitutions')}</label>
              <label class="check"><input type="checkbox" name="deactivateSource" /> {t(lang, 'centres.deactivateSource')}</label>
              <button type="submit" class="danger">{t(lang, 'centres.moveButton')}</button>
            </form>
          </section>
        )}
      </Layout>,
      extra.errors?.length ? 422 : 200,
    );
  };

  app.get('/centres', (c) => listPage(c));
  app.post('/centres', async (c) => {
    const values = centreFormFromBody(await formBody(c));
    try {
      const created = await runVerb(deps, c, (ctx) => createCentre({ ctx, input: { ...centreInputFromForm(values), code: values.code, parentCode: values.parentCode } }));
      return c.redirect(`/admin/centres/${encodeURIComponent(created.code)}?created=1`, 303);
    } catch (err) {
      return listPage(c, { values, errors: formErrors(err) });
    }
  });
  app.get('/centres/:code', (c) => editPage(c, c.req.param('code'), c.req.query('created') ? { flash: t(c.get('lang'), 'centres.created') } : {}));
  app.post('/centres/:code', async (c) => {
    const code = c.req.param('code');
    const values = centreFormFromBody(await formBody(c));
    try {
      const { changed } = await runVerb(deps, c, (ctx) => updateCentre({ ctx, input: { code, change: centreInputFromForm(values) } }));
      return editPage(c, code, { flash: t(c.get('lang'), changed.length ? 'centres.saved' : 'centres.unchanged') });
    } catch (err) {
      return editPage(c, code, { values, errors: formErrors(err) });
    }
  });
  app.post('/centres/:code/standing', async (c) => {
    const code = c.req.param('code');
    const active = one(await formBody(c), 'active') === 'true';
    try {
      await runVerb(deps, c, (ctx) => updateCentre({ ctx, input: { code, change: { active } } }));
      return editPage(c, code, { flash: t(c.get('lang'), 'centres.saved') });
    } catch (err) {
      return editPage(c, code, { errors: formErrors(err) });
    }
  });
  app.post('/centres/:code/move', async (c) => {
    const code = c.req.param('code');
    const body = await formBody(c);
    try {
      const r = await runVerb(deps, c, (ctx) => moveCentrePersons({ ctx, input: { fromCode: code, toCode: one(body, 'toCode'), withInstitutions: one(body, 'withInstitutions') === 'on', deactivateSource: one(body, 'deactivateSource') === 'on' } }));
      return editPage(c, code, { flash: t(c.get('lang'), 'centres.moved', { n: r.persons, to: r.to }) });
    } catch (err) {
      return editPage(c, code, { errors: formErrors(err) });
    }
  });
  return app;
}
