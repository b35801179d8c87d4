import type { FlowDefinition, Text } from '../definition/schema.js';
import { withLanguages } from '../text.js';

/**
 * A definition with every text given the phrasebook languages it lacks (base and channel
 * wordings). Rule reasons are for staff and stay Japanese and English. Pure: returns a copy.
 */
export function withDefinitionLanguages(def: FlowDefinition): FlowDefinition {
  return walk(def, '') as FlowDefinition;
}

function isText(v: unknown): v is Text {
  return typeof v === 'object' && v !== null && typeof (v as Text).ja === 'string' && typeof (v as Text).en === 'string';
}

function walk(v: unknown, key: string): unknown {
  if (Array.isArray(v)) return v.map((x) => walk(x, key));
  if (typeof v !== 'object' || v === null) return v;
  if (key !== 'reason' && isText(v)) return withLanguages(v);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
}
