import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Deps } from '../../deps';
import { SESSION_MAX_MS } from '../../domain/staff/sessions';
import { parseLang, type Lang } from '../ui/i18n';

export const SESSION_COOKIE = 'mm_session';
export const LANG_COOKIE = 'mm_lang';
/** Double-submit token for the sign-in form, before any session exists. */
export const LOGIN_CSRF_COOKIE = 'mm_login_csrf';

/** HttpOnly, SameSite=Lax (links from e-mail still open the console), Secure outside development. */
export function cookieOptions(deps: Deps, maxAgeSeconds: number) {
  return { httpOnly: true, sameSite: 'Lax' as const, secure: deps.env.NODE_ENV !== 'development', path: '/', maxAge: maxAgeSeconds };
}

export function setSessionCookie(c: Context, deps: Deps, value: string): void {
  setCookie(c, SESSION_COOKIE, value, cookieOptions(deps, SESSION_MAX_MS / 1000));
}

export function clearSessionCookie(c: Context, deps: Deps): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: deps.env.NODE_ENV !== 'development' });
}

export const readSessionCookie = (c: Context) => getCookie(c, SESSION_COOKIE);

/** The console language: the cookie set by the ja/en switch, else the browser's preference, else Japanese. */
export function langOf(c: Context): Lang {
  const chosen = parseLang(getCookie(c, LANG_COOKIE));
  if (chosen) return chosen;
  const accept = c.req.header('accept-language') ?? '';
  return /^en\b/i.test(accept.trim()) ? 'en' : 'ja';
}
