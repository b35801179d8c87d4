import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client';
import type { Env } from '../../config/env';

export interface Contact {
  nameJa: string;
  nameEn: string;
  phone: string;
}

/**
 * Whom to send someone we cannot place (an unknown caller or SMS sender, 「このお電話番号は
 * 登録されていません」) — one number for the whole installation, however many health centres:
 *  1. CONTACT_PHONE (with CONTACT_NAME_JA / _EN) when configured — e.g. the prefecture's
 *     相談センター;
 *  2. else the most local jurisdiction that covers every active health centre and has a
 *     number — its contact number (「不明な発信者への案内番号」, set on the centre's page) or
 *     else its phone: the centre itself in a one-centre installation, the prefecture when all its
 *     centres are in one prefecture, the nation above several prefectures;
 *  3. else null: the caller is told to ask their local health centre (set CONTACT_PHONE).
 * Jurisdictions are few (hundreds), so this is one small query on the voice webhook's path.
 */
export async function generalContact(db: DbOrTx, env: Env): Promise<Contact | null> {
  if (env.CONTACT_PHONE) {
    return { nameJa: env.CONTACT_NAME_JA ?? '保健所の相談窓口', nameEn: env.CONTACT_NAME_EN ?? env.CONTACT_NAME_JA ?? 'the health centre helpline', phone: env.CONTACT_PHONE };
  }
  const [row] = await queryRows<{ name_ja: string; name_en: string; phone: string }>(
    db,
    sql`select j.name_ja, j.name_en, coalesce(nullif(j.contact_phone, ''), j.phone) as phone from jurisdictions j
        where coalesce(nullif(j.contact_phone, ''), j.phone, '') <> ''
          and exists (select 1 from jurisdictions h where h.kind = 'health_centre' and h.active)
          and not exists (select 1 from jurisdictions h where h.kind = 'health_centre' and h.active and left(h.path, length(j.path)) <> j.path)
        order by length(j.path) desc
        limit 1`,
  );
  return row ? { nameJa: row.name_ja, nameEn: row.name_en, phone: row.phone } : null;
}
