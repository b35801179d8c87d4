/** A member as the household's conversation needs it. */
export interface HouseholdMember {
  personId: string;
  name: string;
  dateOfBirth: string | null;
  relation: string | null;
  position: number;
  isReporter: boolean;
}

/**
 * The order in which a reporter is asked about their household: the reporter first (they
 * answer for themselves while they have the phone in hand), then the dependents by the
 * position staff gave them, then oldest first (a position tie: born earlier first, an
 * unknown birth date last), then by name and id so the order never depends on the database.
 */
export function householdOrder<M extends HouseholdMember>(members: readonly M[]): M[] {
  return [...members].sort((a, b) => {
    if (a.isReporter !== b.isReporter) return a.isReporter ? -1 : 1;
    if (a.position !== b.position) return a.position - b.position;
    if (a.dateOfBirth !== b.dateOfBirth) {
      if (a.dateOfBirth === null) return 1;
      if (b.dateOfBirth === null) return -1;
      return a.dateOfBirth < b.dateOfBirth ? -1 : 1;
    }
    if (a.name !== b.name) return a.name < b.name ? -1 : 1;
    return a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0;
  });
}

/** 「母 見守 花子」: who answered, as the queue and the person page show it. */
export function answeredByLabel(reporter: { name: string; relation: string | null }): string {
  return reporter.relation ? `${reporter.relation} ${reporter.name}` : reporter.name;
}
