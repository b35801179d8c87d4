import { Hono } from 'hono';
import type { Deps } from '../../deps';
import { ValidationError, type FieldError } from '../../domain/errors';
import { createFhirClient } from '../../domain/fhir/create-fhir-client';
import { listFhirClients, revokeFhirClient } from '../../domain/fhir/list-fhir-clients';
import { idParam, runVerb } from '../auth/run-verb';
import type { AdminContext, AdminEnv } from '../auth/types';
import { fmtDateTime } from '../ui/format';
import { registerDictionary, t } from '../ui/i18n';
import { ErrorSummary, Layout } from '../ui/layout';
import { page } from '../ui/render';

registerDictionary({
  'nav.fhir': { ja: 'FHIR連携', en: 'FHIR clients' },
  'fhir.title': { ja: 'FHIR 連携クライアント', en: 'FHIR API clients' },
  'fhir.help': {
    ja: '他のシステムが FHIR API（/fhir）を使うためのクライアントを登録します。クライアントは公開鍵（JWKS）で署名した JWT で認証し（SMART Backend Services）、登録した管轄の対象者だけを、許可したスコープの範囲で読み書きできます。',
    en: 'Register systems that use the FHIR API (/fhir). A client authenticates with a JWT signed by a key of its JWKS (SMART Backend Services) and sees only its jurisdiction, within the scopes granted.',
  },
  'fhir.name': { ja: '名前', en: 'Name' },
  'fhir.jurisdiction': { ja: '管轄コード（JP・都道府県・保健所）', en: 'Jurisdiction code (JP, prefecture, health centre)' },
  'fhir.scope': { ja: 'スコープ（空白区切り）', en: 'Scopes (space-separated)' },
  'fhir.jwks': { ja: '公開鍵（JWKS の JSON）', en: 'Public keys (JWKS JSON)' },
  'fhir.create': { ja: '登録する', en: 'Register' },
  'fhir.created': { ja: '登録しました。クライアントID:', en: 'Registered. Client id:' },
  'fhir.revoke': { ja: '無効にする', en: 'Revoke' },
  'fhir.revoked': { ja: '無効', en: 'Revoked' },
  'fhir.registered': { ja: '登録日時', en: 'Registered' },
  'fhir.empty': { ja: '登録されたクライアントはありません。', en: 'No clients registered.' },
  'fhir.notJson': { ja: 'JWKS が JSON ではありません', en: 'JWKS is not JSON' },
  'audit.do.token': { ja: 'トークン発行', en: 'Token issued' },
  'audit.do.revoke': { ja: '無効化', en: 'Revoked' },
  'audit.do.export_requested': { ja: 'エクスポート要求', en: 'Export requested' },
  'audit.do.export_deleted': { ja: 'エクスポート削除', en: 'Export deleted' },
  'audit.do.export_download': { ja: 'エクスポート取得', en: 'Export downloaded' },
  'audit.what.fhir_client': { ja: 'FHIRクライアント', en: 'FHIR client' },
  'audit.what.fhir_export': { ja: 'FHIRエクスポート', en: 'FHIR export' },
  'audit.what.fhir_Patient': { ja: 'FHIR 患者', en: 'FHIR Patient' },
  'audit.what.fhir_Observation': { ja: 'FHIR 観察', en: 'FHIR Observation' },
  'audit.what.fhir_QuestionnaireResponse': { ja: 'FHIR 健康観察の回答', en: 'FHIR QuestionnaireResponse' },
  'audit.what.fhir_Condition': { ja: 'FHIR 届出疾患', en: 'FHIR Condition' },
  'audit.what.fhir_Encounter': { ja: 'FHIR 入院', en: 'FHIR Encounter' },
  'audit.what.fhir_Flag': { ja: 'FHIR アラート', en: 'FHIR Flag' },
});

const DEFAULT_SCOPE = 'system/Patient.rs system/Observation.rs system/QuestionnaireResponse.rs';

