import type { Env } from '../config/env';
import { CliUsageError, type CliArgs } from './command';

/** A secret a command needs (a password), never taken from the command line. */
export interface CliSecret {
  /** The flag people reach for first; refused, because argv shows in `ps` and shell history. */
  refusedFlag: string;
  /** The setting that may carry it for scripts (validated in src/config/env.ts). */
  envVar: 'STAFF_PASSWORD';
  /** Asked on a terminal, Japanese first. */
  prompt: string;
  confirm: string;
}

/** Terminal input as readSecret needs it: process.stdin, or a stand-in in tests. */
export interface SecretInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
}

const howTo = (s: CliSecret) => `type it at the prompt (not echoed), pipe it on stdin, or set ${s.envVar}`;

/** A command line carrying the secret as a flag is refused before anything is asked or run. */
export function refuseSecretFlag(secret: CliSecret, args: CliArgs): void {
  if (secret.refusedFlag in args.flags) throw new CliUsageError(`--${secret.refusedFlag} is not accepted (the process list and shell history would keep it): ${howTo(secret)}`);
}

/**
 * The secret, from the env setting, else a no-echo prompt on a terminal (asked twice),
 * else stdin (one trailing newline dropped): `echo "$PW" | npm run cli -- create-staff …`.
 * @example const password = await readSecret(spec, env, { stdin: process.stdin, stderr: process.stderr })
 */
export async function readSecret(secret: CliSecret, env: Partial<Pick<Env, CliSecret['envVar']>>, io: { stdin: SecretInput; stderr: NodeJS.WritableStream }): Promise<string> {
  const fromEnv = env[secret.envVar];
  if (fromEnv) return fromEnv;
  if (io.stdin.isTTY && io.stdin.setRawMode) {
    const first = await promptHidden(io, secret.prompt);
    if (first !== (await promptHidden(io, secret.confirm))) throw new CliUsageError('the two passwords differ / パスワードが一致しません');
    return first;
  }
  let text = '';
  for await (const chunk of io.stdin) text += chunk.toString();
  const value = text.replace(/\r?\n$/, '');
  if (!value) throw new CliUsageError(`no password given: ${howTo(secret)}`);
  return value;
}

/** Read one line in raw mode without echoing it (backspace edits, Ctrl-C cancels). */
function promptHidden(io: { stdin: SecretInput; stderr: NodeJS.WritableStream }, question: string): Promise<string> {
  const { stdin } = io;
  io.stderr.write(question);
  stdin.setRawMode!(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (outcome: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode!(false);
      stdin.pause();
      io.stderr.write('\n');
      outcome();
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(() => resolve(value));
        if (ch === '\u0003') return finish(() => reject(new CliUsageError('cancelled')));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
