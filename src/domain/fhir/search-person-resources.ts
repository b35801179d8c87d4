import { and, asc, inArray, isNotNull, ne, type SQL } from 'drizzle-orm';
import type { Condition, Encounter } from '@medplum/fhirtypes';
import { persons } from '../../../db/schema';
import { personScope } from '../access';
import type { VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { auditFhirRead } from './audit-reads';
import { toCondition, toEncounter } from './map-clinical';

export interface PersonResourceSearch {
  ids?: string[];
  patient?: string[];
  count: number;
  offset: number;
}

type Kind = 'Condition' | 'Encounter';
const HAS: Record<Kind, SQL> = { Condition: ne(persons.classification, 'close_contact'), Encounter: isNotNull(persons.admissionDate) };
const MAP: Record<Kind, (p: typeof persons.$inferSelect) => Condition | Encounter | null> = { Condition: toCondition, Encounter: toEncounter };

/** Condition (the notified disease) and Encounter (a hospital stay): one per person, read from the person's record. Audited. */
async function search(kind: Kind, { ctx, input }: VerbArgs<PersonResourceSearch>) {
  const where: SQL[] = [HAS[kind], personScope(ctx.actor)];
  if (input.ids) where.push(inArray(persons.id, input.ids));
  for (const p of input.patient ?? []) where.push(inArray(persons.id, p.split(',')));
  const rows = await ctx.tx.select().from(persons).where(and(...where)).orderBy(asc(persons.id)).limit(input.count + 1).offset(input.offset);
  const page = rows.slice(0, input.count);
  await auditFhirRead(ctx, kind, page.map((p) => p.id));
  return { resources: page.map((p) => MAP[kind](p)!), more: rows.length > input.count };
}

export const searchConditions = (args: VerbArgs<PersonResourceSearch>) => search('Condition', args);
export const searchEncounters = (args: VerbArgs<PersonResourceSearch>) => search('Encounter', args);

async function readOne(kind: Kind, args: VerbArgs<{ id: string }>) {
  const { resources } = await search(kind, { ctx: args.ctx, input: { ids: [args.input.id], count: 1, offset: 0 } });
  if (!resources[0]) throw new NotFoundError(kind, args.input.id);
  return resources[0];
}
export const readCondition = (args: VerbArgs<{ id: string }>) => readOne('Condition', args);
export const readEncounter = (args: VerbArgs<{ id: string }>) => readOne('Encounter', args);
