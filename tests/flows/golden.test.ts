import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultFlows, simulate, type Channel, type FlowContext, type FlowDefinition, type Input } from '../../src/flows/index.js';
import { contactOneByOne, patientOneByOne } from './helpers.js';

/**
 * Golden fixtures, goflow style: each tests/flows/testdata/*.json holds cases
 * (flow, channel, context, inputs → transcript, observations, flags), run with the
 * simulator's fixed clock. Add a case with an empty "expected" and run
 * `UPDATE_GOLDEN=1 npx vitest run tests/flows/golden.test.ts` to fill it in; then read
 * the transcript before committing — the fixture is the review.
 */
interface GoldenCase {
  description: string;
  flow: keyof typeof FLOWS | FlowDefinition;
  channel: Channel;
  context?: Partial<FlowContext>;
  inputs: (string | Input)[];
  expected?: { transcript: string[]; observations: Record<string, unknown>; flags: string[]; status: string };
}

const DIR = join(import.meta.dirname, 'testdata');
// The defaults, and the defaults as they were before the symptom group (still run by deployments that published them).
const FLOWS = {
  'patient-daily': defaultFlows.patientDaily,
  'contact-daily': defaultFlows.contactDaily,
  'child-daily': defaultFlows.childDaily,
  'facility-daily': defaultFlows.facilityDaily,
  'patient-daily-one-by-one': patientOneByOne.definition,
  'contact-daily-one-by-one': contactOneByOne.definition,
};
const update = process.env.UPDATE_GOLDEN === '1';

function actual(c: GoldenCase): NonNullable<GoldenCase['expected']> {
  const definition = typeof c.flow === 'string' ? FLOWS[c.flow] : c.flow;
  const key = typeof c.flow === 'string' ? definition.key : c.flow.key;
  const t = simulate({ flowKey: key, version: 1, definition }, c.inputs as Input[], c.channel, c.context);
  return {
    transcript: t.lines.map((l) => `${l.from}: ${l.text}`),
    observations: Object.fromEntries(t.observations.map((o) => [o.questionId, o.status === 'answered' ? o.value : '(unanswered)'])),
    flags: t.flags.map((f) => `${f.severity} ${f.ruleId}: ${f.reason.ja} / ${f.reason.en}`),
    status: t.state?.status ?? 'unknown',
  };
}

for (const file of readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()) {
  const path = join(DIR, file);
  const cases = JSON.parse(readFileSync(path, 'utf8')) as GoldenCase[];
  describe(`testdata/${file}`, () => {
    for (const c of cases) {
      it(c.description, () => {
        const got = actual(c);
        if (update) c.expected = got;
        else expect(got).toEqual(c.expected);
      });
    }
  });
  if (update) {
    // Rewritten after the cases ran (vitest runs describe bodies first, tests later).
    describe.sequential(`update ${file}`, () => {
      it('writes the fixture', () => writeFileSync(path, `${JSON.stringify(cases, null, 2)}\n`));
    });
  }
}
