import { Hono } from 'hono';
import { STAFF_ROLES } from '../../../db/schema';
import type { Deps } from '../../deps';
import { ValidationError, type FieldError } from '../../domain/errors';
import { listAssignableScopes, scopeCodes, type ScopeOption } from '../../domain/staff/assignable-scopes';
import { mailInvitation } from '../../domain/staff/invitation-mail';
import { enrolmentUrl } from '../../domain/staff/invite-many';
import { listStaff } from '../../domain/staff/list-staff';
import { resetStaffPassword, resetStaffTotp } from '../../domain/staff/reset-staff-access';
import { ScopePicker } from '../staff/scope-picker';
import { updateStaff } from '../../domain/staff/update-staff';
import { idParam, runVerb } from '../auth/run-verb';
import type { AdminContext, AdminEnv } from '../auth/types';
import { t, type Lang } from '../ui/i18n';
import { ErrorSummary, Layout } from '../ui/layout';
import { page } from '../ui/render';

type StaffRow = Awaited<ReturnType<typeof listStaff>>[number];

function StaffRowView(props: { s: StaffRow; lang: Lang; csrf: string; scopes: ScopeOption[]; self: boolean }) {
  const { s, lang, csrf } = props;
  const scope = s.institutionCode ? `i:${s.institutionCode}` : s.jurisdictionCode ? `j:${s.jurisdictionCode}` : null;
  return (
    <tr data-staff={s.id}>
      <td>{s.displayName}{props.self && <span class="muted"> {t(lang, 'staff.you')}</span>}<div class="muted">{s.email}</div></td>
      <td>{t(lang, `role.${s.role}`)}<div class="muted">{props.scopes.find((o) => o.value === scope)?.nameJa ?? s.institutionCode ?? s.jurisdictionCode ?? ''}</div></td>
      <td>{t(lang, s.disabled ? 'staff.disabled' : 'staff.active')}</td>
      <td>
        {/* Your own account is changed on the account page: no role change or disabling yourself here. */}
        {!props.self && (
          <>
            <form method="post" action={`/admin/staff/${s.id}`} class="inline">
              <input type="hidden" name="_csrf" value={csrf} />
              <label>{t(lang, 'staff.role')}
                <select name="role">
                  {STAFF_ROLES.filter((r) => r !== 'facility_reporter').map((r) => <option value={r} selected={r === s.role}>{t(lang, `role.${r}`)}</option>)}
                </select>
              </label>
              <label>{t(lang, 'staff.scopeChoice')}<ScopePicker lang={lang} options={props.scopes} selected={scope} /></label>
              <button type="submit">{t(lang, 'staff.change')}</button>
            </form>
            <form method="post" action={`/admin/staff/${s.id}`} class="inline">
              <input type="hidden" name="_csrf" value={csrf} />
              <input type="hidden" name="disabled" value={s.disabled ? 'false' : 'true'} />
              <button type="submit" class={s.disabled ? '' : 'danger'}>{t(lang, s.disabled ? 'staff.enable' : 'staff.disable')}</button>
            </form>
            <form method="post" action={`/admin/staff/${s.id}/password-reset`} class="inline">
              <input type="hidden" name="_csrf" value={csrf} />
              <button type="submit">{t(lang, 'staff.resetPassword')}</button>
            </form>
            <form method="post" action={`/admin/staff/${s.id}/totp-reset`} class="inline">
              <input type="hidden" name="_csrf" value={csrf} />
              <button type="submit">{t(lang, 'staff.resetTotp')}</button>
            </form>
          </>
        )}
      </td>
    </tr>
  );
}

/** /admin/staff: an administrator changes the role, scope or standing of the staff of their jurisdiction. */
export function createStaffPageRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();

  const render = async (c: AdminContext, extra: { errors?: FieldError[]; flash?: string; link?: string } = {}) => {
    const lang = c.get('lang');
    const csrf = c.get('csrfToken');
    const staff = await runVerb(deps, c, (ctx) => listStaff({ ctx, input: {} }));
    const scopes = await runVerb(deps, c, (ctx) => listAssignableScopes({ ctx, input: null }));
    const me = c.get('actor').staffId;
    return page(
      c,
      <Layout title={t(lang, 'staff.title')} actor={c.get('actor')} lang={lang} csrf={csrf} active="staff" userName={c.get('displayName')}>
        {extra.flash && <p class="flash" role="status">{extra.flash}{extra.link && <code data-reset-link>{extra.link}</code>}</p>}
        <ErrorSummary lang={lang} errors={extra.errors ?? []} />
        <p class="muted">{t(lang, 'staff.help')}</p>
        <p><a class="button" href="/admin/staff/invitations" id="invite-staff">{t(lang, 'staff.invite')}</a></p>
        <table id="staff">
          <thead><tr><th>{t(lang, 'staff.name')}</th><th>{t(lang, 'staff.role')}</th><th>{t(lang, 'staff.state')}</th><th></th></tr></thead>
          <tbody>
            {staff.length === 0 && <tr><td colspan={4} class="muted">{t(lang, 'staff.empty')}</td></tr>}
            {staff.map((s) => <StaffRowView s={s} lang={lang} csrf={csrf} scopes={scopes} self={s.id === me} />)}
          </tbody>
        </table>
      </Layout>,
      extra.errors?.length ? 422 : 200,
    );
  };

  app.get('/staff', (c) => render(c));
  app.post('/staff/:id', async (c) => {
    const staffId = idParam(c, 'id', 'staff_user');
    const b = await c.req.parseBody();
    const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string).trim() : '');
    // 所属 is chosen from the list (j:<code> or i:<code>); a clinician is scoped by institution, every other role by jurisdiction.
    const picked = str('scope') ? scopeCodes(str('scope')) : { jurisdictionCode: str('jurisdictionCode'), institutionCode: str('institutionCode') };
    const scope = str('role') === 'clinician' ? { institutionCode: picked.institutionCode ?? '' } : { jurisdictionCode: picked.jurisdictionCode ?? '' };
    const change = str('disabled') ? { disabled: str('disabled') === 'true' } : { role: str('role'), ...scope };
    try {
      const { changed } = await runVerb(deps, c, (ctx) => updateStaff({ ctx, input: { staffId, change } }));
      return render(c, { flash: t(c.get('lang'), changed ? 'staff.changed' : 'staff.unchanged') });
    } catch (err) {
      if (err instanceof ValidationError) return render(c, { errors: err.fields });
      throw err;
    }
  });
  app.post('/staff/:id/password-reset', async (c) => {
    const staffId = idParam(c, 'id', 'staff_user');
    const inv = await runVerb(deps, c, (ctx) => resetStaffPassword({ ctx, input: { staffId } }));
    const url = enrolmentUrl(deps.env.PUBLIC_BASE_URL, inv.token);
    await mailInvitation(deps.mailer, { kind: 'password_reset', email: inv.email, displayName: inv.email, url, expiresAt: inv.expiresAt });
    return render(c, { flash: t(c.get('lang'), 'staff.resetLink', { name: inv.email }), link: url });
  });
  app.post('/staff/:id/totp-reset', async (c) => {
    const staffId = idParam(c, 'id', 'staff_user');
    await runVerb(deps, c, (ctx) => resetStaffTotp({ ctx, input: { staffId } }));
    return render(c, { flash: t(c.get('lang'), 'staff.totpReset') });
  });
  return app;
}
