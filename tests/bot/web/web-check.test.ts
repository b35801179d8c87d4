import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { alerts, checkSessions, outboundMessages } from '../../../db/schema';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { createApp } from '../../../src/app';
import { systemActor, withTransaction } from '../../../src/domain/context';
import { changePersonStatus } from '../../../src/domain/persons/change-person-status';
import { closeExpiredSessions } from '../../../src/domain/rounds/close-expired-sessions';
import { answerAll, getPage, observationsOf, openWebCheck, parseForm, post, sessionRow, webApp } from './helpers';

describe('web check page', () => {
  let deps: TestDeps;
  let now = new Date('2026-11-24T01:00:00Z'); // 10:00 in Tokyo
  let app: ReturnType<typeof webApp>;
  let personId: string;

  beforeAll(async () => {
    deps = await createTestDeps({}, { now: () => now });
    app = webApp(deps);
    await createCentre(deps.db, { code: 'wc-centre', phone: '03-5273-3000' });
    ({ id: personId } = await createPerson(deps.db, 'wc-centre', { name: '秘密 太郎', hasOximeter: true, dateOfBirth: '1950-01-01', phone: '090-8765-4321' }, now));
  });
  afterAll(async () => deps?.close());

  it('shows the first question as an accessible form, with headers that keep the token private', async () => {
    const { path } = await openWebCheck(deps, personId);
    const { res, html } = await getPage(app, path);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-robots-tag')).toContain('noindex');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html.startsWith('<!DOCTYPE html><html lang="ja">')).toBe(true); // standards mode
    expect(html).toContain('今日の健康観察です');
    expect(html).toMatch(/<fieldset><legend><h1 id="question" tabindex="-1"[^>]*>今日の体温は何度ですか/);
    expect(html).toContain('inputmode="decimal"');
    expect(html).toContain('<label for="answer">');
    expect(html).not.toMatch(/<script>|style="/); // nothing inline: the CSP would block it
    expect(parseForm(html)).toMatchObject({ q: 'temperature', n: '0', t: 'm' });
  });

  it('answers a whole check: one observation per question, completed, then a thank-you page', async () => {
    const { path, sessionId } = await openWebCheck(deps, personId);
    const posts = await answerAll(app, path, { comment: ['特にありません'] });
    expect(posts).toBeGreaterThanOrEqual(8);
    const session = await sessionRow(deps, sessionId);
    expect(session.status).toBe('completed');
    const obs = await observationsOf(deps, sessionId);
    // One page for the eight grouped symptoms (checkboxes, 「どれもない」): one observation each.
    expect(obs).toHaveLength(posts + 7);
    expect(obs.filter((o) => ['cough', 'sore_throat', 'fatigue', 'nausea', 'diarrhea', 'taste_smell', 'cannot_eat', 'no_urine'].includes(o.questionId)).map((o) => o.value)).toEqual(Array(8).fill(false));
    expect(obs.every((o) => o.channel === 'web')).toBe(true);
    expect(obs.find((o) => o.questionId === 'temperature')!.valueNumber).toBe(36.8);
    expect(obs.find((o) => o.questionId === 'urgent')!.value).toEqual(['none']);
    const { html } = await getPage(app, path);
    expect(html).toContain('回答を受け付けました');
    expect(html).toContain('ご回答ありがとうございました');
    expect(html).toContain('href="tel:0352733000"');
  });

  it('a session the round created without engine state (link sent by SMS or LINE) starts on the first answer, never on a GET', async () => {
    const { path, sessionId } = await openWebCheck(deps, personId);
    await deps.db.update(checkSessions).set({ state: null, status: 'prompted' }).where(eq(checkSessions.id, sessionId));
    const { html } = await getPage(app, path);
    await getPage(app, path); // a link preview or a reload changes nothing
    expect((await sessionRow(deps, sessionId)).state).toBeNull();
    const form = parseForm(html)!;
    expect(form).toMatchObject({ q: 'temperature', n: '0' });
    await post(app, path, form, ['36.4']);
    expect((await observationsOf(deps, sessionId)).map((o) => o.valueNumber)).toEqual([36.4]);
    expect(parseForm((await getPage(app, path)).html)).toMatchObject({ q: 'spo2', n: '1' });
  });

  it('records a double tap, a back button or a resubmitted form once', async () => {
    const { path, sessionId } = await openWebCheck(deps, personId);
    const form = parseForm((await getPage(app, path)).html)!;
    const [a, b] = await Promise.all([post(app, path, form, ['37.1']), post(app, path, form, ['37.1'])]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(a.headers.get('location')).toBe(path);
    const again = await post(app, path, form, ['38.9']); // the back button: the old form, another value
    expect(again.status).toBe(303);
    const obs = await observationsOf(deps, sessionId);
    expect(obs.map((o) => [o.questionId, o.valueNumber])).toEqual([['temperature', 37.1]]);
    const state = (await sessionRow(deps, sessionId)).state as { step: number; nodeId: string };
    expect(state).toMatchObject({ step: 1, nodeId: 'spo2' });
    expect(parseForm((await getPage(app, path)).html)).toMatchObject({ q: 'spo2', n: '1' });
  });

  it('a red answer (SpO2 91, confirmed) raises a red alert and shows the call-now advice with the centre’s number', async () => {
    const { path, sessionId } = await openWebCheck(deps, personId);
    let form = parseForm((await getPage(app, path)).html)!;
    await post(app, path, form, ['36.9']);
    form = parseForm((await getPage(app, path)).html)!;
    await post(app, path, form, ['91']);
    const readBack = await getPage(app, path);
    form = parseForm(readBack.html)!;
    expect(form.heading).toContain('91%で正しいですか');
    expect(form.buttons).toEqual(['yes', 'no']);
    await post(app, path, form, ['yes']);
    const { html } = await getPage(app, path);
    expect(html).toMatch(/<section class="urgent" role="alert"/);
    expect(html).toContain('今すぐ電話してください');
    expect(html).toContain('href="tel:0352733000"');
    expect(html).toContain('href="tel:119"');
    expect(parseForm(html)!.q).toBe('pulse'); // the check goes on under the advice
    const [alert] = await deps.db.select().from(alerts).where(eq(alerts.sessionId, sessionId));
    expect(alert).toMatchObject({ severity: 'red', personId, status: 'open' });
    // The call buttons stay on the following pages, in any language.
    await post(app, path, parseForm(html)!, ['80']);
    const en = await getPage(app, `${path}?lang=en`);
    expect(en.html).toContain('class="urgent-still"');
    expect(en.html).toContain('Call 119');
  });

  it('a wrong value is asked again with a hint and nothing is lost', async () => {
    const { path, sessionId } = await openWebCheck(deps, personId);
    const form = parseForm((await getPage(app, path)).html)!;
    await post(app, path, form, ['45']);
    const { html } = await getPage(app, path);
    expect(parseForm(html)).toMatchObject({ q: 'temperature', n: '1' });
    expect(html).toContain('測り間違いかもしれません');
    expect(await observationsOf(deps, sessionId)).toHaveLength(0);
  });

  it('switches language by ?lang= only: English and やさしい日本語', async () => {
    const { path } = await openWebCheck(deps, personId);
    const en = await getPage(app, `${path}?lang=en`);
    expect(en.html).toContain('<html lang="en">');
    expect(en.html).toContain('What is your temperature today?');
    const easy = await getPage(app, `${path}?lang=ja-easy`);
    expect(easy.html).toContain('きょうの たいおんは なんどですか');
    const res = await post(app, path, parseForm(en.html)!, ['36.5'], { lang: 'en' });
    expect(res.headers.get('location')).toBe(`${path}?lang=en`);
    expect((await getPage(app, `${path}?lang=en`)).html).toContain('SpO2 (oxygen saturation)');
  });

  it('keeps a comment with markup exactly as typed and never renders it as HTML', async () => {
    const { path, sessionId } = await openWebCheck(deps, personId);
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const pages: string[] = [];
    for (let i = 0; i < 40; i++) {
      const { html } = await getPage(app, path);
      pages.push(html);
      const form = parseForm(html);
      if (!form) break;
      const v = form.q === 'comment' ? [evil] : form.checkboxes.length ? ['none'] : form.buttons.includes('no') ? ['no'] : [form.q === 'spo2' ? '97' : form.q === 'pulse' ? '70' : '36.6'];
      await post(app, path, form, v);
    }
    const comment = (await observationsOf(deps, sessionId)).find((o) => o.questionId === 'comment');
    expect(comment?.raw).toBe(evil);
    for (const html of pages) expect(html).not.toContain('<script>alert');
  });

  it('after hours the red box puts 119 first and marks the centre closed; the finished check ends on the advice again', async () => {
    await createCentre(deps.db, { code: 'wc-closed', phone: '03-5273-9999', openingHours: JSON.stringify({ days: [], open: '09:00', close: '17:00' }) });
    const { id } = await createPerson(deps.db, 'wc-closed', { hasOximeter: false }, now);
    const { path } = await openWebCheck(deps, id);
    await post(app, path, parseForm((await getPage(app, path)).html)!, ['36.9']);
    await post(app, path, parseForm((await getPage(app, path)).html)!, ['yes']); // 表情・顔色: red
    const { html } = await getPage(app, path);
    const box = /<section class="urgent"[\s\S]*?<\/section>/.exec(html)![0];
    expect(box).toContain('時間外のため、今すぐ119番に');
    expect(box.indexOf('href="tel:119"')).toBeLessThan(box.indexOf('href="tel:0352739999"'));
    expect(box).toContain('時間外・つながらないことがあります');
    const done = await answerAll(app, path);
    expect(done).toBeGreaterThan(0);
    const end = (await getPage(app, path)).html;
    expect(end).toContain('回答を受け付けました');
    expect(end).not.toContain('お大事にしてください');
    expect(end).toContain('時間外のため、今すぐ119番に');
  });

  it('an expired link explains what to do next and records nothing', async () => {
    const { path, sessionId, expiresAt } = await openWebCheck(deps, personId);
    const form = parseForm((await getPage(app, path)).html)!;
    const saved = now;
    now = new Date(expiresAt.getTime() + 60_000);
    try {
      const { res, html } = await getPage(app, path);
      expect(res.status).toBe(410);
      expect(html).toContain('この健康観察は終了しました');
      expect(html).toContain('wc-centre保健所（03-5273-3000）');
      expect(html).toContain('href="tel:0352733000"');
      const late = await post(app, path, form, ['36.6']);
      expect(late.status).toBe(303);
      expect(await observationsOf(deps, sessionId)).toHaveLength(0);
    } finally {
      now = saved;
    }
  });

  it('a reused link after the check is answered shows the answered page and records nothing', async () => {
    const { path, sessionId } = await openWebCheck(deps, personId);
    const first = parseForm((await getPage(app, path)).html)!;
    await answerAll(app, path);
    const count = (await observationsOf(deps, sessionId)).length;
    expect((await post(app, path, first, ['39.9'])).status).toBe(303);
    expect(await observationsOf(deps, sessionId)).toHaveLength(count);
    const { html } = await getPage(app, path);
    expect(html).toContain('この健康観察は回答済みです');
  });

  it('a check the round closed as missed, or cancelled when the person went to hospital, shows the closed page and records nothing', async () => {
    const { id: other } = await createPerson(deps.db, 'wc-centre', { hasOximeter: true }, now);
    // Missed: the tick's clean-up at the end of the round.
    const missed = await openWebCheck(deps, other);
    const missedForm = parseForm((await getPage(app, missed.path)).html)!;
    /** The closed page with the centre's number; an answer posted from the old form records nothing. */
    const expectClosed = async (check: { path: string; sessionId: string }, form: NonNullable<ReturnType<typeof parseForm>>, status: string) => {
      expect((await sessionRow(deps, check.sessionId)).status).toBe(status);
      const { res, html } = await getPage(app, check.path);
      expect(res.status).toBe(410);
      expect(html).toContain('この健康観察は終了しました');
      expect(html).toContain('wc-centre保健所（03-5273-3000）');
      expect(html).toContain('href="tel:0352733000"');
      expect((await post(app, check.path, form, ['36.6'])).status).toBe(303);
      expect(await observationsOf(deps, check.sessionId)).toHaveLength(0);
    };
    const saved = now;
    now = new Date(missed.expiresAt.getTime() + 60_000);
    try {
      await closeExpiredSessions(deps.db, { now, limit: 100 });
      await expectClosed(missed, missedForm, 'missed');
    } finally {
      now = saved;
    }
    // Cancelled within the round (the link itself has not expired): 入院 stops today's check.
    const cancelled = await openWebCheck(deps, other);
    const form = parseForm((await getPage(app, cancelled.path)).html)!;
    await withTransaction(deps.db, { actor: systemActor('test'), now }, (ctx) => changePersonStatus({ ctx, input: { personId: other, status: 'hospitalized' } }));
    expect(cancelled.expiresAt.getTime()).toBeGreaterThan(now.getTime());
    await expectClosed(cancelled, form, 'cancelled');
  });

  it('a tampered or foreign link shows the invalid-link page without looking anything up', async () => {
    const { token } = await openWebCheck(deps, personId);
    const flipped = `${token.slice(0, 5)}${token[5] === 'A' ? 'B' : 'A'}${token.slice(6)}`;
    for (const bad of [flipped, 'nonsense', `${token}x`]) {
      const { res, html } = await getPage(app, `/c/${bad}`);
      expect(res.status).toBe(404);
      expect(html).toContain('このリンクは使えません');
      expect(html).not.toContain('wc-centre');
    }
  });

  it('refuses an oversized form without recording', async () => {
    const { path, sessionId } = await openWebCheck(deps, personId);
    const form = parseForm((await getPage(app, path)).html)!;
    const res = await post(app, path, form, ['x'.repeat(20_000)]);
    expect(res.status).toBe(413);
    expect(await observationsOf(deps, sessionId)).toHaveLength(0);
  });

  it('an unexpected failure shows a page telling to reopen the link, and logs no query text', async () => {
    const { path } = await openWebCheck(deps, personId);
    const db = new Proxy(deps.db, {
      get: (target, prop) => (prop === 'select' ? () => { throw new Error('Failed query: params 秘密のコメント'); } : Reflect.get(target, prop)),
    });
    const broken = webApp({ ...deps, db } as TestDeps);
    const { res, html } = await getPage(broken, path);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('もう一度このリンクを開いてください');
    expect(deps.logs.text).toContain('web check page failed');
    expect(deps.logs.text).not.toContain('秘密のコメント');
  });

  it('keeps the engine’s replies for the page, and never logs the token or the person', async () => {
    const { path, token, sessionId } = await openWebCheck(deps, personId);
    await post(app, path, parseForm((await getPage(app, path)).html)!, ['36.7']);
    const replies = await deps.db.select().from(outboundMessages).where(eq(outboundMessages.sessionId, sessionId));
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ channel: 'web', kind: 'reply', status: 'delivered' });
    expect(deps.logs.text).not.toContain(token);
    expect(deps.logs.text).not.toContain('秘密');
  });
});

