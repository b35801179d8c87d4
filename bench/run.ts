import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { machineInfo } from './support/machine';

/**
 * `npm run bench [-- <scenario> …] [-- --flags]`: runs the benchmark scenarios in bench/
 * one after another (never in parallel: they measure the same two cores). Each prints a
 * JSON line and a human summary. Flags after the names go to every scenario.
 */
const dir = import.meta.dirname;
// Run only when named: generating a nation's data takes longer than the other scenarios together.
const ON_REQUEST = ['console-scale'];
const args = process.argv.slice(2);
// A word right after a `--flag` (no `=`) is that flag's value (`--keep-database NAME`), not a scenario.
const isValue = (i: number) => i > 0 && args[i - 1]!.startsWith('--') && !args[i - 1]!.includes('=');
const names = args.filter((a, i) => !a.startsWith('--') && !isValue(i));
const flags = args.filter((a) => !names.includes(a));
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((n) => (names.length === 0 ? !ON_REQUEST.includes(n) : names.includes(n)))
  .sort();

console.log(JSON.stringify({ bench: 'run', ...machineInfo(), scenarios }));
let failed = 0;
for (const name of scenarios) {
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(path.join(dir, '../node_modules/.bin/tsx'), [path.join(dir, `${name}.ts`), ...flags], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`${name} exited with ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
