import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, personChannels } from '../../db/schema';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { bearer, Client, ensureCentre, makeStaff, makeToken } from './support';

/** Editing a person's phone moves their SMS and voice channels with it (they are what the senders use). */
let deps: TestDeps;
let api: ReturnType<typeof bearer>;
let nurse: Client;

beforeAll(async () => {
  deps = await createTestDeps({ WORKERS: 'off' });
  const app = createApp(deps);
  await ensureCentre(deps, '13-751');
  await makeStaff(deps, { email: 'phone@n.jp', role: 'nurse', jurisdictionCode: '13-751' });
  api = bearer(app, await makeToken(deps, 'phone@n.jp'));
  nurse = new Client(app);
  await nurse.signIn('phone@n.jp');
});
afterAll(async () => deps?.close());

const channelsOf = async (personId: string) =>
  (await deps.db.select().from(personChannels).where(eq(personChannels.personId, personId))).filter((c) => c.kind !== 'line').sort((a, b) => a.kind.localeCompare(b.kind));

async function register(fields: Record<string, unknown>): Promise<string> {
  const res = await api('POST', '/api/v1/persons', { caseNumber: `PH-${Math.random().toString(36).slice(2, 8)}`, name: '電話 変更', classification: 'confirmed', ...fields });
  expect(res.status).toBe(201);
  return (await res.json()).id;
}

describe('a person\'s phone number and their SMS / voice channels', () => {
  it('moves both channels to the new number, back to pending, when the phone is edited (API)', async () => {
    const id = await register({ phone: '090-1111-2222', preferredChannel: 'sms' });
    // The old number had been verified by a reply, and voice calls had been refused on it.
    await deps.db.update(personChannels).set({ state: 'verified', verifiedAt: new Date() }).where(and(eq(personChannels.personId, id), eq(personChannels.kind, 'sms')));
    await deps.db.update(personChannels).set({ state: 'opted_out', optedOutAt: new Date() }).where(and(eq(personChannels.personId, id), eq(personChannels.kind, 'voice')));

    const res = await api('PATCH', `/api/v1/persons/${id}`, { phone: '080-3333-4444' });
    expect(res.status).toBe(200);
    const channels = await channelsOf(id);
    expect(channels.map((c) => [c.kind, c.address, c.state, c.verifiedAt, c.optedOutAt])).toEqual([
      ['sms', '+818033334444', 'pending', null, null],
      ['voice', '+818033334444', 'pending', null, null],
    ]);
    const [audit] = await deps.db.select().from(auditLog).where(and(eq(auditLog.personId, id), eq(auditLog.action, 'update')));
    expect(audit!.details).toEqual({ fields: ['phone'], channels: [{ kind: 'sms', change: 'readdressed' }, { kind: 'voice', change: 'readdressed' }] });
    expect(JSON.stringify(audit!.details)).not.toContain('3333');
  });

  it('creates the channels when a phone is added later, so "send check now" by SMS works', async () => {
    const id = await register({ preferredChannel: 'sms' });
    expect(await channelsOf(id)).toEqual([]);
    expect((await api('POST', `/api/v1/persons/${id}/checks`, { channel: 'sms' })).status).toBe(409);

    expect((await api('PATCH', `/api/v1/persons/${id}`, { phone: '070-5555-6666' })).status).toBe(200);
    expect((await channelsOf(id)).map((c) => [c.kind, c.address, c.state])).toEqual([
      ['sms', '+817055556666', 'pending'],
      ['voice', '+817055556666', 'pending'],
    ]);
    const sent = await api('POST', `/api/v1/persons/${id}/checks`, { channel: 'sms' });
    expect(sent.status).toBe(202);
    expect((await sent.json()).channel).toBe('sms');
  });

  it('follows the edit form too, and removes the channels when the number is cleared', async () => {
    const id = await register({ phone: '090-1111-2222', preferredChannel: 'voice' });
    const form = { caseNumber: 'PH-FORM', name: '電話 変更', classification: 'confirmed', preferredChannel: 'voice', phone: '０９０－７７７７－８８８８' };
    expect((await nurse.form(`/admin/persons/${id}/edit`, form)).status).toBe(303);
    expect((await channelsOf(id)).map((c) => c.address)).toEqual(['+819077778888', '+819077778888']);

    expect((await nurse.form(`/admin/persons/${id}/edit`, { ...form, phone: '' })).status).toBe(303);
    expect(await channelsOf(id)).toEqual([]);
  });

  it('leaves the channels alone when the same number is saved again', async () => {
    const id = await register({ phone: '090-2222-3333' });
    await deps.db.update(personChannels).set({ state: 'verified', verifiedAt: new Date() }).where(eq(personChannels.personId, id));
    expect((await api('PATCH', `/api/v1/persons/${id}`, { phone: '090-2222-3333', name: '名前だけ変更' })).status).toBe(200);
    expect((await channelsOf(id)).map((c) => c.state)).toEqual(['verified', 'verified']);
  });
});
