/**
 * Runtime types of the flow engine: what the host passes in (context, input, state)
 * and what the engine hands back (effects). Definition types live in definition/types.ts.
 *
 * Representation of answers (the same in session state, observations and history):
 *   number question   → number (e.g. 37.5, 96)
 *   yes/no(/unknown)  → true | false | 'unknown'   (「わからない」 is never counted as no)
 *   single choice     → the choice value (string)
 *   multiple choice   → string[] of choice values, in the definition's order
 *   0–10 scale        → number
 *   free text         → string
 *   unanswered        → null
 */

export type Channel = 'line' | 'sms' | 'voice' | 'web';
import type { NumberOptions } from './normalisers/number.js';
import type { Lang } from './languages/index.js';
export type { Lang };
export type Severity = 'red' | 'amber';

export type ObservationValue = number | boolean | 'unknown' | string | string[] | null;

/**
 * Earlier reports, oldest first: one entry per earlier day, and — with two rounds a day —
 * one per earlier round of today (same `localDate` as today, `round` set), so a fall from
 * this morning's SpO2 is seen in the afternoon. Never the session being answered.
 */
export interface HistoryDay {
  localDate: string; // YYYY-MM-DD, the person's local date
  values: Record<string, ObservationValue>; // by question id, same representation as answers
  /** Added: the round of an earlier report of the same day ("09:00", "manual-1"). */
  round?: string;
}

export interface FlowContext {
  now: string; // ISO instant; the engine never reads a clock
  channel: Channel;
  lang: Lang;
  subject: {
    age?: number;
    riskFactors: string[]; // e.g. 'age65', 'underlying_condition', 'pregnancy', 'immunosuppressed'
    hasOximeter: boolean;
    classification: 'confirmed' | 'suspected' | 'asymptomatic' | 'close_contact';
    monitoringDay: number; // 1 = first day of monitoring
  };
  /** `afterHoursPhone`: the centre's night and holiday number (夜間・休日), told when it is closed. */
  healthCentre: { name: string; phone: string; isOpen: boolean; afterHoursPhone?: string };
  history: HistoryDay[]; // earlier days and earlier rounds of today, oldest first, for trend rules
  /** Added: today's local date (YYYY-MM-DD). When absent it is derived from `now` in `timeZone`. */
  localDate?: string;
  /** Added: IANA zone used to derive localDate; default 'Asia/Tokyo'. */
  timeZone?: string;
}

export type Input =
  | { type: 'message'; text: string }
  | { type: 'choice'; questionId: string; value: string | string[] }
  | { type: 'digits'; digits: string }
  | { type: 'speech'; text: string; confidence?: number }
  | { type: 'timeout' };

export interface SessionState {
  flowKey: string;
  version: number;
  nodeId: string | null; // current waiting question, null when ended
  answers: Record<string, ObservationValue>;
  attempts: number; // re-asks of the current question
  pendingConfirmation?: { questionId: string; value: ObservationValue; raw?: string | null };
  status: 'active' | 'completed';
  step: number; // increases on every advance; bounds termination
  /** Added: rule ids already raised in this session, so a flag is raised once. */
  raised?: string[];
  /** Added: the waiting group (or gated checklist) is past its 「ある」 and asks which. */
  picking?: boolean;
  /** Added: urgent advice already given in this session (it is said once, not once per rule). */
  advised?: boolean;
}

export interface OutMessage {
  kind: 'question' | 'info' | 'reask' | 'confirm' | 'urgent_advice' | 'closing';
  questionId?: string;
  text: string;
  expects?: 'number' | 'yes_no_unknown' | 'yes_no' | 'single' | 'multi' | 'scale' | 'text' | 'confirm';
  /** `raisesRed`: picking this choice now would raise a red flag (engine/red-choices.ts) — a door may hurry such an answer. */
  choices?: { value: string; label: string; raisesRed?: boolean }[];
  /** Added: a number question's readings that would raise a red flag if typed now (engine/red-typed.ts), with the options they are read with — a door may hurry such an answer. */
  redNumbers?: { options: NumberOptions; ranges: [number, number][] };
  unit?: string;
  /** Added: urgent advice only — whether the health centre was open (adapters put 119 first when it is not). */
  centreOpen?: boolean;
  /** Added: on a re-ask, the hint alone (「番号で答えてください」), so an adapter can re-ask in one short line with the buttons. */
  hint?: string;
  /** Added: for number/scale questions, the accepted range (adapters may show it). */
  min?: number;
  max?: number;
}

export interface ObservationRecord {
  questionId: string;
  kind: string; // number|yes_no|single|multi|scale|text
  value: ObservationValue; // null when unanswered
  raw: string | null; // exactly what the person sent
  unit?: string;
  status: 'answered' | 'unanswered';
}

export interface RiskFlag {
  ruleId: string;
  severity: Severity;
  reason: { ja: string; en: string };
  values: Record<string, unknown>;
}

export type Effect =
  | { type: 'send'; message: OutMessage }
  | { type: 'record_observation'; observation: ObservationRecord }
  | { type: 'raise_alert'; flag: RiskFlag }
  /** The advice was also emitted as a `send` in the same step; hosts log this, they do not resend it. */
  | { type: 'advise_patient'; severity: Severity; message: OutMessage }
  | { type: 'end'; outcome: 'completed' | 'abandoned' }
  | { type: 'error'; code: string; message: string };

export interface Step {
  state: SessionState;
  effects: Effect[];
}

export interface Transcript {
  lines: { from: 'bot' | 'patient'; text: string }[];
  observations: ObservationRecord[];
  flags: RiskFlag[];
  text: string;
  /** Added: the final state, so tests can check status. */
  state?: SessionState;
}
