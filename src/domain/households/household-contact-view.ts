import { formatPhoneForStaff } from '../../platform/text/phone-number';

/** The contact as staff see it: the phone in domestic form (090-1234-5678). */
export function contactForStaff(h: { contactName: string | null; contactRelation: string | null; contactLanguage: string | null; contactChannel: string | null; contactAddress: string | null; contactOptedOutAt?: Date | null }) {
  if (!h.contactName) return null;
  const phone = h.contactChannel !== 'line' && h.contactAddress ? formatPhoneForStaff(h.contactAddress) : null;
  return { name: h.contactName, relation: h.contactRelation, language: h.contactLanguage ?? 'ja', channel: h.contactChannel, address: phone ?? h.contactAddress, ...(h.contactOptedOutAt ? { optedOut: true as const } : {}) };
}
