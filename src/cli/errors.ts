import { ConfigError } from '../config/env';
import { DomainError, ValidationError } from '../domain/errors';
import { CliUsageError } from './command';

/** A CLI failure as a person reads it, with the exit code (78 = bad configuration). */
export function describeCliError(err: unknown): { message: string; exitCode: number } {
  if (err instanceof ConfigError) return { message: err.message, exitCode: 78 };
  if (err instanceof CliUsageError) return { message: err.message, exitCode: 64 };
  if (err instanceof ValidationError) return { message: `invalid input:\n${err.fields.map((f) => `  ${f.field}: ${f.message}`).join('\n')}`, exitCode: 1 };
  if (err instanceof DomainError) return { message: err.message, exitCode: 1 };
  return { message: (err as Error)?.stack ?? String(err), exitCode: 1 };
}
