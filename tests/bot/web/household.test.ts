import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, checkSessions, observations } from '../../../db/schema';
import { systemActor, withTransaction } from '../../../src/domain/context';
import { createHousehold } from '../../../src/domain/households/household-verbs';
import { issueWebLink, webLinkKeys } from '../../../src/domain/web/issue-web-link';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { answerAll, getPage, openWebCheck, parseForm, post, sessionRow, webApp } from './helpers';

/**
 * Issue 20: the household conversation on the web check. The reporter's own link leads
 * through each member's check in turn (`?m=<k>`, an index in household order), each
 * answered into the member's own session with who answered; a red answer for a child is
 * the child's alert, its advice shown before going on; a member's own link still works alone.
 */
let deps: TestDeps;
const now = new Date('2026-11-24T01:00:00Z'); // 10:00 in Tokyo
let app: ReturnType<typeof webApp>;

beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => now });
  app = webApp(deps);
  await createCentre(deps.db, { code: 'wh-centre', phone: '03-5273-3100' });
});
afterAll(async () => deps?.close());

/** A mother on the web and two children; the children's round sessions ride on hers (pending, no state). */
async function family() {
  const mother = await createPerson(deps.db, 'wh-centre', { name: '見守 花江', preferredChannel: 'web', phone: '090-8765-0001' }, now);
  const hanako = await createPerson(deps.db, 'wh-centre', { name: '見守 花子', dateOfBirth: '2021-06-01', preferredChannel: 'web' }, now);
  const taro = await createPerson(deps.db, 'wh-centre', { name: '見守 太郎', dateOfBirth: '2018-04-01', preferredChannel: 'web' }, now);
  await withTransaction(deps.db, { actor: systemActor('test'), now }, (ctx) =>
    createHousehold({ ctx, input: { reporterPersonId: mother.id, reporterRelation: '母', members: [{ personId: hanako.id, relation: '子', position: 1 }, { personId: taro.id, relation: '子', position: 2 }] } }),
  );
  const own = await openWebCheck(deps, mother.id);
  const kids = [];
  for (const k of [hanako, taro]) {
    const s = await openWebCheck(deps, k.id);
    await deps.db.update(checkSessions).set({ status: 'pending', source: 'household', state: null, promptedAt: null, nextActionAt: null }).where(eq(checkSessions.id, s.sessionId));
    kids.push(s);
  }
  return { mother, hanako, taro, own, kids: kids as [typeof own, typeof own] };
}

describe('a household on the web check', () => {
  it("the mother's link leads through her own check, then 花子's and 太郎's; 花子's seizure is 花子's red alert, its advice shown before going on", async () => {
    const { mother, hanako, taro, own, kids } = await family();
    await answerAll(app, own.path);
    let page = await getPage(app, own.path);
    expect(page.html).toContain('回答を受け付けました');
    expect(page.html).toContain(`id="household-next" class="primary" href="${own.path}?m=1&amp;lang=ja"`);
    expect(page.html).toContain('次へ：花子さん');
    expect(page.html).not.toContain('もう使えません'); // the link leads on

    const hanakoPath = `${own.path}?m=1`;
    page = await getPage(app, hanakoPath);
    expect(page.html).toContain('次は 花子さん（5歳）について伺います。');
    expect(parseForm(page.html)?.heading).toContain('お子さんの今日の体温');
    expect(page.html).toContain('href="?m=1&amp;lang=vi"'); // another language stays on 花子's page
    expect((await getPage(app, `${hanakoPath}&lang=en`)).html).toContain('Next, a few questions about 花子 (age 5).');
    await answerAll(app, hanakoPath, { convulsion: ['yes'], temperature: ['37.9'] });
    page = await getPage(app, hanakoPath);
    expect(page.html).toContain('role="alert"'); // the call-now advice, on 花子's page, before going on
    expect(page.html).toContain('href="tel:0352733100"');
    expect(page.html).toContain('次へ：太郎さん');

    const taroPath = `${own.path}?m=2`;
    await answerAll(app, taroPath);
    page = await getPage(app, taroPath);
    expect(page.html).toContain('次は 太郎さん（8歳）について伺います。');
    expect(page.html).toContain('ご家族全員分のご回答ありがとうございました。');
    expect(page.html).not.toContain('household-next');

    const sessions = await deps.db.select().from(checkSessions).where(inArray(checkSessions.id, [own.sessionId, ...kids.map((k) => k.sessionId)]));
    expect(sessions.every((s) => s.status === 'completed')).toBe(true);
    expect(sessions.filter((s) => s.personId !== mother.id).map((s) => s.answeredByPersonId)).toEqual([mother.id, mother.id]);
    const hanakoObs = await deps.db.select().from(observations).where(eq(observations.sessionId, kids[0].sessionId));
    expect(hanakoObs.length).toBeGreaterThan(3);
    expect(hanakoObs.every((o) => o.personId === hanako.id && o.answeredByPersonId === mother.id && o.channel === 'web')).toBe(true);
    const raised = await deps.db.select().from(alerts).where(inArray(alerts.personId, [mother.id, hanako.id, taro.id]));
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ personId: hanako.id, severity: 'red', sessionId: kids[0].sessionId });
  }, 60_000);

  it('a member reached by the reporter’s link records a resubmitted form once, and an index that is no member goes back to the link’s own page', async () => {
    const { own, kids } = await family();
    const path = `${own.path}?m=1`;
    const form = parseForm((await getPage(app, path)).html)!;
    expect((await post(app, path, form, ['36.9'])).status).toBe(303);
    expect((await post(app, path, form, ['36.9'])).status).toBe(303); // a double tap
    const obs = await deps.db.select().from(observations).where(eq(observations.sessionId, kids[0].sessionId));
    expect(obs.filter((o) => o.questionId === 'temperature')).toHaveLength(1);
    const stray = await app.request(`${own.path}?m=7`);
    expect(stray.status).toBe(303);
    expect(stray.headers.get('location')).toBe(own.path);
  });

  it("a member's own link still works alone (answered by themselves), and cannot reach the others", async () => {
    const { taro, kids } = await family();
    const taroSession = kids[1].sessionId;
    const link = await withTransaction(deps.db, { actor: systemActor('test'), now }, (ctx) => issueWebLink({ ctx, input: { sessionId: taroSession }, keys: webLinkKeys(deps.env) }));
    const alone = await app.request(`${link.path}?m=1`);
    expect(alone.status).toBe(303); // 太郎 reports for no one
    await answerAll(app, link.path);
    const s = await sessionRow(deps, taroSession);
    expect(s).toMatchObject({ personId: taro.id, status: 'completed', answeredByPersonId: null });
    const page = await getPage(app, link.path);
    expect(page.html).toContain('回答を受け付けました');
    expect(page.html).not.toContain('household-next');
  });

  it("an expired reporter's link reaches no member", async () => {
    const { own } = await family();
    const later = new Date(now.getTime() + 2 * 24 * 3600_000);
    const lateDeps = { ...deps, now: () => later } as TestDeps;
    const res = await webApp(lateDeps).request(`${own.path}?m=1`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(own.path);
  });
});
