import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { onCallShifts, type OnCallRole } from '../../../db/schema';
import { onCallAt, type Shift } from './rota';

/** One person to page, in chain order. */
export interface ChainLink {
  role: OnCallRole;
  position: number;
  /** Whose rota: the centre's own, or its prefecture's (夜間 rota covering several centres). */
  rotaJurisdictionId: string;
  covering: boolean;
  shiftId: string;
  name: string;
  staffUserId: string | null;
  phone: string;
}

export interface ChainCentre {
  id: string;
  parentId: string | null;
  timeZone: string;
}

/**
 * The escalation chain of a centre at instant `at`: its on-call people in order, then its
 * administrator(s), then the covering prefecture's on-call people and administrator(s).
 * A number that appears twice is paged once (its first place).
 */
export async function chainAt(tx: DbOrTx, centre: ChainCentre, at: Date): Promise<ChainLink[]> {
  return chainFrom(await chainShifts(tx, centre), centre, at);
}

/** The shifts of the centre's rota and its prefecture's, for chainFrom. */
export async function chainShifts(tx: DbOrTx, centre: ChainCentre): Promise<(Shift & { jurisdictionId: string })[]> {
  const ids = centre.parentId ? [centre.id, centre.parentId] : [centre.id];
  return tx.select().from(onCallShifts).where(inArray(onCallShifts.jurisdictionId, ids));
}

/** chainAt over shifts already read (pure). */
export function chainFrom(rows: readonly (Shift & { jurisdictionId: string })[], centre: ChainCentre, at: Date): ChainLink[] {
  const ids = centre.parentId ? [centre.id, centre.parentId] : [centre.id];
  const links: ChainLink[] = [];
  for (const rotaId of ids) {
    const shifts = rows.filter((r) => r.jurisdictionId === rotaId);
    for (const e of onCallAt(shifts, at, centre.timeZone)) {
      const s = e.shift;
      links.push({ role: s.role, position: s.position, rotaJurisdictionId: rotaId, covering: rotaId !== centre.id, shiftId: s.id, name: s.name, staffUserId: s.staffUserId, phone: s.phone });
    }
  }
  const seen = new Set<string>();
  return links.filter((l) => (seen.has(l.phone) ? false : (seen.add(l.phone), true)));
}
