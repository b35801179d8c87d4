import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
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
  // Written whole to a temporary file, then linked into place (atomic, fails if it exists):
  // when two processes start at once, the second reads the first one's complete secret.
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { secret: readFileSync(path, 'utf8').trim(), path, created: false };
    throw err;
  } finally {
    unlinkSync(tmp);
  }
  return { secret, path, created: true };
}
