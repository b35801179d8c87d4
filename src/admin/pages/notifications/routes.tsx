import { Hono } from 'hono';
import type { Deps } from '../../../deps';
import type { FieldError } from '../../../domain/errors';
import { acceptNotification } from '../../../domain/notifications/accept-notification';
import { getNotification } from '../../../domain/notifications/get-notification';
import { listNotifications } from '../../../domain/notifications/list-notifications';
import type { NotificationSummary } from '../../../domain/notifications/notification-view';
import { returnNotification } from '../../../domain/notifications/return-notification';
import { saveNotification } from '../../../domain/notifications/save-notification';
import { listJurisdictions } from '../../../domain/jurisdictions/list-jurisdictions';
import { idParam, runVerb } from '../../auth/run-verb';
import type { AdminContext, AdminEnv } from '../../auth/types';
import { t, type Lang } from '../../ui/i18n';
import { ErrorSummary, Layout } from '../../ui/layout';
import { page } from '../../ui/render';
import { formBody, formErrors, one } from '../registers/form-bits';
import { DecisionForms, NotificationItems } from './notification-detail';
import { NotificationForm, notificationFieldsFromForm, type NotificationFormValues } from './notification-form';
import type { NotificationHub } from './notification-hub';
import { addNotificationStream } from './notification-stream';

