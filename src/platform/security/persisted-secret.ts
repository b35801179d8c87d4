import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const APP_SECRET_FILE = 'app-secret';

/**
 * The installation's own random secret, kept in DATA_DIR/app-secret (mode 0600): made on
 * the first start without APP_SECRET, then read at every start, so links signed yesterday
 * still verify. Never a constant anybody could read in the source. `created` says whether
 * this start made it (the log says so).
 */
export function persistedSecret(dataDir: string): { secret: string; path: string; created: boolean } {
  const path = join(dataDir, APP_SECRET_FILE);
  try {
    const secret = readFileSync(path, 'utf8').trim();
    if (secret.length >= 32) return { secret, path, created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    // 'wx': when two processes start at once, the second reads the first one's secret.
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { secret: readFileSync(path, 'utf8').trim(), path, created: false };
    throw err;
  }
  return { secret, path, created: true };
}
