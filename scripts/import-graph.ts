import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The import graph of src/** and the layer rules of docs/architecture.md, read from the
 * source text (no compiler): tests/architecture/layers.test.ts fails on a new violation,
 * and `npx tsx scripts/layer-report.ts` prints the counts.
 *
 * An edge is one import of one file by another; `import type` (and `import { type A }`
 * with only type specifiers, and `typeof import()`) is type-only: erased at run time, so
 * it may point anywhere except for the layer rules, and never makes a cycle.
 */
export interface ImportEdge {
  from: string; // repository-relative path, e.g. src/bot/line/outbox.ts
  to: string; // a repository-relative path, or the package name (drizzle-orm)
  typeOnly: boolean;
}

const EXTENSIONS = ['.ts', '.tsx', '/index.ts', '/index.tsx'];
const STATIC = /^\s*(import|export)\s+(type\s+)?(?:([^'";]*?)\s*from\s*)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /(typeof\s+)?\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

export function listSources(root: string, dir = 'src'): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...listSources(root, path));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out.sort();
}

function resolveSpecifier(root: string, from: string, spec: string): string {
  if (!spec.startsWith('.')) return spec.startsWith('node:') ? spec : packageName(spec);
  // `./ask.js` names ./ask.ts (the flows engine writes its imports the ESM way).
  const base = resolve(root, dirname(from), spec.replace(/\.jsx?$/, ''));
  for (const ext of ['', ...EXTENSIONS]) {
    const candidate = base + ext;
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(root, candidate);
  }
  return relative(root, base);
}

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function onlyTypeSpecifiers(clause: string | undefined): boolean {
  const braces = clause?.trim().match(/^\{([\s\S]*)\}$/);
  if (!braces) return false;
  const names = braces[1]!.split(',').map((s) => s.trim()).filter(Boolean);
  return names.length > 0 && names.every((n) => n.startsWith('type '));
}

export function importsOf(root: string, file: string): ImportEdge[] {
  const text = readFileSync(join(root, file), 'utf8');
  const edges: ImportEdge[] = [];
  for (const m of text.matchAll(STATIC)) {
    const typeOnly = Boolean(m[2]) || onlyTypeSpecifiers(m[3]);
    edges.push({ from: file, to: resolveSpecifier(root, file, m[4]!), typeOnly });
  }
  for (const m of text.matchAll(DYNAMIC)) {
    edges.push({ from: file, to: resolveSpecifier(root, file, m[2]!), typeOnly: Boolean(m[1]) });
  }
  return edges;
}

export function importGraph(root: string): ImportEdge[] {
  return listSources(root).flatMap((file) => importsOf(root, file));
}

/** The layer a path belongs to: `flows`, `domain`, `bot` …, `root` for src/*.ts, `db`, or a package. */
export function layerOf(path: string): string {
  if (path.startsWith('db/')) return 'db';
  const m = path.match(/^src\/([^/]+)\//);
  if (m) return m[1]!;
  if (/^src\/[^/]+$/.test(path)) return 'root';
  return path; // a package (drizzle-orm) or a path outside src and db
}

/** The doors: adapters over the domain verbs. Nothing but a composition root imports them. */
export const DOORS = ['bot', 'admin', 'cli', 'fhir'];
/** src/*.ts files that wire the doors together. */
export const COMPOSITION_ROOTS = ['src/app.ts', 'src/server.ts', 'src/worker.ts', 'src/cli.ts', 'src/boot.ts', 'src/deps.ts'];

/** One broken layer rule, as `rule: from -> to`. */
export function layerViolations(edges: ImportEdge[]): string[] {
  const out = new Set<string>();
  for (const e of edges) {
    const from = layerOf(e.from);
    const to = layerOf(e.to);
    const ours = to === 'db' || e.to.startsWith('src/');
    const say = (rule: string) => out.add(`${rule}: ${e.from} -> ${e.to}`);
    if (from === 'flows' && ours && to !== 'flows') say('flows imports nothing of ours');
    if (from === 'domain' && (DOORS.includes(to) || to === 'jobs')) say('domain imports no door nor jobs');
    if (from === 'platform' && (to === 'domain' || to === 'db')) say('platform imports neither domain nor db');
    // One entry per file: the file itself has to move or change, whatever it takes from db.
    if (from === 'bot' && (to === 'db' || to === 'drizzle-orm')) out.add(`bot imports neither drizzle-orm nor db: ${e.from}`);
    if (DOORS.includes(to) && from !== to && !COMPOSITION_ROOTS.includes(e.from)) {
      if (!e.typeOnly) say('nothing imports a door');
    }
  }
  return [...out].sort();
}

/** Cycles among the value imports, as the strongly connected components (Tarjan) of the graph. */
export function cycles(edges: ImportEdge[], key: (path: string) => string): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (e.typeOnly || !(e.to.startsWith('src/') || e.to.startsWith('db/'))) continue;
    const a = key(e.from);
    const b = key(e.to);
    if (a === b) continue;
    if (!next.has(a)) next.set(a, new Set());
    next.get(a)!.add(b);
  }
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!idx.has(v)) visit(v);
  return found;
}

export const folderCycles = (edges: ImportEdge[]) => cycles(edges, layerOf).map((c) => `folder cycle: ${c.join(' ')}`);
export const fileCycles = (edges: ImportEdge[]) => cycles(edges, (p) => p).map((c) => `file cycle: ${c.join(' ')}`);

/** Everything the layer test refuses: broken rules, then cycles between folders and between files. */
export function architectureProblems(root: string): string[] {
  const edges = importGraph(root);
  return [...layerViolations(edges), ...folderCycles(edges), ...fileCycles(edges)];
}
