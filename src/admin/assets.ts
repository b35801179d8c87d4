import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

const ASSETS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');
const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wav': 'audio/wav',
  '.ico': 'image/x-icon',
};

/** Library files the console serves itself (no CDN): uPlot for the charts. */
function vendorFiles(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const uplotDir = path.dirname(require.resolve('uplot/package.json'));
  return {
    'uPlot.iife.min.js': path.join(uplotDir, 'dist/uPlot.iife.min.js'),
    'uPlot.min.css': path.join(uplotDir, 'dist/uPlot.min.css'),
  };
}

/**
 * GET /admin/assets/:name — the console's own scripts and styles (src/admin/assets/) and
 * vendored libraries. Read once at start-up; any file dropped into src/admin/assets/ is
 * served under its name. Unknown names answer 404.
 */
export function createAssetRoutes() {
  const files = new Map<string, { body: Uint8Array; type: string }>();
  const add = (name: string, file: string) => {
    const type = TYPES[path.extname(name)];
    if (type) files.set(name, { body: new Uint8Array(readFileSync(file)), type });
  };
  for (const name of readdirSync(ASSETS_DIR)) add(name, path.join(ASSETS_DIR, name));
  for (const [name, file] of Object.entries(vendorFiles())) add(name, file);

  const app = new Hono();
  app.get('/:name', (c) => {
    const file = files.get(c.req.param('name'));
    if (!file) return c.text('not found', 404);
    return c.body(file.body as unknown as ArrayBuffer, 200, {
      'content-type': file.type,
      'cache-control': 'public, max-age=300',
      'x-content-type-options': 'nosniff',
    });
  });
  return app;
}
