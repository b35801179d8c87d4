import { Hono } from 'hono';
import type { Deps } from '../../../deps';
import { inviteFacilityAccount, setFacilityAccountDisabled, type FacilityAccount } from '../../../domain/facilities/facility-accounts';
import { mailInvitation } from '../../../domain/staff/invitation-mail';
import { enrolmentUrl } from '../../../domain/staff/invite-many';
import { idParam, runVerb } from '../../auth/run-verb';
import type { AdminContext, AdminEnv } from '../../auth/types';
import { fmtShort } from '../../ui/format';
import { t, type Lang } from '../../ui/i18n';
import { formOf, runAction } from '../lifecycle/refusal-page';

/** The enrolment link just created: shown once on the facility's page (and mailed when SMTP_URL is set). */
export interface InvitedAccount {
  email: string;
  url: string;
  mail: 'sent' | 'not_configured' | 'failed';
}

/**
 * 施設アカウント on the facility's page: the facility's own logins (role facility_reporter),
 * their open invitations, an invite form and disable/enable.
 */
export function FacilityAccountsSection(props: { lang: Lang; csrf: string; facilityId: string; active: boolean; tz: string; accounts: FacilityAccount[]; invited?: InvitedAccount }) {
  const { lang, csrf } = props;
  const action = `/admin/facilities/${props.facilityId}/accounts`;
  const hidden = <input type="hidden" name="_csrf" value={csrf} />;
  return (
    <section id="facility-accounts">
      <h2>{t(lang, 'facilities.accounts')}</h2>
      <p class="muted">{t(lang, 'facilities.accountsHelp')}</p>
      {props.invited && (
        <p class="flash" role="status" id="account-invited">
          {`${t(lang, `facilities.accountInvited.${props.invited.mail}`, { email: props.invited.email })} `}
          <code>{props.invited.url}</code>
        </p>
      )}
      <table class="dense">
        <thead><tr><th>{t(lang, 'staff.name')}</th><th>{t(lang, 'staff.email')}</th><th>{t(lang, 'facilities.state')}</th><th></th></tr></thead>
        <tbody>
          {props.accounts.length === 0 && <tr><td colspan={4} class="muted">{t(lang, 'facilities.noAccounts')}</td></tr>}
          {props.accounts.map((a) => (
            <tr data-account={a.email}>
              <td>{a.displayName}</td>
              <td>{a.email}</td>
              <td>{a.invitedUntil ? t(lang, 'facilities.accountInvitedUntil', { until: fmtShort(a.invitedUntil, props.tz) }) : t(lang, a.disabled ? 'facilities.accountDisabled' : 'facilities.accountActive')}</td>
              <td>
                {!a.invitedUntil && (
                  <form method="post" action={`${action}/${a.id}/disabled`} class="inline">
                    {hidden}
                    <input type="hidden" name="disabled" value={a.disabled ? 'false' : 'true'} />
                    <button type="submit" class={a.disabled ? 'secondary' : 'danger'}>{t(lang, a.disabled ? 'facilities.accountEnable' : 'facilities.accountDisable')}</button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.active && (
        <form method="post" action={action} class="inline-form" id="invite-account">
          {hidden}
          <fieldset>
            <legend>{t(lang, 'facilities.accountInvite')}</legend>
            <label>{t(lang, 'staff.email')}<input type="email" name="email" required maxlength={200} /></label>
            <label>{t(lang, 'staff.name')}<input name="displayName" required maxlength={100} /></label>
            <button type="submit">{t(lang, 'invite.send')}</button>
          </fieldset>
        </form>
      )}
    </section>
  );
}

/**
 * POST /admin/facilities/:id/accounts (invite) and …/accounts/:staffId/disabled. The
 * invite answers with the facility's page showing the link once (`render`), like the staff
 * invitation page.
 */
export function createFacilityAccountRoutes(deps: Deps, render: (c: AdminContext, id: string, invited: InvitedAccount) => Promise<Response>) {
  const app = new Hono<AdminEnv>();
  app.post('/facilities/:id/accounts', async (c) => {
    const id = idParam(c, 'id', 'facility');
    const b = await formOf(c);
    try {
      const inv = await runVerb(deps, c, (ctx) => inviteFacilityAccount({ ctx, input: { facilityId: id, email: b.email ?? '', displayName: b.displayName ?? '' } }));
      const url = enrolmentUrl(deps.env.PUBLIC_BASE_URL, inv.token);
      const mail = await mailInvitation(deps.mailer, { kind: 'enrol', email: inv.email, displayName: b.displayName?.trim() ?? '', url, expiresAt: inv.expiresAt, facilityName: inv.facilityName });
      return render(c, id, { email: inv.email, url, mail });
    } catch (err) {
      return runAction(c, `/admin/facilities/${id}#facility-accounts`, undefined, () => Promise.reject(err));
    }
  });
  app.post('/facilities/:id/accounts/:staffId/disabled', async (c) => {
    const id = idParam(c, 'id', 'facility');
    const staffId = idParam(c, 'staffId', 'staff_user');
    const b = await formOf(c);
    const back = `/admin/facilities/${id}#facility-accounts`;
    return runAction(c, back, undefined, async () => {
      await runVerb(deps, c, (ctx) => setFacilityAccountDisabled({ ctx, input: { facilityId: id, staffId, disabled: b.disabled === 'true' } }));
      return back;
    });
  });
  return app;
}
