import { and, eq } from 'drizzle-orm';
import { jurisdictions } from '../../../db/schema';
import type { VerbArgs } from '../context';
import { defaultRoundTimes } from '../persons/person-input';
import { cell, importRows, type RegisterImportResult, type RegisterRow } from '../registers/import-rows';
import { createCentre } from './create-centre';
import { updateCentre } from './update-centre';
import { requirePermission } from '../permissions';

/** CSV columns (English or Japanese header) → centre fields. README: "Setting up a real deployment". */
export const CENTRE_COLUMNS = {
  code: ['code', '保健所コード'],
  parentCode: ['parent_code', '都道府県コード'],
  nameJa: ['name_ja', '名称'],
  nameEn: ['name_en', '英語名称'],
  phone: ['phone', '電話番号'],
  afterHoursPhone: ['after_hours_phone', '夜間休日電話番号'],
  contactPhone: ['contact_phone', '案内電話番号'],
  openingHours: ['opening_hours', '開庁時間'],
  patientRounds: ['patient_round_times', '患者の観察時刻'],
  contactRounds: ['contact_round_times', '接触者の観察時刻'],
  quietHours: ['quiet_hours', '送信停止時間帯'],
  municipalities: ['municipalities', '管轄市区町村'],
  active: ['active', '有効'],
} as const;

const WEEKDAYS = '月火水木金土日';

/** "月-金 08:30-17:15", "1-5 08:30-17:15", "月火水木金 08:30-17:15" → { days, open, close }; anything else is passed on as typed (and refused by the schema). */
export function parseOpeningHoursCell(text: string): unknown {
  const m = /^(\S+)\s+(\d{1,2}:\d{2})\s*[-〜~]\s*(\d{1,2}:\d{2})$/.exec(text.normalize('NFKC').trim());
  if (!m) return text;
  const dayOf = (c: string) => (/^[1-7]$/.test(c) ? Number(c) : WEEKDAYS.indexOf(c) + 1);
  const spec = m[1]!.replace(/[,、・]/g, '');
  const range = /^(.)[-〜~](.)$/.exec(spec);
  let days: number[];
  if (range) {
    const [a, b] = [dayOf(range[1]!), dayOf(range[2]!)];
    days = a > 0 && b >= a ? Array.from({ length: b - a + 1 }, (_, i) => a + i) : [];
  } else days = [...spec].map(dayOf);
  if (!days.length || days.some((d) => d < 1)) return text;
  const pad = (t: string) => t.padStart(5, '0');
  return { days, open: pad(m[2]!), close: pad(m[3]!) };
}

const times = (text: string) => text.normalize('NFKC').split(/[\s,、・]+/).filter(Boolean);
const flag = (text: string | undefined) => (text === undefined || text === '' ? undefined : !/^(0|false|no|いいえ|無効|廃止)$/i.test(text.trim()));

function centreInput(row: RegisterRow, existing: { roundTimes: { patient: string[]; contact: string[] } | null } | null) {
  const c = (k: keyof typeof CENTRE_COLUMNS) => cell(row, CENTRE_COLUMNS[k]);
  const input: Record<string, unknown> = {};
  for (const k of ['nameJa', 'nameEn', 'phone', 'afterHoursPhone', 'contactPhone', 'quietHours', 'municipalities'] as const) if (c(k) !== undefined) input[k] = c(k);
  const hours = c('openingHours');
  if (hours !== undefined) input.openingHours = hours === '' ? null : parseOpeningHoursCell(hours);
  const [p, k] = [c('patientRounds'), c('contactRounds')];
  if (p !== undefined || k !== undefined) {
    // A side left out (or blank) keeps the centre's current times, else the installation's default.
    const patient = p ? times(p) : (existing?.roundTimes?.patient ?? defaultRoundTimes('confirmed'));
    const contact = k ? times(k) : (existing?.roundTimes?.contact ?? defaultRoundTimes('close_contact'));
    input.roundTimes = !p && !k ? null : { patient, contact };
  }
  return input;
}

const LABELS: Record<string, string> = { code: 'code（保健所コード）', parentCode: 'parent_code（都道府県コード）', nameJa: 'name_ja（名称）', nameEn: 'name_en（英語名称）', phone: 'phone（電話番号）', afterHoursPhone: 'after_hours_phone（夜間休日電話番号）', contactPhone: 'contact_phone（案内電話番号）', openingHours: 'opening_hours（開庁時間）', roundTimes: '観察時刻（patient_round_times / contact_round_times）', quietHours: 'quiet_hours（送信停止時間帯）', municipalities: 'municipalities（管轄市区町村）' };
const label = (field: string) => LABELS[field.split('.')[0]!] ?? field;

/**
 * `npm run cli -- import-jurisdictions FILE`: health centres from CSV rows; a code already
 * registered is updated (only what differs), a new one created under its prefecture.
 */
export async function importCentres({ ctx, input }: VerbArgs<{ rows: RegisterRow[]; fileSha256?: string }>): Promise<RegisterImportResult> {
  requirePermission(ctx.actor, 'importCentres');
  const { rows, fileSha256 } = input;
  const codeOf = (row: RegisterRow) => (cell(row, CENTRE_COLUMNS.code) ?? '').normalize('NFKC');
  return importRows(
    ctx,
    { entity: 'jurisdiction', fileSha256 },
    rows,
    codeOf,
    async (c, row) => {
      const code = codeOf(row);
      const [existing] = code ? await c.tx.select().from(jurisdictions).where(and(eq(jurisdictions.code, code), eq(jurisdictions.kind, 'health_centre'))) : [];
      const input = centreInput(row, existing ?? null);
      const active = flag(cell(row, CENTRE_COLUMNS.active));
      if (!existing) {
        await createCentre({ ctx: c, input: { ...input, code, parentCode: (cell(row, CENTRE_COLUMNS.parentCode) ?? '').normalize('NFKC').padStart(2, '0') } });
        if (active === false) await updateCentre({ ctx: c, input: { code, change: { active: false } } });
        return 'created';
      }
      const { changed } = await updateCentre({ ctx: c, input: { code, change: { ...input, ...(active === undefined ? {} : { active }) } } });
      return changed.length ? 'updated' : 'unchanged';
    },
    label,
  );
}
