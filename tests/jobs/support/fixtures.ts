import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client';
import type { ChannelKind, Classification, PersonStatus } from '../../../db/schema';

/** A health centre under Tokyo (prefecture 13) in the given zone. */
export async function createCentre(db: Db, timeZone: string): Promise<{ id: string; code: string }> {
  const code = `13-t${randomBytes(3).toString('hex')}`;
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`insert into jurisdictions (kind, parent_id, code, path, name_ja, name_en, time_zone, phone)
        select 'health_centre', id, ${code}, ${`/JP/13/${code}/`}, 'テスト保健所', 'Test health centre', ${timeZone}, '03-0000-0000'
        from jurisdictions where code = '13' returning id`,
  );
  return { id: row!.id, code };
}

export interface PersonsSpec {
  centreId: string;
  count?: number;
  channel?: ChannelKind;
  classification?: Classification;
  status?: PersonStatus;
  roundTimes?: string[];
  phone?: string | null;
  riskFactors?: string[];
  monitoringStart?: string;
  plannedEnd?: string | null;
  lastContactDate?: string | null;
  onsetDate?: string | null;
  lang?: 'ja' | 'en';
}

/**
 * Insert persons under monitoring in bulk (generate_series), with their flow assignment and
 * channels (LINE user id; SMS and voice numbers when a phone is given). Returns ids sorted.
 */
export async function createPersons(db: Db, spec: PersonsSpec): Promise<string[]> {
  const classification = spec.classification ?? 'confirmed';
  const flowKey = classification === 'close_contact' ? 'contact-daily' : 'patient-daily';
  const status = spec.status ?? (classification === 'close_contact' ? 'close_contact' : 'home_recuperation');
  const phone = spec.phone === undefined ? '+819012345678' : spec.phone;
  const tag = randomBytes(4).toString('hex');
  const rows = await queryRows<{ id: string }>(
    db,
    sql`insert into persons (case_number, name, responsible_centre_id, classification, status, preferred_channel, preferred_language, phone,
                             risk_factors, monitoring_start, monitoring_planned_end, last_contact_date, onset_date)
        select ${tag} || '-' || g, 'テスト 太郎' || g, ${spec.centreId}, ${classification}, ${status}, ${spec.channel ?? 'line'}, ${spec.lang ?? 'ja'}, ${phone},
               ${JSON.stringify(spec.riskFactors ?? [])}::jsonb, ${spec.monitoringStart ?? '2026-01-01'}::date, ${spec.plannedEnd ?? null}::date,
               ${spec.lastContactDate ?? null}::date, ${spec.onsetDate ?? null}::date
        from generate_series(1, ${spec.count ?? 1}) g
        returning id`,
  );
  const ids = rows.map((r) => r.id).sort();
  const idArray = sql`${`{${ids.join(',')}}`}::uuid[]`;
  const roundTimes = JSON.stringify(spec.roundTimes ?? (classification === 'close_contact' ? ['09:00'] : ['09:00', '15:00']));
  await db.execute(sql`insert into flow_assignments (person_id, flow_id, round_times)
    select x, f.id, ${roundTimes}::jsonb from unnest(${idArray}) x, flows f where f.key = ${flowKey}`);
  await db.execute(sql`insert into person_channels (person_id, kind, address, state)
    select x, 'line', 'U' || md5(x::text), 'verified' from unnest(${idArray}) x`);
  if (phone) {
    await db.execute(sql`insert into person_channels (person_id, kind, address, state)
      select x, k, ${phone}, 'verified' from unnest(${idArray}) x, (values ('sms'), ('voice')) v(k)`);
  }
  return ids;
}

export interface SessionRow {
  id: string;
  person_id: string;
  local_date: string;
  round: string;
  channel: string;
  status: string;
  due_at: Date;
  expires_at: Date;
  next_action_at: Date | null;
  reminders_sent: number;
  call_attempts: number;
  /** Its first prompt went out: prompted, or pending in a multicast LINE took (the tick marks those a minute later). */
  sent: boolean;
}

export async function sessionsOf(db: Db, personIds: readonly string[]): Promise<SessionRow[]> {
  const ms = (c: string) => sql.raw(`(extract(epoch from ${c}) * 1000)::float8 as ${c}`);
  const rows = await queryRows<Omit<SessionRow, 'due_at' | 'expires_at' | 'next_action_at'> & { due_at: number; expires_at: number; next_action_at: number | null }>(
    db,
    sql`select id, person_id, local_date::text as local_date, round, channel, status, ${ms('due_at')}, ${ms('expires_at')}, ${ms('next_action_at')}, reminders_sent, call_attempts,
          status = 'prompted' or (status = 'pending' and exists (select 1 from line_multicasts m where m.session_ids @> array[check_sessions.id] and m.status = 'sent')) as sent
        from check_sessions where person_id = any(${`{${personIds.join(',')}}`}::uuid[]) order by local_date, round, id`,
  );
  return rows.map((r) => ({ ...r, due_at: new Date(r.due_at), expires_at: new Date(r.expires_at), next_action_at: r.next_action_at === null ? null : new Date(r.next_action_at) }));
}
