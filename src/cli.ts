import { resolve } from 'node:path';
import { closeDeps, createDeps } from './boot';
import { parseArgs } from './cli/command';
import { COMMANDS } from './cli/commands';
import { runCommandInProcess, runViaControlSocket } from './cli/control-socket';
import { describeCliError } from './cli/errors';
import { readSecret, refuseSecretFlag } from './cli/read-secret';
import { loadEnv } from './config/env';
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
  const out = (line: string) => process.stdout.write(`${line}\n`);
  // Asked here, in the process that has the terminal, also when a server runs the command.
  let secret: string | undefined;
  if (command.secret) {
    refuseSecretFlag(command.secret, parseArgs(rest));
    secret = await readSecret(command.secret, env, { stdin: process.stdin, stderr: process.stderr });
  }
  if (command.standalone) return command.standalone(parseArgs(rest), env, (line) => process.stdout.write(`${line}\n`));
  // A server may run with another working directory: file arguments travel as absolute paths.
  if (command.name === 'backup' && rest[0]) argv = [name!, resolve(rest[0]), ...rest.slice(1)];
  // The embedded database belongs to a running server: let it run the command.
  if (!env.DATABASE_URL) {
    const code = await runViaControlSocket(env, argv, out, secret);
    if (code !== null) return code;
  }
  // CLI output is for people; logs go to stderr at warn so they do not mix with printed tokens.
  const logger = createLogger({ level: env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL, destination: process.stderr as never });
  const deps = await createDeps(env, { logger });
  try {
    return await runCommandInProcess(argv, deps, out, secret);
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