function NotificationTable(props: { lang: Lang; rows: NotificationSummary[]; id: string }) {
  const { lang, rows } = props;
  return (
    <table id={props.id}>
      <thead><tr><th>{t(lang, 'field.name')}</th><th>{t(lang, 'field.diagnosisClass')}</th><th>{t(lang, 'notif.institution')}</th><th>{t(lang, 'notif.centre')}</th><th>{t(lang, 'staff.state')}</th></tr></thead>
      <tbody>
        {rows.length === 0 && <tr><td colspan={5} class="muted">{t(lang, 'notif.empty')}</td></tr>}
        {rows.map((n) => (
          <tr data-notification={n.id} data-status={n.status}>
            <td><a href={`/admin/notifications/${n.id}`}>{n.name ?? '—'}</a>{n.nameKana && <div class="muted">{n.nameKana}</div>}</td>
            <td>{n.diagnosisClass ? t(lang, `dclass.${n.diagnosisClass}`) : '—'}</td>
            <td>{n.institution.name}</td>
            <td>{n.centre ? (lang === 'ja' ? n.centre.nameJa : n.centre.nameEn) : '—'}</td>
            <td>{t(lang, `notif.status.${n.status}`)}{n.reply && <div class="muted">{n.reply}</div>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * /admin/notifications: the electronic 発生届. A clinician files and follows their
 * notifications; a centre's nurses see the 「届出受理」 queue (live) and accept or return.
 */
export function createNotificationPages(deps: Deps, hub: NotificationHub) {
  const app = new Hono<AdminEnv>();
  const isClinician = (c: AdminContext) => c.get('actor').role === 'clinician';
  const centres = async (c: AdminContext) => (await runVerb(deps, c, (ctx) => listJurisdictions({ ctx, input: { kind: 'health_centre' } }))).map((j) => ({ code: j.code, nameJa: j.nameJa }));
  const layout = (c: AdminContext, title: string, body: unknown, status: 200 | 422 = 200) =>
    page(c, <Layout title={title} actor={c.get('actor')} lang={c.get('lang')} csrf={c.get('csrfToken')} active="notifications" userName={c.get('displayName')} scripts={['notifications.js']}>{body as never}</Layout>, status);

  app.get('/notifications', async (c) => {
    const lang = c.get('lang');
    if (isClinician(c)) {
      const mine = await runVerb(deps, c, (ctx) => listNotifications({ ctx, input: {} }));
      return layout(c, t(lang, 'notif.title'), <>
        <p><a class="button" href="/admin/notifications/new" id="new-notification">{t(lang, 'notif.new')}</a></p>
        <div id="notification-lists"><h2>{t(lang, 'notif.mine')}</h2><NotificationTable lang={lang} rows={mine} id="my-notifications" /></div>
      </>);
    }
    const [queue, recent] = await runVerb(deps, c, async (ctx) => [await listNotifications({ ctx, input: { status: 'submitted', view: 'received' } }), await listNotifications({ ctx, input: { limit: 50 } })]);
    return layout(c, t(lang, 'notif.queue'), <>
      <p class="flash" id="new-notification-banner" role="status" hidden>{t(lang, 'notif.newArrived')}</p>
      <p class="muted">{t(lang, 'notif.queueHelp')}</p>
      <div id="notification-lists">
        <NotificationTable lang={lang} rows={queue} id="notification-queue" />
        <h2>{t(lang, 'notif.recent')}</h2>
        <NotificationTable lang={lang} rows={recent.filter((n) => !queue.some((q) => q.id === n.id))} id="notification-recent" />
      </div>
    </>);
  });

  const formPage = async (c: AdminContext, action: string, values: NotificationFormValues, errors: FieldError[] = [], extra?: { reply?: string | null; flash?: string }) => {
    const lang = c.get('lang');
    return layout(c, t(lang, 'notif.new'), <>
      {extra?.flash && <p class="flash" role="status">{extra.flash}</p>}
      {extra?.reply && <p class="flash" id="centre-reply">{`${t(lang, 'notif.reply')}: ${extra.reply}`}</p>}
      <ErrorSummary lang={lang} errors={errors} />
      <NotificationForm lang={lang} csrf={c.get('csrfToken')} action={action} values={values} errors={errors} centres={await centres(c)} />
    </>, errors.length ? 422 : 200);
  };

  const save = async (c: AdminContext, id: string | undefined) => {
    const body = await formBody(c);
    const fields = notificationFieldsFromForm(body);
    const submit = one(body, 'action') !== 'draft';
    try {
      const r = await runVerb(deps, c, (ctx) => saveNotification({ ctx, input: { id, fields, submit } }));
      return c.redirect(`/admin/notifications/${r.id}?saved=${submit ? 'submitted' : 'draft'}`, 303);
    } catch (err) {
      return formPage(c, id ? `/admin/notifications/${id}` : '/admin/notifications', fields, formErrors(err));
    }
  };

  app.get('/notifications/new', (c) => formPage(c, '/admin/notifications', {}));
  app.post('/notifications', (c) => save(c, undefined));
  addNotificationStream(app, deps, hub);

  const detailPage = async (c: AdminContext, id: string, extra: { flash?: string; errors?: FieldError[] } = {}) => {
    const lang = c.get('lang');
    const n = await runVerb(deps, c, (ctx) => getNotification({ ctx, input: { id } }));
    const saved = c.req.query('saved');
    // A clinician's draft or returned notification opens as its form, to go on or correct it.
    if (isClinician(c) && (n.status === 'draft' || n.status === 'returned')) {
      return formPage(c, `/admin/notifications/${id}`, n.fields as NotificationFormValues, extra.errors, { reply: n.reply, flash: saved === 'draft' ? t(lang, 'notif.saved') : undefined });
    }
    const flash = extra.flash ?? (saved === 'submitted' ? t(lang, 'notif.submitted') : saved === 'draft' ? t(lang, 'notif.saved') : undefined);
    return layout(c, `${t(lang, 'notif.title')}: ${t(lang, `notif.status.${n.status}`)}`, <>
      {flash && <p class="flash" role="status">{flash}</p>}
      <ErrorSummary lang={lang} errors={extra.errors ?? []} />
      <p id="notification-status" data-status={n.status}>{t(lang, `notif.status.${n.status}`)}</p>
      {n.reply && <p id="centre-reply">{`${t(lang, 'notif.reply')}: ${n.reply}`}</p>}
      {n.routingNote && <p class="muted" id="routing-note">{`${t(lang, 'notif.routingNote')}: ${n.routingNote}`}</p>}
      {n.personId && !isClinician(c) && <p><a href={`/admin/persons/${n.personId}`} id="open-person">{t(lang, 'notif.openPerson')}</a></p>}
      <NotificationItems lang={lang} n={n} />
      {n.mayDecide && <DecisionForms lang={lang} csrf={c.get('csrfToken')} n={n} errors={extra.errors ?? []} />}
    </>, extra.errors?.length ? 422 : 200);
  };

  app.get('/notifications/:id', (c) => detailPage(c, idParam(c, 'id', 'notification')));
  app.post('/notifications/:id', (c) => save(c, idParam(c, 'id', 'notification')));
  app.post('/notifications/:id/accept', async (c) => {
    const id = idParam(c, 'id', 'notification');
    const b = await formBody(c);
    try {
      const r = await runVerb(deps, c, (ctx) => acceptNotification({ ctx, input: { id, personId: one(b, 'personId'), caseNumber: one(b, 'caseNumber'), reply: one(b, 'reply') } }));
      return detailPage(c, id, { flash: t(c.get('lang'), r.created ? 'notif.accepted' : 'notif.attached') });
    } catch (err) {
      return detailPage(c, id, { errors: formErrors(err) });
    }
  });
  app.post('/notifications/:id/return', async (c) => {
    const id = idParam(c, 'id', 'notification');
    const b = await formBody(c);
    try {
      await runVerb(deps, c, (ctx) => returnNotification({ ctx, input: { id, reason: one(b, 'reason') } }));
      return detailPage(c, id, { flash: t(c.get('lang'), 'notif.returned') });
    } catch (err) {
      return detailPage(c, id, { errors: formErrors(err) });
    }
  });
  return app;
}
