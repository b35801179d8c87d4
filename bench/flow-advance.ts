/**
 * How long one `advance` takes on the default patient flow. Prints figures; never a
 * timed test. Run: npx tsx bench/flow-advance.ts [sessions]
 */
import { execSync } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { advance, defaultFlows, simulationContext, start, type FlowVersion, type Input, type SessionState } from '../src/flows/index.js';

const version: FlowVersion = { flowKey: 'patient-daily', version: 1, definition: defaultFlows.patientDaily };
const history = Array.from({ length: 9 }, (_, i) => ({
  localDate: `2026-03-${String(22 + i).padStart(2, '0')}`,
  values: { temperature: 37.6, spo2: 97, cough: true, fatigue: i % 2 === 0, breathless: false },
}));
const ctx = simulationContext('line', {
  history,
  subject: { age: 70, riskFactors: ['underlying_condition'], hasOximeter: true, classification: 'confirmed', monitoringDay: 10 },
});
// A realistic day on the flow as it is (the symptom group since spec 3): 「37度8」 without 分, a
// confirmation, hedged yes/no words, the symptom group picked in a sentence, the urgent
// checklist in natural phrasing (spotted inside the sentence), a comment.
const answers: Input[] = [
  '37度8', '93', 'はい', '88', 'いいえ', '少しあるかもしれない', 'ない', 'ある', '咳とだるさ', 'はい',
  '胸が痛いのと、唇が紫色になっています', '夜に咳がひどいです',
].map((text) => ({ type: 'message', text }));

function session(times: number[] | null): number {
  let state: SessionState = start(version, ctx).state;
  let n = 0;
  for (const input of answers) {
    if (state.status !== 'active') break;
    const t0 = times ? performance.now() : 0;
    state = advance(version, state, input, ctx).state;
    if (times) times.push(performance.now() - t0);
    n += 1;
  }
  if (state.status !== 'completed' || n !== answers.length) throw new Error(`bench session did not complete at ${state.nodeId}`);
  return n;
}

const sessions = Number(process.argv[2] ?? 20_000);
for (let i = 0; i < 2_000; i++) session(null); // warm-up: let the JIT settle

const times: number[] = [];
const t0 = performance.now();
for (let i = 0; i < sessions; i++) session(times);
const wall = performance.now() - t0;
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
const mean = times.reduce((a, b) => a + b, 0) / times.length;

let head = 'unknown';
try {
  head = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
} catch {
  // not a git checkout: the figure is still useful
}
console.log(`flow-advance: patient-daily, ${answers.length} inputs per session, ${sessions} sessions, ${times.length} advances`);
console.log(`  mean ${us(mean)}  p50 ${us(pct(50))}  p99 ${us(pct(99))}  max ${us(times.at(-1)!)}`);
console.log(`  throughput ${Math.round(times.length / (wall / 1000)).toLocaleString('en')} advances/s (one core)`);
console.log(`  cpus ${os.cpus().length} (${os.cpus()[0]?.model ?? '?'}), node ${process.version}, commit ${head}`);
