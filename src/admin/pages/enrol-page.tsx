import { Hono, type Context } from 'hono';
import type { Deps } from '../../deps';
import { systemActor, withTransaction } from '../../domain/context';
import { NotFoundError, ValidationError, type FieldError } from '../../domain/errors';
import { acceptInvitation, peekInvitation } from '../../domain/staff/accept-invitation';
import { createStaffSession } from '../../domain/staff/sessions';
import { TOTP_EXEMPT_ROLES } from '../../domain/staff/sign-in';
import { langOf, setSessionCookie } from '../auth/cookies';
import { requestInfo } from '../auth/request-info';
import { fmtDateTime } from '../ui/format';
import { t } from '../ui/i18n';
import { ErrorSummary, Layout } from '../ui/layout';
import { page } from '../ui/render';

/**
 * /admin/enrol/<token>: the one-time link of an invitation or a password reset. The staff
 * member sets their own password here, then enrols (or gives) the second factor at
 * /admin/login/totp. Public: the token is the credential; a used, replaced or expired
 * link reads as "no longer valid".
 */
export function createEnrolRoutes(deps: Deps) {
  const app = new Hono();
  const base = (c: Context) => ({ actor: systemActor('enrolment'), now: deps.now(), request: requestInfo(c) });

  const render = async (c: Context, errors: FieldError[] = []) => {
    const lang = langOf(c);
    const token = c.req.param('token') ?? '';
    let inv;
    try {
      inv = await withTransaction(deps.db, base(c), (ctx) => peekInvitation({ ctx, input: { token } }));
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      return page(c, <Layout title={t(lang, 'enrol.title')} actor={null} lang={lang} csrf=""><p class="error-summary" role="alert">{t(lang, 'enrol.invalid')}</p></Layout>, 404);
    }
    const reset = inv.kind === 'password_reset';
    return page(
      c,
      <Layout title={t(lang, reset ? 'enrol.resetTitle' : 'enrol.title')} actor={null} lang={lang} csrf="">
        <p>{t(lang, reset ? 'enrol.resetHelp' : 'enrol.help', { name: inv.displayName })}</p>
        <p class="muted">{t(lang, 'enrol.until', { until: fmtDateTime(inv.expiresAt, lang) })}</p>
        <ErrorSummary lang={lang} errors={errors} />
        <form method="post" class="narrow" id="enrol-form">
          <label>{t(lang, 'login.email')}<input type="email" name="email" value={inv.email} autocomplete="username" readonly /></label>
          <label>{t(lang, 'account.next')}<input type="password" name="password" autocomplete="new-password" minlength={12} required /></label>
          <label>{t(lang, 'account.confirm')}<input type="password" name="confirm" autocomplete="new-password" minlength={12} required /></label>
          <button type="submit">{t(lang, 'enrol.submit')}</button>
        </form>
      </Layout>,
      errors.length ? 422 : 200,
    );
  };

  app.get('/enrol/:token', (c) => render(c));
  // No CSRF token: the one-time token in the path is the credential, and it is single-use.
  app.post('/enrol/:token', async (c) => {
    const b = await c.req.parseBody();
    const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
    try {
      const session = await withTransaction(deps.db, base(c), async (ctx) => {
        const { staffId, role } = await acceptInvitation({ ctx, input: { token: c.req.param('token'), password: str('password'), confirm: str('confirm') } });
        // The second factor is still to come: enrolled now, or asked when the account has one
        // (a facility's account has none: sign-in.ts TOTP_EXEMPT_ROLES).
        const mfaPassed = TOTP_EXEMPT_ROLES.includes(role);
        return { mfaPassed, ...(await createStaffSession(ctx, { staffId, mfaPassed })) };
      });
      setSessionCookie(c, deps, session.cookie);
      return c.redirect(session.mfaPassed ? '/admin' : '/admin/login/totp', 303);
    } catch (err) {
      if (err instanceof ValidationError) return render(c, err.fields);
      if (err instanceof NotFoundError) return render(c);
      throw err;
    }
  });
  return app;
}
