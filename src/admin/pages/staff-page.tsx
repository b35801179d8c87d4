import { Hono } from 'hono';
import { STAFF_ROLES } from '../../../db/schema';
import type { Deps } from '../../deps';
import { ValidationError, type FieldError } from '../../domain/errors';
import { listStaff } from '../../domain/staff/list-staff';
import { updateStaff } from '../../domain/staff/update-staff';
import { idParam, runVerb } from '../auth/run-verb';
import type { AdminContext, AdminEnv } from '../auth/types';
import { t, type Lang } from '../ui/i18n';
import { ErrorSummary, Layout } from '../ui/layout';
import { page } from '../ui/render';

type StaffRow = Awaited<ReturnType<typeof listStaff>>[number];

function StaffRowView(props: { s: StaffRow; lang: Lang; csrf: string }) {
  const { s, lang, csrf } = props;
  return (
    <tr data-staff={s.id}>
      <td>{s.displayName}<div class="muted">{s.email}</div></td>
      <td>{t(lang, `role.${s.role}`)}<div class="muted">{s.institutionCode ?? s.jurisdictionCode ?? ''}</div></td>
      <td>{t(lang, s.disabled ? 'staff.disabled' : 'staff.active')}</td>
      <td>
        <form method="post" action={`/admin/staff/${s.id}`} class="inline">
          <input type="hidden" name="_csrf" value={csrf} />
          <label>{t(lang, 'staff.role')}
            <select name="role">
              {STAFF_ROLES.map((r) => <option value={r} selected={r === s.role}>{t(lang, `role.${r}`)}</option>)}
            </select>
          </label>
          <label>{t(lang, 'staff.scope')}<input name="jurisdictionCode" value={s.jurisdictionCode ?? ''} maxlength={40} /></label>
          <label>{t(lang, 'staff.institution')}<input name="institutionCode" value={s.institutionCode ?? ''} maxlength={40} /></label>
          <button type="submit">{t(lang, 'staff.change')}</button>
        </form>
        <form method="post" action={`/admin/staff/${s.id}`} class="inline">
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="disabled" value={s.disabled ? 'false' : 'true'} />
          <button type="submit" class={s.disabled ? '' : 'danger'}>{t(lang, s.disabled ? 'staff.enable' : 'staff.disable')}</button>
        </form>
      </td>
    </tr>
  );
}

/** /admin/staff: an administrator changes the role, scope or standing of the staff of their jurisdiction. */
export function createStaffPageRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();

  const render = async (c: AdminContext, extra: { errors?: FieldError[]; flash?: string } = {}) => {
    const lang = c.get('lang');
    const csrf = c.get('csrfToken');
    const staff = await runVerb(deps, c, (ctx) => listStaff({ ctx, input: {} }));
    return page(
      c,
      <Layout title={t(lang, 'staff.title')} actor={c.get('actor')} lang={lang} csrf={csrf} active="staff" userName={c.get('displayName')}>
        {extra.flash && <p class="flash" role="status">{extra.flash}</p>}
        <ErrorSummary lang={lang} errors={extra.errors ?? []} />
        <p class="muted">{t(lang, 'staff.help')}</p>
        <table id="staff">
          <thead><tr><th>{t(lang, 'staff.name')}</th><th>{t(lang, 'staff.role')}</th><th>{t(lang, 'staff.state')}</th><th></th></tr></thead>
          <tbody>
            {staff.length === 0 && <tr><td colspan={4} class="muted">{t(lang, 'staff.empty')}</td></tr>}
            {staff.map((s) => <StaffRowView s={s} lang={lang} csrf={csrf} />)}
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
    // A clinician is scoped by institution, every other role by jurisdiction: send only the code the role uses.
    const scope = str('role') === 'clinician' ? { institutionCode: str('institutionCode') } : { jurisdictionCode: str('jurisdictionCode') };
    const change = str('disabled') ? { disabled: str('disabled') === 'true' } : { role: str('role'), ...scope };
    try {
      const { changed } = await runVerb(deps, c, (ctx) => updateStaff({ ctx, input: { staffId, change } }));
      return render(c, { flash: t(c.get('lang'), changed ? 'staff.changed' : 'staff.unchanged') });
    } catch (err) {
      if (err instanceof ValidationError) return render(c, { errors: err.fields });
      throw err;
    }
  });
  return app;
}
