import { and, eq, like } from 'drizzle-orm';
import { jurisdictions } from '../../../db/schema';
import { PREFECTURES } from '../../../db/seed/prefectures';
import type { Ctx } from '../context';

export type ResidenceRouting = { centre: { id: string; code: string }; noteJa: null } | { centre: null; noteJa: string };

/** An address as compared: NFKC (full-width digits, half-width kana), no spaces, no leading 〒 and postal code. */
const normalise = (address: string) =>
  address
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/^〒?\d{3}-?\d{4}/, '');

/**
 * 居住地管轄: the health centre whose area an address lies in — the prefecture the address
 * starts with, then the active centre of that prefecture that lists the municipality the
 * rest of the address starts with (jurisdictions.municipalities; the longest name wins, so
 * a centre of 名古屋市港区 goes before one of 名古屋市). No prefecture, no centre listing the
 * municipality, or two centres listing it: no centre, and a Japanese note saying why, for
 * the caller to keep the filing centre and tell the nurse. The note names no part of the
 * address.
 * @example await centreOfResidence(ctx, '東京都新宿区西新宿2-8-1') // { centre: { id, code: '13-shinjuku' }, noteJa: null }
 */
export async function centreOfResidence(ctx: Ctx, address: string | null | undefined): Promise<ResidenceRouting> {
  return residenceRouter(ctx)(address);
}

type CentreArea = { id: string; code: string; nameJa: string; municipalities: string[] };

/**
 * centreOfResidence for many addresses (a bulk import's chunk): each prefecture's centres
 * are read once, then every address is matched in memory.
 */
export function residenceRouter(ctx: Ctx): (address: string | null | undefined) => Promise<ResidenceRouting> {
  const areas = new Map<string, Promise<CentreArea[]>>();
  const centresOf = (code: string) => {
    if (!areas.has(code)) areas.set(code, centresOfPrefecture(ctx, code));
    return areas.get(code)!;
  };
  return async (address) => {
    const a = normalise(address ?? '');
    const pref = PREFECTURES.find((p) => a.startsWith(p.ja));
    if (!pref) return { centre: null, noteJa: '住所が都道府県名から始まっていないため、居住地の保健所を特定できませんでした' };
    const rest = a.slice(pref.ja.length);
    let best: CentreArea[] = [];
    let bestLength = 0;
    for (const c of await centresOf(pref.code)) {
      const length = Math.max(0, ...c.municipalities.filter((m) => m && rest.startsWith(m)).map((m) => m.length));
      if (!length || length < bestLength) continue;
      if (length > bestLength) best = [];
      bestLength = length;
      best.push(c);
    }
    if (best.length === 1) return { centre: { id: best[0]!.id, code: best[0]!.code }, noteJa: null };
    if (best.length > 1) return { centre: null, noteJa: `住所の市区町村を管轄する保健所が複数登録されているため（${best.map((c) => c.nameJa).join('・')}）、居住地の保健所を特定できませんでした` };
    return { centre: null, noteJa: `${pref.ja}で住所の市区町村を管轄する保健所が登録されていないため、居住地の保健所を特定できませんでした` };
  };
}

async function centresOfPrefecture(ctx: Ctx, code: string): Promise<CentreArea[]> {
  const [prefecture] = await ctx.tx.select({ path: jurisdictions.path }).from(jurisdictions).where(and(eq(jurisdictions.code, code), eq(jurisdictions.kind, 'prefecture')));
  if (!prefecture) return [];
  const rows = await ctx.tx
    .select({ id: jurisdictions.id, code: jurisdictions.code, nameJa: jurisdictions.nameJa, municipalities: jurisdictions.municipalities })
    .from(jurisdictions)
    .where(and(eq(jurisdictions.kind, 'health_centre'), eq(jurisdictions.active, true), like(jurisdictions.path, `${prefecture.path}%`)));
  return rows.map((r) => ({ ...r, municipalities: r.municipalities ?? [] }));
}