describe('the web check in the whole app', () => {
  let deps: TestDeps;
  const now = new Date('2026-11-24T01:00:00Z');
  let personId: string;

  beforeAll(async () => {
    deps = await createTestDeps({}, { now: () => now });
    await createCentre(deps.db, { code: 'al-centre', phone: '03-5273-3000' });
    ({ id: personId } = await createPerson(deps.db, 'al-centre', { hasOximeter: true }, now));
  });
  afterAll(async () => deps?.close());

  it('its access log names the route, never the token or any part of it', async () => {
    const app = createApp(deps); // request id, access log and all, as npm start serves it
    const { path, token } = await openWebCheck(deps, personId);
    const shown = await app.request(`${path}?lang=en`);
    expect(shown.status).toBe(200);
    const answered = await post(app, path, parseForm(await shown.text())!, ['36.9'], { lang: 'en' });
    expect(answered.status).toBe(303);
    expect(answered.headers.get('location')).toBe(`${path}?lang=en`);
    expect((await app.request(`/c/${token}x`)).status).toBe(404); // a broken link is logged the same way
    const requests = deps.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/c/:token', 200],
      ['POST', '/c/:token', 303],
      ['GET', '/c/:token', 404],
    ]);
    const [payload, mac] = token.split('.');
    for (const secret of [token, payload!, mac!, 'lang=en']) expect(deps.logs.text).not.toContain(secret);
  });
});

