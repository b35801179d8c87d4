import { readFileSync, writeFileSync } from 'node:fs';
import { architectureProblems } from './import-graph';

/** Drops the lines of tests/architecture/known-problems.ts whose problem is fixed (`npx tsx scripts/prune-known-problems.ts`). */
const path = 'tests/architecture/known-problems.ts';
const problems = new Set(architectureProblems(process.cwd()));
const lines = readFileSync(path, 'utf8').split('\n');
const kept = lines.filter((line) => {
  const m = line.match(/^ {2}("(?:[^"\\]|\\.)*"): /);
  return !m || problems.has(JSON.parse(m[1]!) as string);
});
writeFileSync(path, kept.join('\n'));
console.log(`removed ${lines.length - kept.length} fixed problem(s)`);
