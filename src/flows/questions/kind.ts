import type { QuestionNode, Text } from '../definition/schema.js';
import type { FlowIssue } from '../definition/issues.js';
import type { Channel, FlowContext, Input, ObservationValue, OutMessage } from '../types.js';

export type ReadResult =
  | { ok: true; value: ObservationValue }
  | { ok: false; reason: 'empty' | 'not_understood' | 'out_of_range'; value?: number };

/**
 * One question kind (number, yes_no, single, multi, scale, text): how it is shown, how an
 * answer is read, what hint a re-ask carries, and what its definition must contain.
 */
export interface QuestionKindSpec {
  kind: QuestionNode['kind'];
  expects(node: QuestionNode, ctx: FlowContext): NonNullable<OutMessage['expects']>;
  choices(node: QuestionNode, ctx: FlowContext): { value: string; label: string }[] | undefined;
  read(node: QuestionNode, raw: string, input: Input, ctx: FlowContext): ReadResult;
  hint(node: QuestionNode, ctx: FlowContext, failed: ReadResult): Text;
  validate(node: QuestionNode, path: string): FlowIssue[];
}

/** Exactly what the person sent, as one string (postback arrays joined with commas). */
export function rawOf(input: Input): string | null {
  // Inputs come from webhooks and stored jobs: a missing field is read as nothing, not a crash.
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  switch (input?.type) {
    case 'message':
    case 'speech':
      return str(input.text);
    case 'digits':
      return str(input.digits);
    case 'choice':
      return Array.isArray(input.value) ? input.value.filter((v) => typeof v === 'string').join(',') : str(input.value);
    default:
      return null;
  }
}

export function visibleOn(channels: Channel[] | undefined, channel: Channel): boolean {
  return !channels || channels.includes(channel);
}