describe('a short flow on one page (close contacts)', () => {
  let deps: TestDeps;
  const now = new Date('2026-11-24T01:00:00Z');
  let app: ReturnType<typeof webApp>;
  let personId: string;

  beforeAll(async () => {
    deps = await createTestDeps({}, { now: () => now });
    app = webApp(deps);
    await createCentre(deps.db, { code: 'op-centre', phone: '03-1234-5678' });
    ({ id: personId } = await createPerson(deps.db, 'op-centre', { classification: 'close_contact' }, now));
  });
  afterAll(async () => deps?.close());

  /** The one-page form's fields as a browser would post them. */
  function onePageBody(html: string, answers: Record<string, string[]>): URLSearchParams {
    const body = new URLSearchParams({ mode: 'all', q: /name="q" value="([^"]*)"/.exec(html)![1]!, n: /name="n" value="([^"]*)"/.exec(html)![1]! });
    for (const m of html.matchAll(/name="t\.([a-z_]+)" value="([cm])"/g)) {
      body.append(`t.${m[1]}`, m[2]!);
      for (const v of answers[m[1]!] ?? []) body.append(`a.${m[1]}`, v);
    }
    return body;
  }
  const send = (path: string, body: URLSearchParams) => app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const calm = { temperature: ['36.6'], breathless: ['no'], symptoms: ['fatigue'] };
  const recorded = ['temperature', 'breathless', 'cough', 'sore_throat', 'fatigue', 'taste_smell'];

  it('shows every question as its own fieldset and records them all with one submit, once', async () => {
    const { path, sessionId } = await openWebCheck(deps, personId);
    const { html } = await getPage(app, path);
    expect(html.match(/<fieldset class="one"/g)).toHaveLength(3);
    expect(html).toContain('type="radio" name="a.breathless" value="no"');
    expect(html).toContain('name="a.symptoms" value="none"'); // the group: checkboxes with 「どれもない」
    const body = onePageBody(html, calm);
    expect((await send(path, body)).status).toBe(303);
    expect((await send(path, body)).status).toBe(303); // the same form again
    const obs = await observationsOf(deps, sessionId);
    expect(obs.map((o) => o.questionId).sort()).toEqual([...recorded].sort());
    expect(obs.find((o) => o.questionId === 'fatigue')!.value).toBe(true);
    expect(obs.find((o) => o.questionId === 'cough')!.value).toBe(false);
    expect((await sessionRow(deps, sessionId)).status).toBe('completed');
    expect((await getPage(app, path)).html).toContain('回答を受け付けました');
  });

  it('keeps what was answered and goes on one question at a time from the first answer it cannot read', async () => {
    const { path, sessionId } = await openWebCheck(deps, personId);
    const { html } = await getPage(app, path);
    await send(path, onePageBody(html, { ...calm, breathless: [], symptoms: ['cough'] }));
    const obs = await observationsOf(deps, sessionId);
    expect(obs.map((o) => o.questionId).sort()).toEqual(['temperature']);
    const next = await getPage(app, path);
    expect(parseForm(next.html)).toMatchObject({ q: 'breathless' });
    expect(next.html).toContain('「はい」「いいえ」「わからない」で答えてください');
    expect(next.html).not.toContain('fieldset class="one"');
  });
});
