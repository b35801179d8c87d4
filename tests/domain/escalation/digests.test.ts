import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalations, persons } from '../../../db/schema';
import { raiseAlert } from '../../../src/domain/alerts/raise-alert';
import { systemActor, withTransaction } from '../../../src/domain/context';
import { runEscalations } from '../../../src/domain/escalation/run-escalations';
import { sendDigests } from '../../../src/domain/escalation/send-digests';
import { makeStaff } from '../../admin/support';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { startSmtpServer, type LocalSmtpServer } from '../../support/smtp-server';

// Digest e-mails per centre against a local SMTP server: hourly while alerts are open, a
// morning summary; counts and a console link, never a person; once per slot.
let deps: TestDeps;
let smtp: LocalSmtpServer;
const jst = (local: string) => new Date(`${local}+09:00`);
let personName = '';
let caseNumber = '';

beforeAll(async () => {
  smtp = await startSmtpServer();
  deps = await createTestDeps({ SMTP_URL: smtp.url, PUBLIC_BASE_URL: 'https://mimamori.test' });
  await createCentre(deps.db, { code: '13-971' });
  await createCentre(deps.db, { code: '13-972' }); // no alerts: no hourly digest
  await makeStaff(deps, { email: 'n1@971.jp', role: 'nurse', jurisdictionCode: '13-971' });
  await makeStaff(deps, { email: 'a1@971.jp', role: 'centre_admin', jurisdictionCode: '13-971' });
  await makeStaff(deps, { email: 'n@972.jp', role: 'nurse', jurisdictionCode: '13-972' });
  const p = await createPerson(deps.db, '13-971', { phone: '090-7777-0001' }, jst('2026-12-07T20:00:00'));
  const [row] = await deps.db.select().from(persons).where(eq(persons.id, p.id));
  personName = row!.name;
  caseNumber = row!.caseNumber;
  await withTransaction(deps.db, { actor: systemActor('test'), now: jst('2026-12-07T21:00:00') }, (ctx) =>
    raiseAlert({ ctx, input: { personId: p.id, severity: 'red', reason: 'spo2_low', reasons: [{ ruleId: 'spo2_low', ja: 'SpO2 90%', en: 'SpO2 90%', values: {} }], dedupeKey: `d:${p.id}` } }),
  );
});
afterAll(async () => {
  await deps?.close();
  await smtp?.close();
});

describe('alert digests by e-mail', () => {
  it('sends the hourly digest to the centre\'s staff once an hour while an alert is open, with counts and a link only', async () => {
    expect(await sendDigests(deps, jst('2026-12-07T22:05:00'))).toBe(1);
    expect(await sendDigests(deps, jst('2026-12-07T22:40:00'))).toBe(0); // same hour
    const [mail] = await smtp.waitFor(1);
    expect(mail!.to.sort()).toEqual(['a1@971.jp', 'n1@971.jp']);
    expect(mail!.subject).toBe('【見守り】13-971保健所: 未対応のアラート 赤1件・黄0件');
    expect(mail!.text).toContain('未対応の赤アラート: 1件（最も長いもので 65分 待っています）');
    expect(mail!.text).toContain('コンソール: https://mimamori.test/admin');
    for (const s of [personName, caseNumber, '7777', 'SpO2']) expect(`${mail!.subject}\n${mail!.text}`).not.toContain(s);
    expect(await sendDigests(deps, jst('2026-12-07T23:01:00'))).toBe(1);
    await smtp.waitFor(2);
  });

  it('sends the morning summary to every centre at 08:00 once, with yesterday\'s figures', async () => {
    const before = smtp.mails.length;
    expect(await sendDigests(deps, jst('2026-12-08T07:59:00'))).toBe(1); // hourly only
    expect(await sendDigests(deps, jst('2026-12-08T08:00:00'))).toBe(2);
    expect(await sendDigests(deps, jst('2026-12-08T08:30:00'))).toBe(0);
    const mails = await smtp.waitFor(before + 3);
    const morning = mails.filter((m) => m.subject.includes('朝のまとめ（2026-12-08）'));
    expect(morning.map((m) => m.subject).sort()).toEqual(['【見守り】13-971保健所 朝のまとめ（2026-12-08）', '【見守り】13-972保健所 朝のまとめ（2026-12-08）']);
    const ours = morning.find((m) => m.subject.startsWith('【見守り】13-971保健所'))!;
    expect(ours.text).toContain('新しいアラート: 1件');
    expect(ours.text).toContain('未対応の赤アラート: 1件');
  });

  it('pages nobody and starts no chain without Twilio settings (the digests still go)', async () => {
    const summary = await runEscalations(deps, jst('2026-12-08T09:10:00'));
    expect(summary).toMatchObject({ pagingOff: true, alertsJoined: 0, pages: 0 });
    expect(await deps.db.select().from(escalations)).toEqual([]);
  });
});
