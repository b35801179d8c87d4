import { and, asc, inArray, type SQL } from 'drizzle-orm';
import { alerts } from '../../../db/schema';
import { activeAlertScope } from '../access';
import type { VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { auditFhirRead } from './audit-reads';
import { toFlag } from './map-clinical';
import { requirePermission } from '../permissions';

export interface FlagSearch {
  ids?: string[];
  patient?: string[];
  count: number;
  offset: number;
}

/** Open and acknowledged alerts of persons in scope (the triage queue's rule), as active Flags. Audited. */
export async function searchFlags({ ctx, input }: VerbArgs<FlagSearch>) {
  requirePermission(ctx.actor, 'searchFlags');
  const where: SQL[] = [inArray(alerts.status, ['open', 'acknowledged']), activeAlertScope(ctx.actor)];
  if (input.ids) where.push(inArray(alerts.id, input.ids));
  for (const p of input.patient ?? []) where.push(inArray(alerts.personId, p.split(',')));
  const rows = await ctx.tx
    .select({ id: alerts.id, personId: alerts.personId, severity: alerts.severity, reason: alerts.reason, status: alerts.status, details: alerts.details, createdAt: alerts.createdAt, updatedAt: alerts.updatedAt })
    .from(alerts)
    .where(and(...where))
    .orderBy(asc(alerts.createdAt), asc(alerts.id))
    .limit(input.count + 1)
    .offset(input.offset);
  const page = rows.slice(0, input.count);
  await auditFhirRead(ctx, 'Flag', page.map((a) => a.personId));
  return { resources: page.map(toFlag), more: rows.length > input.count };
}

export async function readFlag({ ctx, input }: VerbArgs<{ id: string }>) {
  requirePermission(ctx.actor, 'readFlag');
  const { resources } = await searchFlags({ ctx, input: { ids: [input.id], count: 1, offset: 0 } });
  if (!resources[0]) throw new NotFoundError('Flag', input.id);
  return resources[0];
}