/** /admin/fhir-clients: national and prefecture officers register and revoke FHIR API clients of their jurisdiction. */
export function createFhirClientPageRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();

  const render = async (c: AdminContext, extra: { errors?: FieldError[]; createdId?: string; form?: Record<string, string> } = {}) => {
    const lang = c.get('lang');
    const csrf = c.get('csrfToken');
    const clients = await runVerb(deps, c, (ctx) => listFhirClients({ ctx, input: {} }));
    const form = extra.form ?? {};
    return page(
      c,
      <Layout title={t(lang, 'fhir.title')} actor={c.get('actor')} lang={lang} csrf={csrf} active="fhir" userName={c.get('displayName')}>
        {extra.createdId && <p class="flash" role="status">{t(lang, 'fhir.created')} <code data-client-id>{extra.createdId}</code></p>}
        <ErrorSummary lang={lang} errors={extra.errors ?? []} />
        <p class="muted">{t(lang, 'fhir.help')}</p>
        <table id="fhir-clients">
          <thead><tr><th>{t(lang, 'fhir.name')}</th><th>{t(lang, 'fhir.jurisdiction')}</th><th>{t(lang, 'fhir.scope')}</th><th>{t(lang, 'fhir.registered')}</th><th></th></tr></thead>
          <tbody>
            {clients.length === 0 && <tr><td colspan={5} class="muted">{t(lang, 'fhir.empty')}</td></tr>}
            {clients.map((cl) => (
              <tr data-client={cl.id}>
                <td>{cl.name}<div class="muted"><code>{cl.id}</code></div></td>
                <td>{cl.jurisdictionNameJa}<div class="muted">{cl.jurisdictionCode}</div></td>
                <td><code>{cl.scopes.join(' ')}</code></td>
                <td>{fmtDateTime(cl.createdAt, 'ja')}</td>
                <td>
                  {cl.revokedAt ? <span class="badge">{t(lang, 'fhir.revoked')}</span> : (
                    <form method="post" action={`/admin/fhir-clients/${cl.id}/revoke`} class="inline">
                      <input type="hidden" name="_csrf" value={csrf} />
                      <button type="submit" class="danger">{t(lang, 'fhir.revoke')}</button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <section class="card">
          <form method="post" action="/admin/fhir-clients">
            <input type="hidden" name="_csrf" value={csrf} />
            <label>{t(lang, 'fhir.name')}<input name="name" maxlength={100} required value={form.name ?? ''} /></label>
            <label>{t(lang, 'fhir.jurisdiction')}<input name="jurisdictionCode" maxlength={40} required value={form.jurisdictionCode ?? ''} /></label>
            <label>{t(lang, 'fhir.scope')}<input name="scope" maxlength={1000} required value={form.scope ?? DEFAULT_SCOPE} /></label>
            <label>{t(lang, 'fhir.jwks')}<textarea name="jwks" rows={6} required>{form.jwks ?? ''}</textarea></label>
            <button type="submit">{t(lang, 'fhir.create')}</button>
          </form>
        </section>
      </Layout>,
      extra.errors?.length ? 422 : 200,
    );
  };

  app.get('/fhir-clients', (c) => render(c));
  app.post('/fhir-clients', async (c) => {
    const b = await c.req.parseBody();
    const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
    const form = { name: str('name'), jurisdictionCode: str('jurisdictionCode'), scope: str('scope'), jwks: str('jwks') };
    let jwks: unknown;
    try {
      jwks = JSON.parse(form.jwks);
    } catch {
      return render(c, { errors: [{ field: 'jwks', message: 'JWKS is not JSON', messageJa: t('ja', 'fhir.notJson') }], form });
    }
    try {
      const { clientId } = await runVerb(deps, c, (ctx) => createFhirClient({ ctx, input: { ...form, jwks } }));
      return render(c, { createdId: clientId });
    } catch (err) {
      if (err instanceof ValidationError) return render(c, { errors: err.fields, form });
      throw err;
    }
  });
  app.post('/fhir-clients/:id/revoke', async (c) => {
    const clientId = idParam(c, 'id', 'fhir_client');
    await runVerb(deps, c, (ctx) => revokeFhirClient({ ctx, input: { clientId } }));
    return c.redirect('/admin/fhir-clients', 303);
  });
  return app;
}
