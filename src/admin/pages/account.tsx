import { Hono } from 'hono';
import QRCode from 'qrcode';
import type { Deps } from '../../deps';
import { ValidationError, type FieldError } from '../../domain/errors';
import { revokeApiToken } from '../../domain/staff/api-tokens';
import { ownAccount } from '../../domain/staff/own-account';
import { changePassword } from '../../domain/staff/change-password';
import { createApiToken } from '../../domain/staff/create-api-token';
import { revokeOtherSessions, revokeStaffSession } from '../../domain/staff/sessions';
import { beginTotpEnrolment, checkTotp } from '../../domain/staff/totp';
import { issueRecoveryCodes, recoveryCodesLeft } from '../../domain/staff/recovery-codes';
import { RecoveryCodesPage } from '../staff/recovery-codes-view';
import { clearSessionCookie } from '../auth/cookies';
import { releaseAttempt, reserveAttempt } from '../auth/login-throttle';
import { requestInfo } from '../auth/request-info';
import { idParam, runVerb } from '../auth/run-verb';
import type { AdminContext, AdminEnv } from '../auth/types';
import { t } from '../ui/i18n';
import { ErrorSummary, Layout } from '../ui/layout';
import { page } from '../ui/render';
import { fmtDateTime } from '../ui/format';

const fmt = (d: Date | null) => fmtDateTime(d, 'ja'); // Japan time, the same in either language

