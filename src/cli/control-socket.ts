import { chmodSync, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import path from 'node:path';
import type { Env } from '../config/env';
import type { Deps } from '../deps';
import { parseArgs } from './command';
import { COMMANDS } from './commands';
import { describeCliError } from './errors';

/**
 * The embedded PostgreSQL (PGlite) can be opened by one process only. While `npm start`
 * holds it, `npm run cli -- …` hands its command to the server over a Unix socket in the
 * data directory (mode 0600: only the same OS user), and the server runs it in-process.
 * Protocol: one JSON line {"argv":[…],"secret"?:"…"} in; JSON lines {"out":"…"} then {"exit":n} back.
 * The secret (create-staff's password) was gathered by the CLI process, never from argv.
 */
export function controlSocketPath(env: Env): string {
  return path.resolve(env.DATA_DIR, 'control.sock');
}

export async function runCommandInProcess(argv: string[], deps: Deps, out: (line: string) => void, secret?: string): Promise<number> {
  const [name, ...rest] = argv;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    out(`unknown command ${name ?? ''}`);
    return 64;
  }
  try {
    return (await command.run({ ...parseArgs(rest), secret }, deps, out)) ?? 0;
  } catch (err) {
    const { message, exitCode } = describeCliError(err);
    out(message);
    return exitCode;
  }
}

export function startControlServer(env: Env, deps: Deps): Promise<Server> {
  const socketPath = controlSocketPath(env);
  mkdirSync(path.dirname(socketPath), { recursive: true });
  if (existsSync(socketPath)) unlinkSync(socketPath); // left by a crashed server
  const server = createServer((conn) => {
    let buffer = '';
    conn.setEncoding('utf8');
    conn.on('error', () => {});
    conn.on('data', (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      let request: { argv: string[]; secret?: string };
      try {
        request = JSON.parse(buffer.slice(0, newline)) as typeof request;
        if (!Array.isArray(request.argv) || !request.argv.every((a) => typeof a === 'string')) throw new Error('argv must be a list of strings');
        if (request.secret !== undefined && typeof request.secret !== 'string') throw new Error('secret must be a string');
      } catch (err) {
        conn.end(`${JSON.stringify({ out: `bad request: ${(err as Error).message}` })}\n${JSON.stringify({ exit: 64 })}\n`);
        return;
      }
      void runCommandInProcess(request.argv, deps, (line) => conn.write(`${JSON.stringify({ out: line })}\n`), request.secret).then((code) => conn.end(`${JSON.stringify({ exit: code })}\n`));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      chmodSync(socketPath, 0o600);
      deps.logger.info('CLI commands are accepted on the control socket in DATA_DIR while the embedded database is in use');
      resolve(server);
    });
  });
}

/** Run the command in a running server; null when no server answers (the CLI then opens the database itself). */
export function runViaControlSocket(env: Env, argv: string[], out: (line: string) => void, secret?: string): Promise<number | null> {
  const socketPath = controlSocketPath(env);
  if (!existsSync(socketPath)) return Promise.resolve(null);
  return new Promise((resolve) => {
    const conn = createConnection(socketPath);
    let buffer = '';
    let exit: number | null = null;
    let connected = false;
    conn.setEncoding('utf8');
    conn.on('connect', () => {
      connected = true;
      conn.write(`${JSON.stringify({ argv, secret })}\n`);
    });
    conn.on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buffer.slice(0, newline)) as { out?: string; exit?: number };
        buffer = buffer.slice(newline + 1);
        if (msg.out !== undefined) out(msg.out);
        if (msg.exit !== undefined) exit = msg.exit;
      }
    });
    conn.on('error', () => {
      if (!connected) resolve(null); // a stale socket file: no server behind it
    });
    // A server that went away mid-command: fail rather than open the database alongside it.
    conn.on('close', () => resolve(connected ? (exit ?? 1) : null));
  });
}
