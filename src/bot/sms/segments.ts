/** SMS segment counting lives with the flows (the definition validator checks SMS wordings with it); the doors read it here. */
export { countSmsSegments, fitsSegments, MAX_PROMPT_SEGMENTS, SMS_LIMITS, type SegmentCount } from '../../flows/sms-segments';
