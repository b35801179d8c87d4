import { closeDeps, createDeps } from './boot';
import { COMMANDS } from './cli/commands';
import { runCommandInProcess, runViaControlSocket } from './cli/control-socket';
import { describeCliError } from './cli/errors';
import { loadEnv } from './config/env';
import { createLogger } from './platform/logger';

/** `npm run cli -- <command> [flags]` */
async function main(argv: string[]): Promise<number> {
  const [name] = argv;
  if (!COMMANDS.some((c) => c.name === name)) {
    process.stdout.write(`usage: npm run cli -- <command>\n\n${COMMANDS.map((c) => `  ${c.usage}\n      ${c.summary}`).join('\n')}\n`);
    return name && name !== 'help' ? 64 : 0;
  }
  const env = loadEnv();
  const out = (line: string) => process.stdout.write(`${line}\n`);
  // The embedded database belongs to a running server: let it run the command.
  if (!env.DATABASE_URL) {
    const code = await runViaControlSocket(env, argv, out);
    if (code !== null) return code;
  }
  // CLI output is for people; logs go to stderr at warn so they do not mix with printed tokens.
  const logger = createLogger({ level: env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL, destination: process.stderr as never });
  const deps = await createDeps(env, { logger });
  try {
    return await runCommandInProcess(argv, deps, out);
  } finally {
    await closeDeps(deps);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    const { message, exitCode } = describeCliError(err);
    process.stderr.write(`${message}\n`);
    process.exit(exitCode);
  },
);
