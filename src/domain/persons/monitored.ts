import { MONITORED_STATUSES, type PersonStatus } from '../../../db/schema';

export { MONITORED_STATUSES, type PersonStatus } from '../../../db/schema';

/** Whether a person is still under follow-up (checks go out; a lost channel raises an alert). */
export function isMonitored(status: string): boolean {
  return (MONITORED_STATUSES as readonly string[]).includes(status as PersonStatus);
}