/** The signed-in user's own account: password, second factor, API tokens, sign-out. */
export function createAccountRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();

  const render = async (c: AdminContext, extra: { errors?: FieldError[]; flash?: string; newToken?: string; totp?: { qr: string; secret: string } } = {}) => {
    const actor = c.get('actor');
    const lang = c.get('lang');
    const csrf = c.get('csrfToken');
    const { tokens, totpEnabled: totpOn } = await runVerb(deps, c, (ctx) => ownAccount({ ctx, input: null }));
    return page(
      c,
      <Layout title={t(lang, 'account.title')} actor={actor} lang={lang} csrf={csrf} active="account" userName={c.get('displayName')}>
        {extra.flash && <p class="flash" role="status">{extra.flash}</p>}
        <ErrorSummary lang={lang} errors={extra.errors ?? []} />
        <section class="card">
          <h2>{t(lang, 'account.password')}</h2>
          <form method="post" action="/admin/account/password">
            <input type="hidden" name="_csrf" value={csrf} />
            <label>{t(lang, 'account.current')}<input type="password" name="current" autocomplete="current-password" required /></label>
            <label>{t(lang, 'account.next')}<input type="password" name="next" autocomplete="new-password" minlength={12} required /></label>
            <label>{t(lang, 'account.confirm')}<input type="password" name="confirm" autocomplete="new-password" minlength={12} required /></label>
            {totpOn && <label>{t(lang, 'totp.code')}<input name="code" inputmode="numeric" autocomplete="one-time-code" required /></label>}
            <p class="hint">{t(lang, 'account.passwordRevokesTokens')}</p>
            <button type="submit">{t(lang, 'common.save')}</button>
          </form>
        </section>
        <section class="card">
          <h2>{t(lang, 'totp.title')}</h2>
          {totpOn ? (
            <>
              <p>{t(lang, 'totp.enabled')}</p>
              <form method="post" action="/admin/account/recovery-codes">
                <input type="hidden" name="_csrf" value={csrf} />
                <button type="submit">{t(lang, 'recovery.renew')}</button>
              </form>
            </>
          ) : extra.totp ? (
            <>
              <p>{t(lang, 'totp.enrolHelp')}</p>
              <img src={extra.totp.qr} alt="otpauth QR" width={200} height={200} />
              <p>{t(lang, 'totp.key')}: <code data-totp-secret>{extra.totp.secret}</code></p>
              <form method="post" action="/admin/account/totp/verify">
                <input type="hidden" name="_csrf" value={csrf} />
                <label>{t(lang, 'totp.code')}<input name="code" inputmode="numeric" autocomplete="one-time-code" required /></label>
                <button type="submit">{t(lang, 'totp.verify')}</button>
              </form>
            </>
          ) : (
            <form method="post" action="/admin/account/totp">
              <input type="hidden" name="_csrf" value={csrf} />
              <button type="submit">{t(lang, 'totp.enable')}</button>
            </form>
          )}
        </section>
        <section class="card">
          <h2>{t(lang, 'tokens.title')}</h2>
          {extra.newToken && (
            <p class="flash" role="status">
              {t(lang, 'tokens.created')} <code data-new-token>{extra.newToken}</code>
            </p>
          )}
          <table>
            <thead><tr><th>{t(lang, 'tokens.name')}</th><th>{t(lang, 'tokens.prefix')}</th><th>{t(lang, 'tokens.lastUsed')}</th><th>{t(lang, 'tokens.expires')}</th><th></th></tr></thead>
            <tbody>
              {tokens.map((tk) => (
                <tr>
                  <td>{tk.name}</td>
                  <td><code>{tk.prefix}…</code></td>
                  <td data-last-used>{tk.lastUsedAt ? fmt(tk.lastUsedAt) : t(lang, 'tokens.neverUsed')}</td>
                  <td data-expires>{tk.expiresAt ? fmt(tk.expiresAt) : '—'}</td>
                  <td>
                    {tk.revokedAt ? (
                      <span class="badge">{t(lang, 'tokens.revoked')}</span>
                    ) : tk.expiresAt && tk.expiresAt <= deps.now() ? (
                      <span class="badge">{t(lang, 'tokens.expired')}</span>
                    ) : (
                      <form method="post" action={`/admin/account/tokens/${tk.id}/revoke`} class="inline">
                        <input type="hidden" name="_csrf" value={csrf} />
                        <button type="submit" class="danger">{t(lang, 'tokens.revoke')}</button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <form method="post" action="/admin/account/tokens" class="filters">
            <input type="hidden" name="_csrf" value={csrf} />
            <label>{t(lang, 'tokens.name')}<input name="name" maxlength={60} required /></label>
            <label>
              {t(lang, 'tokens.days')}
              <input name="days" type="number" min={1} max={deps.env.API_TOKEN_MAX_DAYS} value={String(deps.env.API_TOKEN_DAYS)} required />
            </label>
            <button type="submit">{t(lang, 'tokens.create')}</button>
          </form>
        </section>
      </Layout>,
      extra.errors?.length ? 422 : 200,
    );
  };

  app.get('/account', (c) => render(c));

  app.post('/account/password', async (c) => {
    const b = await c.req.parseBody();
    const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
    const ip = requestInfo(c).ip;
    if (!(await reserveAttempt(deps, 'password', ip))) return render(c, { errors: [{ field: 'current', message: t('en', 'login.throttled'), messageJa: t('ja', 'login.throttled') }] });
    let result;
    try {
      result = await runVerb(deps, c, async (ctx) => {
        const r = await changePassword({ ctx, input: { current: str('current'), next: str('next'), confirm: str('confirm'), code: str('code') }, env: deps.env });
        if (r.ok) await revokeOtherSessions(ctx.tx, c.get('actor').staffId, c.get('sessionKey') ?? '', ctx.now);
        return r;
      });
    } catch (err) {
      if (err instanceof ValidationError) {
        await releaseAttempt(deps, 'password', ip); // a weak new password is no guess
        return render(c, { errors: err.fields });
      }
      throw err;
    }
    // Locked: every session has ended, this one too.
    if (!result.ok && result.locked) return c.redirect('/admin/login', 303);
    if (!result.ok) return render(c, { errors: result.errors });
    await releaseAttempt(deps, 'password', ip);
    return render(c, { flash: t(c.get('lang'), 'account.changed') });
  });

  app.post('/account/totp', async (c) => {
    const { uri, secret } = await runVerb(deps, c, (ctx) => beginTotpEnrolment({ ctx, input: { staffId: c.get('actor').staffId }, env: deps.env }));
    return render(c, { totp: { qr: await QRCode.toDataURL(uri, { margin: 1, width: 200 }), secret } });
  });
  app.post('/account/totp/verify', async (c) => {
    const b = await c.req.parseBody();
    const check = await runVerb(deps, c, (ctx) => checkTotp({ ctx, input: { staffId: c.get('actor').staffId, code: typeof b.code === 'string' ? b.code : '' }, env: deps.env }));
    if (!check.ok && check.locked) return c.redirect('/admin/login', 303);
    if (!check.ok) return render(c, { errors: [check.error] });
    return c.redirect('/admin/account/recovery-codes', 303);
  });

  // Recovery codes: made and shown once, right after the second factor is enrolled (none yet);
  // later, new ones only by asking (POST), which replaces the old.
  app.get('/account/recovery-codes', async (c) => {
    const staffId = c.get('actor').staffId;
    const codes = await runVerb(deps, c, async (ctx) => ((await recoveryCodesLeft(ctx, staffId)) === null ? issueRecoveryCodes({ ctx, input: { staffId } }) : []));
    if (!codes.length) return c.redirect('/admin/account', 303);
    return page(c, <RecoveryCodesPage lang={c.get('lang')} codes={codes} next="/admin" />);
  });
  app.post('/account/recovery-codes', async (c) => {
    const staffId = c.get('actor').staffId;
    const codes = await runVerb(deps, c, (ctx) => issueRecoveryCodes({ ctx, input: { staffId } }));
    return page(c, <RecoveryCodesPage lang={c.get('lang')} codes={codes} next="/admin/account" />);
  });

  app.post('/account/tokens', async (c) => {
    const b = await c.req.parseBody();
    const name = typeof b.name === 'string' ? b.name.slice(0, 60) : 'console';
    const days = typeof b.days === 'string' && b.days.trim() ? Number(b.days.normalize('NFKC')) : undefined;
    let token: string;
    try {
      ({ token } = await runVerb(deps, c, (ctx) => createApiToken({ ctx, input: { staffId: c.get('actor').staffId, name, days }, env: deps.env })));
    } catch (err) {
      if (err instanceof ValidationError) return render(c, { errors: err.fields });
      throw err;
    }
    return render(c, { newToken: token });
  });
  app.post('/account/tokens/:id/revoke', async (c) => {
    const tokenId = idParam(c, 'id', 'api_token');
    await runVerb(deps, c, (ctx) => revokeApiToken({ ctx, input: { tokenId } }));
    return c.redirect('/admin/account', 303);
  });

  app.post('/logout', async (c) => {
    const key = c.get('sessionKey');
    if (key) await revokeStaffSession(deps.db, key, deps.now());
    clearSessionCookie(c, deps);
    return c.redirect('/admin/login', 303);
  });
  return app;
}
