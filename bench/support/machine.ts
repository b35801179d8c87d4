import { execSync } from 'node:child_process';
import os from 'node:os';

/** What every benchmark prints beside its figures: the machine and the code it measured. */
export function machineInfo() {
  let revision = 'unknown';
  try {
    revision = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    // not a git checkout
  }
  return { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, revision };
}
