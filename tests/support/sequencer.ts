import { readFileSync } from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** What a file that starts processes (the app, the CLI, Redis, Chromium) uses. */
const STARTS_PROCESSES = /server-process|spawn|launchChromium|startWebWorld|consoleWorld|openConsole/;

/**
 * Vitest's order, but the files that start child processes or Chromium first. Without
 * timings from an earlier run (as on CI), vitest starts larger files first; the process
 * tests are short files that each take a minute or more, so they ran last and the run
 * ended with one or two of them alone on the workers. Started first, they overlap with
 * the many quick files instead. With timings, vitest's longest-first order is kept within
 * each group.
 */
export class ProcessFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const starts = new Set(sorted.filter((f) => STARTS_PROCESSES.test(readFileSync(f.moduleId, 'utf8'))));
    return [...sorted.filter((f) => starts.has(f)), ...sorted.filter((f) => !starts.has(f))];
  }
}
