import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { canInstallWithApt, type Host } from './host-tools';

/** Where the browser tests launch Chromium (tests/browser/web-support.ts). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** A font with Japanese glyphs, so the browser tests' screenshots show text, not boxes. */
function hasJapaneseFont(): Promise<boolean> {
  return new Promise((resolve) => execFile('fc-list', [':lang=ja'], (err, out) => resolve(!err && out.trim() !== '')));
}

/**
 * The browser tests need Chromium and a CJK font (Debian: chromium, fonts-noto-cjk). Missing
 * on Debian/Ubuntu as root: installed; elsewhere: one message naming them.
 */
export async function ensureBrowserDeps(host: Host): Promise<{ ok: boolean; done: string[]; problem: string }> {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM_PATH)) missing.push('chromium');
  if (!(await hasJapaneseFont())) missing.push('fonts-noto-cjk');
  if (!missing.length) return { ok: true, done: [], problem: '' };
  if (canInstallWithApt(host.path)) {
    try {
      await host.run('apt-get', ['update', '-qq']);
      await host.run('apt-get', ['install', '-y', '-qq', ...missing], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
      return { ok: true, done: [`installed ${missing.join(', ')} (apt-get)`], problem: '' };
    } catch (err) {
      return { ok: false, done: [], problem: `Installing ${missing.join(' ')} with apt-get failed: ${(err as Error).message}` };
    }
  }
  return {
    ok: false,
    done: [],
    problem: `The browser tests need ${missing.join(' and ')} (Chromium at ${CHROMIUM_PATH}, a Japanese font). Install:\n  Debian/Ubuntu: sudo apt-get install ${missing.join(' ')}\n  elsewhere: install Chromium at ${CHROMIUM_PATH} (or link it there) and a Noto Sans CJK font`,
  };
}
