import { Hono } from 'hono';
import type { Deps } from '../../../deps';
import { NotFoundError, type FieldError } from '../../../domain/errors';
import { createInstitution } from '../../../domain/institutions/create-institution';
import { importInstitutions } from '../../../domain/institutions/import-institutions';
import { listInstitutions } from '../../../domain/institutions/list-institutions';
import { updateInstitution } from '../../../domain/institutions/update-institution';
import type { RegisterImportResult } from '../../../domain/registers/import-rows';
import { listJurisdictions } from '../../../domain/jurisdictions/list-jurisdictions';
import { registerUpload } from '../../api/register-upload';
import { runVerb } from '../../auth/run-verb';
import type { AdminContext, AdminEnv } from '../../auth/types';
import { t, type Lang } from '../../ui/i18n';
import { ErrorSummary, Layout } from '../../ui/layout';
import { page } from '../../ui/render';
import { Field, FieldMessage, formBody, formErrors, one } from '../registers/form-bits';

type Values = Record<string, string>;

function InstitutionForm(props: { lang: Lang; csrf: string; action: string; values: Values; errors: FieldError[]; centres: { code: string; nameJa: string }[]; withCode: boolean; submit: string }) {
  const { lang, errors, values: v } = props;
  return (
    <form method="post" action={props.action} class="institution-form" novalidate>
      <input type="hidden" name="_csrf" value={props.csrf} />
      <fieldset class="grid2">
        {props.withCode && <Field lang={lang} errors={errors} name="code" value={v.code ?? ''} label={t(lang, 'institutions.codeHint')} required attrs={{ inputmode: 'numeric', maxlength: 20, placeholder: '1311234569' }} />}
        <Field lang={lang} errors={errors} name="name" value={v.name ?? ''} label={t(lang, 'field.institutionName')} required attrs={{ maxlength: 200 }} />
        <Field lang={lang} errors={errors} name="address" value={v.address ?? ''} attrs={{ maxlength: 300 }} />
        <Field lang={lang} errors={errors} name="phone" value={v.phone ?? ''} type="tel" />
        <label>
          {t(lang, 'field.centreCode')} ＊
          <select name="centreCode" id="centreCode">{props.centres.map((c) => <option value={c.code} selected={v.centreCode === c.code}>{`${c.code} ${c.nameJa}`}</option>)}</select>
          <FieldMessage lang={lang} errors={errors} name="centreCode" />
        </label>
      </fieldset>
      <button type="submit">{props.submit}</button>
    </form>
  );
}

function ImportReport(props: { lang: Lang; r: RegisterImportResult }) {
  const { lang, r } = props;
  return (
    <div id="import-result" role="status">
      <p class="flash">{t(lang, 'institutions.imported', { total: r.total, created: r.created, updated: r.updated, unchanged: r.unchanged, failed: r.failed })}</p>
      {r.errors.length > 0 && <ul class="error-summary">{r.errors.map((e) => <li>{`${t(lang, 'import.line', { line: e.line })} ${e.code ? `[${e.code}] ` : ''}${lang === 'ja' ? e.messageJa : e.message}`}</li>)}</ul>}
    </div>
  );
}

