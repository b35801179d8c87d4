/**
 * How many SMS segments a text costs. Japanese text is sent as UCS-2: 70 UTF-16 units fit
 * in one segment, 67 per part once it is split (the rest is the concatenation header).
 * Plain Latin text fits the GSM 03.38 alphabet: 160 septets, 153 per part; the extension
 * characters (€ [ ] { } ~ ^ \ |) take two. Pure.
 *
 * @example countSmsSegments('今日の体温は？（例: 36.8）') // { encoding: 'ucs2', units: 17, segments: 1 }
 */
export interface SegmentCount {
  encoding: 'gsm7' | 'ucs2';
  units: number;
  segments: number;
}

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';
const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

export const SMS_LIMITS = {
  gsm7: { single: 160, part: 153 },
  ucs2: { single: 70, part: 67 },
} as const;

export function countSmsSegments(text: string): SegmentCount {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (BASIC.has(ch)) septets += 1;
    else if (EXTENDED.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  const encoding = gsm ? 'gsm7' : 'ucs2';
  const units = gsm ? septets : text.length; // UTF-16 code units: an emoji takes two
  const limits = SMS_LIMITS[encoding];
  const segments = units === 0 ? 1 : units <= limits.single ? 1 : Math.ceil(units / limits.part);
  return { encoding, units, segments };
}

/** The most a prompt may cost: one or two segments. */
export const MAX_PROMPT_SEGMENTS = 2;

export function fitsSegments(text: string, max = MAX_PROMPT_SEGMENTS): boolean {
  return countSmsSegments(text).segments <= max;
}
