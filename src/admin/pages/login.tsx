import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import QRCode from 'qrcode';
import type { Deps } from '../../deps';
import { withTransaction } from '../../domain/context';
import { createStaffSession, findStaffSession, markSessionMfaPassed, sessionActor } from '../../domain/staff/sessions';
import { signIn } from '../../domain/staff/sign-in';
import { beginTotpEnrolment, checkTotp } from '../../domain/staff/totp';
import { randomToken } from '../../platform/security/tokens';
import { cookieOptions, LANG_COOKIE, langOf, LOGIN_CSRF_COOKIE, readSessionCookie, setSessionCookie } from '../auth/cookies';
import { releaseAttempt, reserveAttempt } from '../auth/login-throttle';
import { requestInfo } from '../auth/request-info';
import { sameToken } from '../auth/staff-auth';
import { t, parseLang, type Lang } from '../ui/i18n';
import { Layout } from '../ui/layout';
import { page } from '../ui/render';

/** Only console paths are followed after sign-in (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/admin(\/[\w\-/]*)?$/.test(next) ? next : '/admin';
}

function LoginForm(props: { lang: Lang; csrf: string; next: string; error?: string; email?: string; askCode?: boolean }) {
  return (
    <Layout title={t(props.lang, 'login.title')} actor={null} lang={props.lang} csrf={props.csrf}>
      {props.error && (
        <p class="error-summary" role="alert">
          {props.error}
        </p>
      )}
      <form method="post" action="/admin/login" class="narrow">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="next" value={props.next} />
        <label>
          {t(props.lang, 'login.email')}
          <input type="email" name="email" autocomplete="username" required value={props.email ?? ''} />
        </label>
        <label>
          {t(props.lang, 'login.password')}
          <input type="password" name="password" autocomplete="current-password" required />
        </label>
        {props.askCode && (
          <label>
            {t(props.lang, 'login.unlockCode')}
            <input name="code" inputmode="numeric" autocomplete="one-time-code" />
          </label>
        )}
        <button type="submit">{t(props.lang, 'login.submit')}</button>
      </form>
    </Layout>
  );
}

/** Sign-in, second factor and language switch: the console routes outside staffAuth. */
export function createLoginRoutes(deps: Deps) {
  const app = new Hono();
  const loginCsrf = (c: Context) => {
    const token = getCookie(c, LOGIN_CSRF_COOKIE) ?? randomToken();
    setCookie(c, LOGIN_CSRF_COOKIE, token, cookieOptions(deps, 3600));
    return token;
  };

  app.get('/login', (c) => page(c, <LoginForm lang={langOf(c)} csrf={loginCsrf(c)} next={safeNext(c.req.query('next'))} />));

  app.post('/login', async (c) => {
    const lang = langOf(c);
    const body = await c.req.parseBody();
    const email = typeof body.email === 'string' ? body.email : '';
    const next = safeNext(body.next);
    const expected = getCookie(c, LOGIN_CSRF_COOKIE);
    if (!expected || typeof body._csrf !== 'string' || !sameToken(body._csrf, expected)) {
      return page(c, <LoginForm lang={lang} csrf={loginCsrf(c)} next={next} email={email} error={t(lang, 'login.expired')} />, 403);
    }
    const request = requestInfo(c);
    // The address's place is reserved before the password is verified (login-throttle.ts).
    if (!(await reserveAttempt(deps, 'login', request.ip))) {
      return page(c, <LoginForm lang={lang} csrf={loginCsrf(c)} next={next} email={email} error={t(lang, 'login.throttled')} />, 429);
    }
    const password = typeof body.password === 'string' ? body.password : '';
    const code = typeof body.code === 'string' ? body.code : '';
    const now = deps.now();
    const result = await withTransaction(deps.db, { actor: { kind: 'system', name: 'sign-in' }, now, request }, async (ctx) => {
      const r = await signIn({ ctx, input: { email, password, code, totpFor: deps.env.REQUIRE_TOTP_FOR }, env: deps.env });
      if (r.outcome !== 'ok') return { r, session: null };
      return { r, session: await createStaffSession(ctx, { staffId: r.staffId, mfaPassed: r.mfa === 'none' || r.mfa === 'passed' }) };
    });
    if (result.r.outcome === 'ok') await releaseAttempt(deps, 'login', request.ip);
    if (result.r.outcome === 'locked') {
      const minutes = Math.max(1, Math.ceil((result.r.until.getTime() - now.getTime()) / 60_000));
      const error = t(lang, 'login.locked', { minutes }) + (result.r.unlockable ? ` ${t(lang, 'login.unlockHelp')}` : '');
      return page(c, <LoginForm lang={lang} csrf={loginCsrf(c)} next={next} email={email} error={error} askCode={result.r.unlockable} />, 423);
    }
    if (result.r.outcome !== 'ok' || !result.session) {
      return page(c, <LoginForm lang={lang} csrf={loginCsrf(c)} next={next} email={email} error={t(lang, 'login.invalid')} />, 401);
    }
    setSessionCookie(c, deps, result.session.cookie);
    return c.redirect(result.r.mfa === 'none' || result.r.mfa === 'passed' ? next : '/admin/login/totp', 303);
  });

  // Second factor: verify a code, or enrol first (required for prefecture and national roles).
  const pendingSession = async (c: Context) => {
    const cookie = readSessionCookie(c, deps);
    const s = cookie ? await findStaffSession(deps.db, cookie, deps.now()) : null;
    return s && !s.mfaPassed ? s : null;
  };

  const totpPage = async (c: Context, error?: string) => {
    const lang = langOf(c);
    const s = await pendingSession(c);
    if (!s) return c.redirect('/admin/login', 303);
    let enrol: { uri: string; secret: string; qr: string } | null = null;
    if (!s.user.totpConfirmed) {
      const { uri, secret } = await withTransaction(deps.db, { actor: sessionActor(s, 'session'), now: deps.now(), request: requestInfo(c) }, (ctx) =>
        beginTotpEnrolment({ ctx, input: { staffId: s.user.id }, env: deps.env }),
      );
      enrol = { uri, secret, qr: await QRCode.toDataURL(uri, { margin: 1, width: 200 }) };
    }
    return page(
      c,
      <Layout title={t(lang, enrol ? 'totp.enrolTitle' : 'totp.title')} actor={null} lang={lang} csrf={s.csrfToken}>
        {error && (
          <p class="error-summary" role="alert">
            {error}
          </p>
        )}
        {enrol && (
          <section class="enrol">
            <p>{t(lang, 'totp.required')}</p>
            <p>{t(lang, 'totp.enrolHelp')}</p>
            <img src={enrol.qr} alt="otpauth QR" width={200} height={200} />
            <p>
              {t(lang, 'totp.key')}: <code data-totp-secret>{enrol.secret}</code>
            </p>
          </section>
        )}
        <form method="post" action="/admin/login/totp" class="narrow">
          <input type="hidden" name="_csrf" value={s.csrfToken} />
          <label>
            {t(lang, 'totp.code')}
            {/* No pattern: full-width digits (IME on) and recovery codes are accepted and normalised on the server. */}
            <input name="code" autocomplete="one-time-code" required />
          </label>
          <button type="submit">{t(lang, 'totp.verify')}</button>
        </form>
      </Layout>,
      error ? 422 : 200,
    );
  };

  app.get('/login/totp', (c) => totpPage(c));
  app.post('/login/totp', async (c) => {
    const s = await pendingSession(c);
    if (!s) return c.redirect('/admin/login', 303);
    const body = await c.req.parseBody();
    if (typeof body._csrf !== 'string' || !sameToken(body._csrf, s.csrfToken)) return c.json({ code: 'csrf_failed', message: 'missing or wrong CSRF token' }, 403);
    const request = requestInfo(c);
    if (!(await reserveAttempt(deps, 'totp', request.ip))) return totpPage(c, t(langOf(c), 'login.throttled'));
    const check = await withTransaction(deps.db, { actor: sessionActor(s, 'session'), now: deps.now(), request }, async (ctx) => {
      const r = await checkTotp({ ctx, input: { staffId: s.user.id, code: typeof body.code === 'string' ? body.code : '' }, env: deps.env });
      if (r.ok) await markSessionMfaPassed(ctx.tx, s.key);
      return r;
    });
    if (!check.ok) {
      // Locked: every session of the account has ended; the sign-in form then says the account is locked.
      if (check.locked) return c.redirect('/admin/login', 303);
      // A code used twice is no guess: its place is given back.
      if (check.reason === 'reused') await releaseAttempt(deps, 'totp', request.ip);
      return totpPage(c, langOf(c) === 'ja' ? check.error.messageJa : check.error.message);
    }
    await releaseAttempt(deps, 'totp', request.ip);
    // Just enrolled: the recovery codes are shown once on the next page.
    if (check.enrolled) return c.redirect('/admin/account/recovery-codes', 303);
    return c.redirect('/admin', 303);
  });

  // The ja/en switch: remembered in a cookie, back to the page it was clicked on.
  app.get('/lang/:lang', (c) => {
    const lang = parseLang(c.req.param('lang')) ?? 'ja';
    setCookie(c, LANG_COOKIE, lang, { path: '/', sameSite: 'Lax', maxAge: 365 * 86400 });
    let back = '/admin';
    try {
      const ref = new URL(c.req.header('referer') ?? '');
      if (ref.host === new URL(c.req.url).host && ref.pathname.startsWith('/admin')) back = ref.pathname + ref.search;
    } catch {
      /* no or bad referer: go to the console home */
    }
    return c.redirect(back, 303);
  });
  return app;
}
