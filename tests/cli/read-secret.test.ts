import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readSecret, type CliSecret, type SecretInput } from '../../src/cli/read-secret';

const SPEC: CliSecret = { refusedFlag: 'password', envVar: 'STAFF_PASSWORD', prompt: 'パスワード / Password: ', confirm: 'パスワード（確認） / Password again: ' };

/** A terminal stand-in: raw mode is recorded, keystrokes are typed in as the prompts appear. */
function terminal(keystrokes: string[]) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, raw: [] as boolean[] }) as PassThrough & SecretInput & { raw: boolean[] };
  stdin.setRawMode = (raw: boolean) => stdin.raw.push(raw);
  let shown = '';
  const stderr = new PassThrough();
  stderr.on('data', (d: Buffer) => {
    shown += d.toString();
    if (d.toString().endsWith(': ')) setImmediate(() => stdin.write(keystrokes.shift() ?? ''));
  });
  return { io: { stdin, stderr }, shown: () => shown, stdin };
}

describe('readSecret', () => {
  it('asks twice on a terminal without echoing what is typed (backspace edits)', async () => {
    const t = terminal(['a secret phrase!\x7f\r', 'a secret phrase\r']);
    expect(await readSecret(SPEC, {}, t.io)).toBe('a secret phrase');
    expect(t.shown()).toBe('パスワード / Password: \nパスワード（確認） / Password again: \n');
    expect(t.stdin.raw).toEqual([true, false, true, false]); // raw mode is always given back
  });

  it('refuses two different answers, and Ctrl-C cancels', async () => {
    await expect(readSecret(SPEC, {}, terminal(['one long phrase\r', 'another phrase\r']).io)).rejects.toThrow(/differ/);
    await expect(readSecret(SPEC, {}, terminal(['abc\x03']).io)).rejects.toThrow(/cancelled/);
  });

  it('prefers the env setting, else reads a pipe', async () => {
    expect(await readSecret(SPEC, { STAFF_PASSWORD: 'from the env' }, terminal([]).io)).toBe('from the env');
    const pipe = new PassThrough();
    pipe.end('line one\r\n');
    expect(await readSecret(SPEC, {}, { stdin: pipe, stderr: new PassThrough() })).toBe('line one');
  });
});
