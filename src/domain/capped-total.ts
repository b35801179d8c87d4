/**
 * Lists count their rows only up to a cap: a national officer's "not reported today" holds
 * hundreds of thousands of persons, and counting them all costs seconds on every page load
 * while the page shows 50. Past the cap the total reads "1,000 or more".
 */
export const LIST_COUNT_CAP = 1000;

/**
 * `counted` rows came back from a count query limited to LIST_COUNT_CAP + 1; `seen` is how
 * far the current page reaches (offset + rows), so a page past the cap still says how many
 * there are at least.
 * @example cappedTotal(1001, 50) // { total: 1000, totalCapped: true }
 */
export function cappedTotal(counted: number, seen: number): { total: number; totalCapped: boolean } {
  if (counted <= LIST_COUNT_CAP) return { total: counted, totalCapped: false };
  return { total: Math.max(LIST_COUNT_CAP, seen), totalCapped: true };
}
