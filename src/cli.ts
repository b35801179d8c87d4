import { closeDeps, createDeps } from './boot';
import { COMMANDS } from './cli/commands';
import { CliUsageError, parseArgs } from './cli/command';
import { ConfigError, loadEnv } from './config/env';
import { DomainError, ValidationError } from './domain/errors';
import { createLogger } from './platform/logger';

/** `npm run cli -- <command> [flags]` */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stdout.write(`usage: npm run cli -- <command>\n\n${COMMANDS.map((c) => `  ${c.usage}\n      ${c.summary}`).join('\n')}\n`);
    return name && name !== 'help' ? 64 : 0;
  }
  const env = loadEnv();
  // CLI output is for people; logs go to stderr at warn so they do not mix with printed tokens.
  const logger = createLogger({ level: env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL, destination: process.stderr as never });
  const deps = await createDeps(env, { logger });
  try {
    const code = await command.run(parseArgs(rest), deps, (line) => process.stdout.write(`${line}\n`));
    return code ?? 0;
  } finally {
    await closeDeps(deps);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof ConfigError || err instanceof CliUsageError) process.stderr.write(`${err.message}\n`);
    else if (err instanceof ValidationError) process.stderr.write(`invalid input:\n${err.fields.map((f) => `  ${f.field}: ${f.message}`).join('\n')}\n`);
    else if (err instanceof DomainError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(err instanceof ConfigError ? 78 : 1);
  },
);
