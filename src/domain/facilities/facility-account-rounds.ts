import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client';
import type { FacilityKind } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { NotFoundError } from '../errors';
import { requirePermission } from '../permissions';
import { facilityRoundView, type FacilityRoundView } from './facility-round';
import { facilityInScope } from './facility-verbs';

/**
 * What a facility's own account (role facility_reporter, 施設職員) reads: its facility's
 * rounds — today's and any still open — and one round's page. The account is bound to one
 * facility (staff_users.facility_id); facilityInScope refuses every other as not found.
 */

export interface FacilityRoundItem {
  id: string;
  localDate: string;
  round: string;
  expiresAt: Date;
  submittedAt: Date | null;
  open: boolean;
}

/** The account's own facility (a row in scope), or NotFound when the account has none. */
async function ownFacility(ctx: Ctx) {
  const a = ctx.actor;
  const facilityId = a.kind === 'staff' ? a.facilityId : null;
  if (!facilityId) throw new NotFoundError('facility');
  return facilityInScope(ctx, facilityId);
}

/**
 * The landing page of a facility's account: today's rounds (in the centre's zone) and any
 * still open, newest first. Names no resident, so no audit row.
 * @example const { facility, rounds } = await listFacilityRounds({ ctx, input: {} })
 */
export async function listFacilityRounds({ ctx }: VerbArgs<Record<string, never>>): Promise<{ facility: { id: string; name: string; kind: FacilityKind; active: boolean }; rounds: FacilityRoundItem[] }> {
  requirePermission(ctx.actor, 'listFacilityRounds');
  const f = await ownFacility(ctx);
  const at = sql`${ctx.now.toISOString()}::timestamptz`;
  const rows = await queryRows<{ id: string; local_date: string; round: string; expires_at: Date; submitted_at: Date | null }>(
    ctx.tx,
    sql`select r.id, r.local_date::text as local_date, r.round, r.expires_at, r.submitted_at
        from facility_rounds r join facilities f on f.id = r.facility_id join jurisdictions j on j.id = f.responsible_centre_id
        where r.facility_id = ${f.id}
          and (r.local_date = (${at} at time zone j.time_zone)::date or (r.submitted_at is null and r.expires_at > ${at}))
        order by r.local_date desc, r.round desc limit 20`,
  );
  const rounds = rows.map((r) => {
    const expiresAt = new Date(r.expires_at);
    const submittedAt = r.submitted_at ? new Date(r.submitted_at) : null;
    return { id: r.id, localDate: r.local_date, round: r.round, expiresAt, submittedAt, open: !submittedAt && expiresAt > ctx.now };
  });
  return { facility: { id: f.id, name: f.name, kind: f.kind, active: f.active }, rounds };
}

/**
 * One round page of the account's facility: the same view the round link shows. It names
 * the residents: one audit row lists them (like getFacility).
 */
export async function openFacilityRound({ ctx, input }: VerbArgs<{ roundId: string }>): Promise<FacilityRoundView> {
  requirePermission(ctx.actor, 'openFacilityRound');
  const f = await ownFacility(ctx);
  const view = await facilityRoundView(ctx.tx, input.roundId, ctx.now);
  if (!view || view.facility.id !== f.id) throw new NotFoundError('facility_round', input.roundId);
  await writeAudit(ctx, { action: 'view', entity: 'facility_round', entityId: view.roundId, details: { personIds: view.residents.map((r) => r.personId) } });
  return view;
}
