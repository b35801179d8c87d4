import { and, eq, sql } from 'drizzle-orm';
import { onCallShifts, staffUsers } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { ConflictError, ValidationError, type FieldError } from '../errors';
import { messageJaOf } from '../validation';
import { firstOverlap, type Shift } from './rota';
import { rotaJurisdiction, shiftsOf } from './rota-scope';
import { SHIFT_MESSAGES_JA, shiftInputSchema } from './shift-input';
import { formatInTimeZone } from 'date-fns-tz';
import { requirePermission } from '../permissions';

const LABEL_JA: Record<string, string> = { name: '名前', phone: '電話番号', from: '開始', to: '終了', order: '順番', staffUserId: '職員', repeat: '繰り返し', days: '曜日' };
const MAX_LENGTH_MS = 7 * 86_400_000;

/**
 * Add a shift to a centre's or prefecture's rota (centre_admin and up; a prefecture's:
 * prefecture_officer and up). Refused with Japanese wording: no phone, an invalid number,
 * an end before the start or a shift longer than 7 days, a weekly shift without days, a
 * staff user outside the jurisdiction, and a shift that overlaps another of the same order
 * (「同じ順番のシフトと重なっています」; a one-off shift may override a weekly one).
 */
export async function addOnCallShift({ ctx, input }: VerbArgs<{ code: string; shift: unknown }>): Promise<{ id: string }> {
  requirePermission(ctx.actor, 'addOnCallShift');
  const j = await rotaJurisdiction(ctx, input.code, 'write');
  const parsed = shiftInputSchema.safeParse(input.shift);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((i) => {
        const field = String(i.path[0] ?? '(body)');
        return { field, message: i.message, messageJa: `${LABEL_JA[field] ?? field}: ${SHIFT_MESSAGES_JA[i.message] ?? messageJaOf(i.message)}` };
      }),
    );
  }
  const s = parsed.data;
  const startsAt = new Date(s.from);
  const endsAt = new Date(s.to);
  const errors: FieldError[] = [];
  if (endsAt <= startsAt) errors.push({ field: 'to', message: 'must be after from', messageJa: '終了: 開始より後の日時にしてください' });
  if (endsAt.getTime() - startsAt.getTime() > MAX_LENGTH_MS) errors.push({ field: 'to', message: 'a shift lasts at most 7 days', messageJa: '終了: 1つのシフトは7日以内にしてください' });
  const days = s.repeat === 'weekly' ? [...new Set(s.days ?? [])].sort() : null;
  if (s.repeat === 'weekly' && !days?.length) errors.push({ field: 'days', message: 'a weekly shift needs days', messageJa: '曜日: 毎週のシフトは曜日を選んでください' });
  if (s.staffUserId) {
    const [staff] = await ctx.tx.select({ id: staffUsers.id, jurisdictionId: staffUsers.jurisdictionId }).from(staffUsers).where(and(eq(staffUsers.id, s.staffUserId), eq(staffUsers.disabled, false)));
    if (!staff) errors.push({ field: 'staffUserId', message: 'unknown staff user', messageJa: '職員: 見つかりません' });
  }
  if (errors.length) throw new ValidationError(errors);

  const shift: Shift = { id: '', role: s.order === 'administrator' ? 'administrator' : 'on_call', position: s.order === 'administrator' ? 1 : s.order, name: s.name, staffUserId: s.staffUserId ?? null, phone: s.phone, repeat: s.repeat, days, startsAt, endsAt };
  // Serialise additions to one rota so two overlapping shifts cannot both pass the check.
  await ctx.tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`rota:${j.id}`}, 0))`);
  for (const other of await shiftsOf(ctx, j.id)) {
    const at = firstOverlap(shift, other, j.timeZone, ctx.now);
    if (at) {
      const when = formatInTimeZone(at, j.timeZone, 'M/d HH:mm');
      throw new ConflictError(`overlaps the shift of ${other.name} (${at.toISOString()})`, { shiftId: other.id, at: at.toISOString() }, `同じ順番のシフト（${other.name}さん）と ${when} から重なっています`);
    }
  }
  const [row] = await ctx.tx
    .insert(onCallShifts)
    .values({ jurisdictionId: j.id, role: shift.role, position: shift.position, name: s.name, staffUserId: shift.staffUserId, phone: s.phone, repeat: s.repeat, days, startsAt, endsAt, createdBy: ctx.actor.kind === 'staff' ? ctx.actor.staffId : null, createdAt: ctx.now })
    .returning({ id: onCallShifts.id });
  await writeAudit(ctx, { action: 'create', entity: 'on_call_shift', entityId: row!.id, details: { jurisdiction: j.code, role: shift.role, position: shift.position, repeat: s.repeat } });
  return { id: row!.id };
}
