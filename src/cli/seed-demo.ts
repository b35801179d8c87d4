import { eq } from 'drizzle-orm';
import { jurisdictions, medicalInstitutions, persons, staffUsers } from '../../db/schema';
import { DEMO_CENTRES, DEMO_INSTITUTION, DEMO_PASSWORD, DEMO_PERSONS, DEMO_STAFF } from '../../db/seed/demo-data';
import type { Deps } from '../deps';
import { systemActor, withTransaction, type Ctx } from '../domain/context';
import { answerCheck } from '../domain/checks/answer-check';
import { startCheck } from '../domain/checks/start-check';
import { registerPerson } from '../domain/persons/register-person';
import { createStaff } from '../domain/staff/create-staff';
import type { OutMessage } from '../flows';
import { CliUsageError, type CliCommand } from './command';

const OPENING_HOURS = JSON.stringify({ days: [1, 2, 3, 4, 5], open: '08:30', close: '17:15' });

async function seedCentres(ctx: Ctx): Promise<void> {
  for (const c of DEMO_CENTRES) {
    const [pref] = await ctx.tx.select().from(jurisdictions).where(eq(jurisdictions.code, c.prefecture));
    await ctx.tx
      .insert(jurisdictions)
      .values({ kind: 'health_centre', parentId: pref!.id, code: c.code, path: `${pref!.path}${c.code}/`, nameJa: c.ja, nameEn: c.en, phone: c.phone, openingHours: OPENING_HOURS })
      .onConflictDoNothing();
  }
  const [centre] = await ctx.tx.select().from(jurisdictions).where(eq(jurisdictions.code, DEMO_INSTITUTION.jurisdiction));
  await ctx.tx.insert(medicalInstitutions).values({ code: DEMO_INSTITUTION.code, name: DEMO_INSTITUTION.name, jurisdictionId: centre!.id }).onConflictDoNothing();
}

async function seedStaff(ctx: Ctx): Promise<number> {
  let created = 0;
  for (const s of DEMO_STAFF) {
    const [existing] = await ctx.tx.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.email, s.email));
    if (existing) continue;
    await createStaff({
      ctx,
      input: { email: s.email, displayName: s.name, password: DEMO_PASSWORD, role: s.role, jurisdictionCode: 'jurisdiction' in s ? s.jurisdiction : null, institutionCode: 'institution' in s ? s.institution : null },
    });
    created++;
  }
  return created;
}

/** A plausible answer to a demo question: the day's temperature, good SpO2, no symptoms. */
function demoAnswer(m: OutMessage, temperature: number): string {
  if (m.expects === 'number') return m.unit?.includes('℃') ? String(temperature) : m.unit?.includes('%') ? '97' : '76';
  if (m.expects === 'confirm') return 'はい';
  if (m.expects === 'multi' || m.expects === 'single') {
    const none = m.choices?.find((c) => /なし|none/i.test(c.label) || c.value === 'none');
    return none?.label ?? m.choices?.[0]?.label ?? '1';
  }
  if (m.expects === 'scale') return '2';
  if (m.expects === 'text') return 'とくになし';
  return 'いいえ';
}

/** Answer a few past days' checks through the real verbs, so the console has history and trends. */
async function seedHistory(deps: Deps, personId: string, temperatures: number[]): Promise<void> {
  const today = deps.now();
  for (let i = 0; i < temperatures.length; i++) {
    const at = new Date(today.getTime() - (temperatures.length - i) * 86_400_000);
    const base = { actor: systemActor('seed-demo'), now: at };
    let out = await withTransaction(deps.db, base, (ctx) => startCheck({ ctx, input: { personId, channel: 'web', source: 'manual' } }));
    for (let guard = 0; guard < 40 && !out.completed; guard++) {
      const question = [...out.messages].reverse().find((m) => m.expects);
      if (!question) break;
      const text = demoAnswer(question, temperatures[i]!);
      const sessionId = out.sessionId;
      const next = await withTransaction(deps.db, base, (ctx) => answerCheck({ ctx, input: { sessionId, channel: 'web', input: { type: 'message', text } } }));
      if (next.closed) break;
      out = { ...next, sessionId };
    }
  }
}

export const seedDemoCommand: CliCommand = {
  name: 'seed-demo',
  summary: 'demo health centres, one staff user per role, demo persons with a few days of answers (idempotent)',
  usage: 'seed-demo [--allow-production]',
  async run(args, deps, out) {
    // The demo accounts' password is printed in the README: whoever signs in first would own a national officer.
    if (deps.env.NODE_ENV === 'production') {
      if (args.flags['allow-production'] !== true) {
        throw new CliUsageError('seed-demo refused: NODE_ENV=production. The demo staff share a password printed in the README (a national officer among them). Use a test installation, or pass --allow-production if this really is a throw-away demo.');
      }
      out('WARNING: seeding demo data into a production installation (--allow-production). The demo staff users share the README password: disable them before real use.');
    }
    const base = { actor: systemActor('seed-demo'), now: deps.now() };
    const staffCreated = await withTransaction(deps.db, base, async (ctx) => {
      await seedCentres(ctx);
      return seedStaff(ctx);
    });
    let personsCreated = 0;
    for (const p of DEMO_PERSONS) {
      const [centre] = await deps.db.select({ id: jurisdictions.id }).from(jurisdictions).where(eq(jurisdictions.code, p.centre));
      const [existing] = await deps.db.select({ id: persons.id }).from(persons).where(eq(persons.caseNumber, p.caseNumber));
      if (existing || !centre) continue;
      const { temperatures, centre: centreCode, channel, ...fields } = p;
      const { id } = await withTransaction(deps.db, base, (ctx) =>
        registerPerson({ ctx, input: { ...fields, preferredChannel: channel, responsibleCentreCode: centreCode, monitoringStart: new Date(deps.now().getTime() - 4 * 86_400_000).toISOString().slice(0, 10) } }),
      );
      await seedHistory(deps, id, temperatures);
      personsCreated++;
    }
    out(`seed-demo: ${staffCreated} staff users and ${personsCreated} persons created (existing ones left as they were)`);
    if (staffCreated) out(`demo sign-in: ${DEMO_STAFF.map((s) => s.email).join(', ')} — password "${DEMO_PASSWORD}"`);
  },
};
