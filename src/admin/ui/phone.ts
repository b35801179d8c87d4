import { formatPhoneForStaff } from '../../platform/text/phone-number';

/** A stored phone number as staff read it on a page: 090-0000-0001, never +819000000001. */
export const displayPhone = (e164: string | null | undefined): string => formatPhoneForStaff(e164);
