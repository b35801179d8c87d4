import type { Env } from '../config/env';
import type { Deps } from '../deps';
import type { CliSecret } from './read-secret';

/** One CLI command: `npm run cli -- <name> [--flag value …]`. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** A secret the command needs: gathered by the CLI process (prompt, stdin or env), never from argv. */
  secret?: CliSecret;
  /** Most commands need the database; `needsDeps: false` ones get none. */
  run(args: CliArgs, deps: Deps, out: (line: string) => void): Promise<number | void>;
  /** Commands that must run before any database is opened (restore): the CLI calls this instead, never through a server. */
  standalone?(args: CliArgs, env: Env, out: (line: string) => void): Promise<number>;
}

export interface CliArgs {
  positional: string[];
  flags: Record<string, string | true>;
  /** The command's secret (see CliCommand.secret), when it has one. */
  secret?: string;
}

/** --name value, --name=value, --flag (boolean). */
export function parseArgs(argv: string[]): CliArgs {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [key, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) flags[key] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) flags[key] = argv[++i]!;
    else flags[key] = true;
  }
  return { positional, flags };
}

export class CliUsageError extends Error {}

export function requireFlag(args: CliArgs, name: string): string {
  const v = args.flags[name];
  if (typeof v !== 'string' || !v) throw new CliUsageError(`--${name} is required`);
  return v;
}
