import type { z } from 'zod';
import { ValidationError } from './errors';

/** Parse verb input with zod; every problem becomes a field error (422 at the edge). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message })),
  );
}
