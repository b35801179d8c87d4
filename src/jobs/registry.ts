import type { JobDefinition } from './define';

/** Every job the workers know. Add a job here when you add its file. */
export const ALL_JOBS: readonly JobDefinition[] = [];
