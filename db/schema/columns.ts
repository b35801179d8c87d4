import { timestamp, uuid } from 'drizzle-orm/pg-core';

/** Primary keys are random UUIDs: ids appear in console URLs and must not leak counts. */
export const id = () => uuid('id').primaryKey().defaultRandom();
export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
export const tstz = (name: string) => timestamp(name, { withTimezone: true });
