import { Hono } from 'hono';
import { eq } from 'drizzle-orm';
import { checkSessions, observations } from '../../../db/schema';
import { createWebCheckRoutes } from '../../../src/bot/web/routes';
import { startCheck } from '../../../src/domain/checks/start-check';
import { systemActor, withTransaction } from '../../../src/domain/context';
import { issueWebLink, webLinkKeys } from '../../../src/domain/web/issue-web-link';
import { errorHandler } from '../../../src/platform/http/errors';
import type { TestDeps } from '../../support/deps';

/** Only the web check router (plus the real error handler): other routers are not under test here. */
export function webApp(deps: TestDeps) {
  const app = new Hono();
  app.onError(errorHandler(deps.logger));
  app.route('/c', createWebCheckRoutes(deps));
  return app;
}

/** Start a web check for a person as the scheduler would, and issue its link. */
export async function openWebCheck(deps: TestDeps, personId: string) {
  const base = { actor: systemActor('test'), now: deps.now() };
  const { sessionId } = await withTransaction(deps.db, base, (ctx) => startCheck({ ctx, input: { personId, channel: 'web', source: 'manual' } }));
  const link = await withTransaction(deps.db, base, (ctx) => issueWebLink({ ctx, input: { sessionId }, keys: webLinkKeys(deps.env) }));
  return { sessionId, ...link };
}

export interface ParsedForm {
  q: string;
  n: string;
  t: string;
  heading: string;
  buttons: string[];
  checkboxes: string[];
  hasInput: boolean;
}

const attr = (html: string, name: string) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1] ?? '';

/** Reads the question form out of a page (the fields a browser would post). */
export function parseForm(html: string): ParsedForm | null {
  if (!html.includes('<form')) return null;
  return {
    q: attr(html, 'q'),
    n: attr(html, 'n'),
    t: attr(html, 't'),
    heading: html.match(/<h1[^>]*>([\s\S]*?)<\/h1>/)?.[1] ?? '',
    buttons: [...html.matchAll(/<button type="submit" name="v" value="([^"]*)"/g)].map((m) => m[1]!),
    checkboxes: [...html.matchAll(/<input type="checkbox" name="v" value="([^"]*)"/g)].map((m) => m[1]!),
    hasInput: /id="answer"/.test(html),
  };
}

export async function getPage(app: Hono, path: string) {
  const res = await app.request(path);
  return { res, html: await res.text() };
}

/** Post an answer to the form shown on the page; values are the v fields. */
export async function post(app: Hono, path: string, form: Pick<ParsedForm, 'q' | 'n' | 't'>, values: string[], extra: Record<string, string> = {}) {
  const body = new URLSearchParams({ q: form.q, n: form.n, t: form.t, ...extra });
  for (const v of values) body.append('v', v);
  return app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

/** A calm answer for each question of the default patient flow; overrides by question id. */
export function answerFor(form: ParsedForm, overrides: Record<string, string[]> = {}): string[] {
  const readBack = form.buttons.includes('yes') && /正しい|correct/.test(form.heading);
  if (readBack) return ['yes'];
  if (overrides[form.q]) return overrides[form.q]!;
  if (form.buttons.includes('no')) return ['no'];
  if (form.checkboxes.length) return ['none'];
  if (form.q === 'temperature') return ['36.8'];
  if (form.q === 'spo2') return ['97'];
  if (form.q === 'pulse') return ['76'];
  return [''];
}

/** Answer page after page until the check ends; returns the number of posts. */
export async function answerAll(app: Hono, path: string, overrides: Record<string, string[]> = {}): Promise<number> {
  for (let i = 0; i < 60; i++) {
    const { html } = await getPage(app, path);
    const form = parseForm(html);
    if (!form) return i;
    const res = await post(app, path, form, answerFor(form, overrides));
    if (res.status !== 303) throw new Error(`POST answered ${res.status}`);
  }
  throw new Error('the check did not end');
}

export async function sessionRow(deps: TestDeps, sessionId: string) {
  const [row] = await deps.db.select().from(checkSessions).where(eq(checkSessions.id, sessionId));
  return row!;
}

export async function observationsOf(deps: TestDeps, sessionId: string) {
  return deps.db.select().from(observations).where(eq(observations.sessionId, sessionId));
}
