import type { Phrases } from './types.js';

/** The doors' own wording (LINE, SMS, voice, web pages, notices), keyed by the English. */
export const DOOR_PHRASES: Phrases = {};
