import { writeAudit } from '../audit';
import type { Ctx } from '../context';

/**
 * The audit rows of a FHIR read: a single resource of one person is a read of that person
 * (like opening the record); a search or page of many is one row listing the person ids
 * (like the console's lists). Ids only, never values.
 */
export async function auditFhirRead(ctx: Ctx, resourceType: string, personIds: string[], opts: { single?: boolean; resourceId?: string; details?: Record<string, unknown> } = {}): Promise<void> {
  const ids = [...new Set(personIds)];
  if (opts.single && ids.length === 1) {
    await writeAudit(ctx, { action: 'read', entity: `fhir_${resourceType}`, entityId: opts.resourceId ?? ids[0], personId: ids[0], details: { via: 'fhir', ...opts.details } });
  } else if (ids.length) {
    await writeAudit(ctx, { action: 'list', entity: `fhir_${resourceType}`, personId: ids.length === 1 ? ids[0] : null, details: { via: 'fhir', personIds: ids } });
  }
}
