import { Hono } from 'hono';
import type { Deps } from '../../../deps';
import { holdRecord, releaseHold } from '../../../domain/retention/holds';
import { listRetentionDue } from '../../../domain/retention/list-retention-due';
import { idParam, runVerb } from '../../auth/run-verb';
import type { AdminEnv } from '../../auth/types';
import { t } from '../../ui/i18n';
import { Layout } from '../../ui/layout';
import { page } from '../../ui/render';
import { formOf, runAction } from './refusal-page';

/** 保存期限: records due for deletion within 14 days, and holds (officers). */
export function createRetentionRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.get('/retention', async (c) => {
    const lang = c.get('lang');
    const actor = c.get('actor');
    const r = await runVerb(deps, c, (ctx) => listRetentionDue({ ctx, input: c.req.query(), retentionDays: deps.env.RETENTION_DAYS }));
    const officer = actor.role === 'prefecture_officer' || actor.role === 'national_officer';
    const csrf = <input type="hidden" name="_csrf" value={c.get('csrfToken')} />;
    return page(
      c,
      <Layout title={t(lang, 'retention.title')} actor={actor} lang={lang} csrf={c.get('csrfToken')} active="retention" userName={c.get('displayName')}>
        <p>{t(lang, 'retention.explain', { days: r.retentionDays })}</p>
        {r.persons.length ? (
          <table id="retention-due">
            <thead><tr><th>{t(lang, 'field.caseNumber')}</th><th>{t(lang, 'col.centre')}</th><th>{t(lang, 'retention.end')}</th><th>{t(lang, 'retention.eraseOn')}</th><th>{t(lang, 'retention.hold')}</th></tr></thead>
            <tbody>
              {r.persons.map((p) => (
                <tr data-person-id={p.id}>
                  <td><a href={`/admin/persons/${p.id}`}>{p.caseNumber}</a></td><td>{p.centreCode}</td><td>{p.monitoringActualEnd}</td><td>{p.eraseOn}</td>
                  <td>
                    {p.hold ? <>{t(lang, 'retention.held', { reason: p.hold.reason })}{officer && <form method="post" action={`/admin/retention/${p.id}/release`} class="inline">{csrf}<button type="submit" class="link">{t(lang, 'retention.release')}</button></form>}</>
                      : officer && <form method="post" action={`/admin/retention/${p.id}/hold`} class="inline">{csrf}<input name="reason" maxlength={500} required aria-label={t(lang, 'retention.holdReason')} placeholder={t(lang, 'retention.holdReason')} /><button type="submit" class="secondary">{t(lang, 'retention.hold')}</button></form>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : <p class="muted">{t(lang, 'retention.empty')}</p>}
      </Layout>,
    );
  });
  app.post('/retention/:id/hold', async (c) => {
    const id = idParam(c, 'id', 'person');
    const b = await formOf(c);
    return runAction(c, '/admin/retention', b.reason, async () => (await runVerb(deps, c, (ctx) => holdRecord({ ctx, input: { personId: id, reason: b.reason } })), '/admin/retention'));
  });
  app.post('/retention/:id/release', async (c) => {
    const id = idParam(c, 'id', 'person');
    return runAction(c, '/admin/retention', undefined, async () => (await runVerb(deps, c, (ctx) => releaseHold({ ctx, input: { personId: id } })), '/admin/retention'));
  });
  return app;
}