/** /admin/institutions: medical institutions (医療機関) — list, register, change, CSV import. */
export function createInstitutionPages(deps: Deps) {
  const app = new Hono<AdminEnv>();
  // Centres the actor may register institutions at (the verbs check again).
  const centresFor = async (c: AdminContext) => {
    const actor = c.get('actor');
    const rows = await runVerb(deps, c, (ctx) => listJurisdictions({ ctx, input: { kind: 'health_centre' } }));
    return rows.filter((j) => actor.role === 'national_officer' || j.manageable || (actor.role === 'centre_admin' && j.detailsEditable));
  };

  const listPage = async (c: AdminContext, extra: { values?: Values; errors?: FieldError[]; flash?: string; imported?: RegisterImportResult } = {}) => {
    const lang = c.get('lang');
    const csrf = c.get('csrfToken');
    const [institutions, centres] = await Promise.all([runVerb(deps, c, (ctx) => listInstitutions({ ctx, input: { includeInactive: true, q: c.req.query('q') } })), centresFor(c)]);
    return page(
      c,
      <Layout title={t(lang, 'institutions.title')} actor={c.get('actor')} lang={lang} csrf={csrf} active="institutions" userName={c.get('displayName')}>
        {extra.flash && <p class="flash" role="status">{extra.flash}</p>}
        {extra.imported && <ImportReport lang={lang} r={extra.imported} />}
        <table id="institutions">
          <thead><tr><th>{t(lang, 'field.code')}</th><th>{t(lang, 'field.institutionName')}</th><th>{t(lang, 'field.address')}</th><th>{t(lang, 'field.centreCode')}</th><th>{t(lang, 'staff.state')}</th></tr></thead>
          <tbody>
            {institutions.length === 0 && <tr><td colspan={5} class="muted">{t(lang, 'institutions.empty')}</td></tr>}
            {institutions.map((i) => (
              <tr data-institution={i.code}>
                <td>{i.manageable ? <a href={`/admin/institutions/${i.code}`}>{i.code}</a> : i.code}</td>
                <td>{i.name}</td>
                <td>{i.address ?? ''}</td>
                <td>{i.centreCode}</td>
                <td>{t(lang, i.active ? 'centres.active' : 'centres.inactive')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {centres.length > 0 && (
          <>
            <section id="new-institution">
              <h2>{t(lang, 'institutions.new')}</h2>
              <ErrorSummary lang={lang} errors={extra.errors ?? []} />
              <InstitutionForm lang={lang} csrf={csrf} action="/admin/institutions" values={extra.values ?? {}} errors={extra.errors ?? []} centres={centres} withCode submit={t(lang, 'institutions.new')} />
            </section>
            <section id="import-institutions">
              <h2>{t(lang, 'institutions.import')}</h2>
              <p class="muted">{t(lang, 'institutions.importHelp')}</p>
              <form method="post" action="/admin/institutions/import" enctype="multipart/form-data">
                <input type="hidden" name="_csrf" value={csrf} />
                <input type="file" name="file" accept=".csv,text/csv" required />
                <button type="submit">{t(lang, 'institutions.importButton')}</button>
              </form>
            </section>
          </>
        )}
      </Layout>,
      extra.errors?.length ? 422 : 200,
    );
  };

  const editPage = async (c: AdminContext, code: string, extra: { values?: Values; errors?: FieldError[]; flash?: string } = {}) => {
    const lang = c.get('lang');
    const csrf = c.get('csrfToken');
    const [found] = (await runVerb(deps, c, (ctx) => listInstitutions({ ctx, input: { includeInactive: true, q: code, limit: 5 } }))).filter((i) => i.code === code && i.manageable);
    if (!found) throw new NotFoundError('medical_institution', code);
    const action = `/admin/institutions/${code}`;
    return page(
      c,
      <Layout title={`${t(lang, 'institutions.title')}: ${found.name}`} actor={c.get('actor')} lang={lang} csrf={csrf} active="institutions" userName={c.get('displayName')}>
        {extra.flash && <p class="flash" role="status">{extra.flash}</p>}
        <ErrorSummary lang={lang} errors={extra.errors ?? []} />
        <p class="muted">{`${found.code} — ${t(lang, found.active ? 'centres.active' : 'centres.inactive')}`}</p>
        <InstitutionForm lang={lang} csrf={csrf} action={action} values={extra.values ?? { name: found.name, address: found.address ?? '', phone: found.phone ?? '', centreCode: found.centreCode }} errors={extra.errors ?? []} centres={await centresFor(c)} withCode={false} submit={t(lang, 'common.save')} />
        <form method="post" action={action} class="inline">
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="active" value={found.active ? 'false' : 'true'} />
          <button type="submit" class={found.active ? 'danger' : ''}>{t(lang, found.active ? 'institutions.deactivate' : 'institutions.reactivate')}</button>
        </form>
      </Layout>,
      extra.errors?.length ? 422 : 200,
    );
  };

  app.get('/institutions', (c) => listPage(c));
  app.post('/institutions', async (c) => {
    const b = await formBody(c);
    const values: Values = { code: one(b, 'code'), name: one(b, 'name'), address: one(b, 'address'), phone: one(b, 'phone'), centreCode: one(b, 'centreCode') };
    try {
      await runVerb(deps, c, (ctx) => createInstitution({ ctx, input: values }));
      return listPage(c, { flash: t(c.get('lang'), 'institutions.created') });
    } catch (err) {
      return listPage(c, { values, errors: formErrors(err) });
    }
  });
  app.post('/institutions/import', async (c) => {
    try {
      const upload = await registerUpload(c);
      const imported = await runVerb(deps, c, (ctx) => importInstitutions({ ctx, input: upload }));
      return listPage(c, { imported });
    } catch (err) {
      return listPage(c, { errors: formErrors(err) });
    }
  });
  app.get('/institutions/:code', (c) => editPage(c, c.req.param('code')));
  app.post('/institutions/:code', async (c) => {
    const code = c.req.param('code');
    const b = await formBody(c);
    const change: Record<string, unknown> = one(b, 'active') ? { active: one(b, 'active') === 'true' } : { name: one(b, 'name'), address: one(b, 'address'), phone: one(b, 'phone'), centreCode: one(b, 'centreCode') };
    try {
      const { changed } = await runVerb(deps, c, (ctx) => updateInstitution({ ctx, input: { code, change } }));
      return editPage(c, code, { flash: t(c.get('lang'), changed.length ? 'centres.saved' : 'centres.unchanged') });
    } catch (err) {
      return editPage(c, code, { values: change as Values, errors: formErrors(err) });
    }
  });
  return app;
}
