import { formatInTimeZone } from 'date-fns-tz';
import { requireRoleAtLeast } from '../access';
import type { VerbArgs } from '../context';
import { isCentreOpenAt } from '../opening-hours/centre-open';
import { chainFrom, chainShifts, type ChainLink } from './escalation-chain';
import { rotaJurisdiction, shiftsOf } from './rota-scope';
import type { Shift } from './rota';
import { requirePermission } from '../permissions';

const HALF_HOUR = 30 * 60_000;

export interface RotaGap {
  from: string;
  to: string;
}

export interface OnCallView {
  jurisdiction: { code: string; nameJa: string; kind: string; timeZone: string };
  shifts: (Omit<Shift, 'startsAt' | 'endsAt'> & { from: string; to: string; order: number | 'administrator' })[];
  /** Who would be paged now, in order (the centre's, then the covering prefecture's). */
  chainNow: ChainLink[];
  /** The next 24 hours while the centre is closed with no on-call person (its own or the prefecture's). */
  gaps: RotaGap[];
  warningJa: string | null;
}

/**
 * A rota, who would be paged now, and the hours of the coming day (the night, a weekend, a
 * holiday: whenever the centre is closed) with nobody on call — the warning on the console
 * page: 「今夜の当番がいません（12/5 17:30〜12/6 08:30）」. Nurses and up of the jurisdiction
 * or above it.
 */
export async function listOnCall({ ctx, input }: VerbArgs<{ code: string }>): Promise<OnCallView> {
  requirePermission(ctx.actor, 'listOnCall');
  requireRoleAtLeast(ctx.actor, 'nurse');
  const j = await rotaJurisdiction(ctx, input.code, 'read');
  const shifts = await shiftsOf(ctx, j.id);
  const centre = { id: j.id, parentId: j.kind === 'health_centre' ? j.parentId : null, timeZone: j.timeZone };
  const rows = await chainShifts(ctx.tx, centre);
  const chainNow = chainFrom(rows, centre, ctx.now);
  const gaps: RotaGap[] = [];
  const start = Math.ceil(ctx.now.getTime() / HALF_HOUR) * HALF_HOUR;
  for (let t = start; t < start + 48 * HALF_HOUR; t += HALF_HOUR) {
    const at = new Date(t);
    if (j.kind === 'health_centre' && isCentreOpenAt(j, at)) continue;
    const chain = chainFrom(rows, centre, at);
    if (chain.some((l) => l.role === 'on_call')) continue;
    const last = gaps.at(-1);
    if (last && Date.parse(last.to) === t) last.to = new Date(t + HALF_HOUR).toISOString();
    else gaps.push({ from: at.toISOString(), to: new Date(t + HALF_HOUR).toISOString() });
  }
  const fmt = (iso: string) => formatInTimeZone(new Date(iso), j.timeZone, 'M/d HH:mm');
  const warningJa = gaps.length ? `当番がいない時間があります（${gaps.map((g) => `${fmt(g.from)}〜${fmt(g.to)}`).join('、')}）。赤アラートを電話で知らせる相手がいません。` : null;
  return {
    jurisdiction: { code: j.code, nameJa: j.nameJa, kind: j.kind, timeZone: j.timeZone },
    shifts: shifts.map(({ startsAt, endsAt, ...s }) => ({ ...s, from: startsAt.toISOString(), to: endsAt.toISOString(), order: s.role === 'administrator' ? 'administrator' : s.position })),
    chainNow,
    gaps,
    warningJa,
  };
}
