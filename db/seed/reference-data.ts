import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { jurisdictions, monitoringEndRules } from '../schema';
import { PREFECTURES } from './prefectures';

export const NATION_CODE = 'JP';

/**
 * The nation, the 47 prefectures and the default end-of-monitoring rules: data every
 * installation needs. Idempotent (insert … on conflict do nothing), run after migrations.
 */
export async function ensureReferenceData(db: DbOrTx): Promise<void> {
  await db
    .insert(jurisdictions)
    .values({ kind: 'nation', code: NATION_CODE, path: `/${NATION_CODE}/`, nameJa: '日本', nameEn: 'Japan' })
    .onConflictDoNothing();
  await db.execute(sql`
    insert into jurisdictions (kind, parent_id, code, path, name_ja, name_en)
    select 'prefecture', n.id, p.code, '/JP/' || p.code || '/', p.ja, p.en
    from jurisdictions n, jsonb_to_recordset(${JSON.stringify(PREFECTURES)}::jsonb) as p(code text, ja text, en text)
    where n.code = ${NATION_CODE}
    on conflict do nothing`);
  // Defaults after the MHLW's 2022 rules; administrators change these rows, not code.
  await db
    .insert(monitoringEndRules)
    .values([
      { classification: 'close_contact', basis: 'last_contact', days: 5, requiresImprovementHours: 0 },
      { classification: 'confirmed', basis: 'onset', days: 7, requiresImprovementHours: 24 },
      { classification: 'suspected', basis: 'onset', days: 7, requiresImprovementHours: 24 },
      { classification: 'asymptomatic', basis: 'specimen', days: 7, requiresImprovementHours: 0 },
    ])
    .onConflictDoNothing();
}
