import { DOOR_PHRASES } from './doors.js';
import { ENGINE_PHRASES } from './engine.js';
import { FLOW_PHRASES } from './flows.js';
import type { Phrases } from './types.js';

export type { Phrases } from './types.js';
export { FLOW_PHRASES, ENGINE_PHRASES, DOOR_PHRASES };

/** Every phrase, by English wording. A flow added later brings its own table here (one line). */
export const PHRASES: Phrases = { ...FLOW_PHRASES, ...ENGINE_PHRASES, ...DOOR_PHRASES };
