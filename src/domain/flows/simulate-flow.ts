import { z } from 'zod';
import {
  advance, inputFromString, LANG_CODES, simulationContext, start,
  type Channel, type Effect, type FlowDefinition, type ObservationRecord, type OutMessage, type RiskFlag, type SessionState,
} from '../../flows';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { jurisdictions } from '../../../db/schema';
import type { Actor } from '../context';
import { parseInput } from '../validation';

export const simulateOptionsSchema = z.object({
  channel: z.enum(['line', 'sms', 'voice', 'web']).default('line'),
  inputs: z.array(z.string().max(500)).max(100).default([]),
  lang: z.enum(LANG_CODES).default('ja'),
  hasOximeter: z.boolean().default(true),
  classification: z.enum(['confirmed', 'suspected', 'asymptomatic', 'close_contact']).default('confirmed'),
  age: z.number().int().min(0).max(130).optional(),
  riskFactors: z.array(z.string()).default([]),
  /** The staff member's own centre (simulationCentre), so the urgent advice shows the real name and number. */
  centre: z.object({ name: z.string(), phone: z.string(), isOpen: z.boolean().default(true) }).optional(),
});
export type SimulateOptions = z.input<typeof simulateOptionsSchema>;

export type SimulatedLine =
  | { from: 'bot'; message: OutMessage; advice?: boolean }
  | { from: 'patient'; text: string; input: 'message' | 'digits' | 'speech' | 'timeout' }
  | { from: 'system'; text: string };

export interface Simulation {
  channel: Channel;
  lines: SimulatedLine[];
  observations: ObservationRecord[];
  flags: RiskFlag[];
  status: SessionState['status'];
  /** Inputs given after the flow had ended (ignored, as a real session would). */
  unused: number;
}

/**
 * Run a definition over typed inputs the way a person on `channel` would send them, with
 * the engine's own simulation context (fixed clock). Unlike `simulate()` in src/flows,
 * which flattens each message to text, this keeps the engine's OutMessage (kind, choices,
 * unit) so the console can draw it as a LINE chat with quick replies, an SMS thread with
 * numbered choices, or a call transcript — the engine calls are the same start/advance.
 */
export function simulateFlow(flowKey: string, version: number, definition: FlowDefinition, options: SimulateOptions): Simulation {
  const o = parseInput(simulateOptionsSchema, options);
  const context = simulationContext(o.channel, {
    lang: o.lang,
    ...(o.centre ? { healthCentre: o.centre } : {}),
    subject: { riskFactors: o.riskFactors, hasOximeter: o.hasOximeter, classification: o.classification, monitoringDay: 1, ...(o.age !== undefined ? { age: o.age } : {}) },
  });
  const fv = { flowKey, version, definition };
  const lines: SimulatedLine[] = [];
  const observations: ObservationRecord[] = [];
  const flags: RiskFlag[] = [];
  const collect = (effects: Effect[]) => {
    for (const e of effects) {
      if (e.type === 'send') lines.push({ from: 'bot', message: e.message, advice: e.message.kind === 'urgent_advice' });
      else if (e.type === 'record_observation') observations.push(e.observation);
      else if (e.type === 'raise_alert') flags.push(e.flag);
      else if (e.type === 'error') lines.push({ from: 'system', text: `${e.code}: ${e.message}` });
    }
  };
  let step = start(fv, context);
  collect(step.effects);
  let state = step.state;
  let used = 0;
  for (const raw of o.inputs) {
    if (state.status !== 'active') break;
    used++;
    const input = inputFromString(raw, o.channel);
    const shown = input.type === 'timeout' ? '' : input.type === 'digits' ? input.digits : input.type === 'message' || input.type === 'speech' ? input.text : '';
    lines.push({ from: 'patient', text: shown, input: input.type === 'choice' ? 'message' : input.type });
    step = advance(fv, state, input, context);
    collect(step.effects);
    state = step.state;
  }
  return { channel: o.channel, lines, observations, flags, status: state.status, unused: o.inputs.length - used };
}

/**
 * The centre a simulation speaks for: the staff member's own jurisdiction (its name and
 * number, open), or undefined for a national officer without one (the engine's sample centre).
 */
export async function simulationCentre(db: DbOrTx, actor: Actor): Promise<{ name: string; phone: string; isOpen: boolean } | undefined> {
  if (actor.kind !== 'staff' || !actor.jurisdictionId) return undefined;
  const [j] = await db.select({ name: jurisdictions.nameJa, phone: jurisdictions.phone }).from(jurisdictions).where(eq(jurisdictions.id, actor.jurisdictionId));
  return j ? { name: j.name, phone: j.phone ?? '—', isOpen: true } : undefined;
}
