import { architectureProblems, importGraph } from './import-graph';

/**
 * Counts the layer violations and import cycles of src/** (`npx tsx scripts/layer-report.ts`,
 * `-v` lists them): the figures before and after a change of boundaries.
 */
const problems = architectureProblems(process.cwd());
const byKind = new Map<string, number>();
for (const p of problems) {
  const kind = p.split(':')[0]!;
  byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
}
console.log(`import edges: ${importGraph(process.cwd()).length}`);
console.log(`problems: ${problems.length}`);
for (const [kind, n] of byKind) console.log(`  ${kind}: ${n}`);
if (process.argv.includes('-v')) for (const p of problems) console.log(p);
