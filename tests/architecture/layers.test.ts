import { describe, expect, it } from 'vitest';
import { architectureProblems, fileCycles, folderCycles, layerViolations, type ImportEdge } from '../../scripts/import-graph';
import { KNOWN_PROBLEMS } from './known-problems';

const root = new URL('../..', import.meta.url).pathname;
const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly });

describe('layers (docs/architecture.md)', () => {
  it('src/** has no layer violation and no import cycle beyond the known ones', () => {
    const problems = architectureProblems(root);
    const added = problems.filter((p) => !(p in KNOWN_PROBLEMS));
    expect(added, 'new layer violations or cycles: follow docs/architecture.md').toEqual([]);
  });

  it('the list of known problems only holds problems that still exist (remove the ones you fix)', () => {
    const problems = new Set(architectureProblems(root));
    expect(Object.keys(KNOWN_PROBLEMS).filter((p) => !problems.has(p))).toEqual([]);
  });

  it('refuses each kind of violation', () => {
    const v = layerViolations([
      edge('src/flows/a.ts', 'src/domain/b.ts'),
      edge('src/flows/a.ts', 'src/flows/c.ts'),
      edge('src/domain/a.ts', 'src/bot/b.ts', true),
      edge('src/domain/a.ts', 'src/jobs/b.ts'),
      edge('src/platform/a.ts', 'db/client.ts'),
      edge('src/bot/a.ts', 'drizzle-orm'),
      edge('src/admin/a.ts', 'src/bot/b.ts'),
      edge('src/admin/a.ts', 'src/admin/b.ts'),
      edge('src/app.ts', 'src/bot/b.ts'),
      edge('src/jobs/a.ts', 'src/domain/b.ts'),
    ]);
    expect(v).toEqual([
      'bot imports neither drizzle-orm nor db: src/bot/a.ts',
      'domain imports no door nor jobs: src/domain/a.ts -> src/bot/b.ts',
      'domain imports no door nor jobs: src/domain/a.ts -> src/jobs/b.ts',
      'flows imports nothing of ours: src/flows/a.ts -> src/domain/b.ts',
      'nothing imports a door: src/admin/a.ts -> src/bot/b.ts',
      'platform imports neither domain nor db: src/platform/a.ts -> db/client.ts',
    ]);
  });

  it('finds cycles of value imports between files and folders, not of type-only ones', () => {
    const edges = [edge('src/jobs/a.ts', 'src/bot/b.ts'), edge('src/bot/b.ts', 'src/jobs/a.ts'), edge('src/domain/c.ts', 'src/flows/d.ts'), edge('src/flows/d.ts', 'src/domain/c.ts', true)];
    expect(fileCycles(edges)).toEqual(['file cycle: src/bot/b.ts src/jobs/a.ts']);
    expect(folderCycles(edges)).toEqual(['folder cycle: bot jobs']);
  });
});
