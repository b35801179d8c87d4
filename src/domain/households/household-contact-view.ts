import { formatPhoneForStaff } from '../../platform/text/phone-number';

/**
 * The contact as staff see it: her phone in domestic form (090-1234-5678) whatever her
 * channel — the nurse's 「電話」 — and whether her LINE is linked (never the LINE user id).
 */
export function contactForStaff(h: { contactName: string | null; contactRelation: string | null; contactLanguage: string | null; contactChannel: string | null; contactAddress: string | null; contactLineUserId: string | null; contactOptedOutAt?: Date | null }) {
  if (!h.contactName) return null;
  return {
    name: h.contactName,
    relation: h.contactRelation,
    language: h.contactLanguage ?? 'ja',
    channel: h.contactChannel,
    address: h.contactAddress ? formatPhoneForStaff(h.contactAddress) : null,
    ...(h.contactLineUserId ? { lineLinked: true as const } : {}),
    ...(h.contactOptedOutAt ? { optedOut: true as const } : {}),
  };
}
