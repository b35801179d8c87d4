/** Where the shared settable clock starts: 10:00 in Tokyo on 2026-03-10. */
const START = '2026-03-10T01:00:00Z';

/** A settable clock: tests move time by assigning `clock.at`. */
export const clock = { at: new Date(START) };

/** Back to the start (before each test file: files share a process, and the clock with it). */
export function resetClock(): void {
  clock.at = new Date(START);
}
