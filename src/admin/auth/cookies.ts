import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Deps } from '../../deps';
import { SESSION_MAX_MS } from '../../domain/staff/sessions';
import { parseLang, type Lang } from '../ui/i18n';

/**
 * The session cookie is `__Host-` prefixed outside development: browsers then accept it only
 * Secure, Path=/ and without Domain, so a sibling subdomain cannot plant or overwrite it.
 * Plain http://localhost development cannot use the prefix.
 */
export const SESSION_COOKIE = '__Host-mm_session';
export const DEV_SESSION_COOKIE = 'mm_session';
export const sessionCookieName = (deps: Deps) => (deps.env.NODE_ENV === 'development' ? DEV_SESSION_COOKIE : SESSION_COOKIE);
export const LANG_COOKIE = 'mm_lang';

/**
 * NODE_ENV left at development behind an https address: the console works, but its session
 * cookie is neither Secure nor __Host- prefixed. Development on http://localhost needs that;
 * anything served over https should run with NODE_ENV=production. Logged at start.
 */
export function insecureCookieWarning(env: Pick<Deps['env'], 'NODE_ENV' | 'PUBLIC_BASE_URL'>): string | null {
  if (env.NODE_ENV !== 'development' || !env.PUBLIC_BASE_URL.startsWith('https://')) return null;
  return `PUBLIC_BASE_URL is ${new URL(env.PUBLIC_BASE_URL).origin} but NODE_ENV is development: the console session cookie is sent without Secure and the __Host- prefix. Set NODE_ENV=production for anything but local development.`;
}
/** Double-submit token for the sign-in form, before any session exists. */
export const LOGIN_CSRF_COOKIE = 'mm_login_csrf';

/** HttpOnly, SameSite=Lax (links from e-mail still open the console), Secure outside development. */
export function cookieOptions(deps: Deps, maxAgeSeconds: number) {
  return { httpOnly: true, sameSite: 'Lax' as const, secure: deps.env.NODE_ENV !== 'development', path: '/', maxAge: maxAgeSeconds };
}

export function setSessionCookie(c: Context, deps: Deps, value: string): void {
  setCookie(c, sessionCookieName(deps), value, cookieOptions(deps, SESSION_MAX_MS / 1000));
}

export function clearSessionCookie(c: Context, deps: Deps): void {
  deleteCookie(c, sessionCookieName(deps), { path: '/', secure: deps.env.NODE_ENV !== 'development' });
}

export const readSessionCookie = (c: Context, deps: Deps) => getCookie(c, sessionCookieName(deps));

/** The console language: the cookie set by the ja/en switch, else the browser's preference, else Japanese. */
export function langOf(c: Context): Lang {
  const chosen = parseLang(getCookie(c, LANG_COOKIE));
  if (chosen) return chosen;
  const accept = c.req.header('accept-language') ?? '';
  return /^en\b/i.test(accept.trim()) ? 'en' : 'ja';
}
