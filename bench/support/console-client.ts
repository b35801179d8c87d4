import { Secret, TOTP } from 'otpauth';

/**
 * A nurse's browser against the real console over HTTP: sign in through the login form
 * (CSRF token, session cookie) and listen to the triage server-sent-event stream, noting
 * when each alert notice arrived.
 */
export async function signIn(baseUrl: string, email: string, password: string, totp?: { secret: string; at: Date }): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const form = await fetch(`${baseUrl}/admin/login`);
  keep(form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrf) throw new Error('the login page has no CSRF token');
  const res = await fetch(`${baseUrl}/admin/login`, { method: 'POST', redirect: 'manual', headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, email, password }) });
  keep(res);
  if (res.status === 303 && res.headers.get('location') === '/admin/login/totp' && totp) {
    // Officers: the second step with the code of the app's clock.
    const page = await fetch(`${baseUrl}/admin/login/totp`, { headers: { cookie: cookie() } });
    const sessionCsrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
    const code = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(totp.secret) }).generate({ timestamp: totp.at.getTime() });
    const second = await fetch(`${baseUrl}/admin/login/totp`, { method: 'POST', redirect: 'manual', headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: sessionCsrf ?? '', code }) });
    keep(second);
    if (second.status !== 303 || second.headers.get('location') !== '/admin') throw new Error(`the TOTP step answered ${second.status} → ${second.headers.get('location')}`);
    return cookie();
  }
  if (res.status !== 303 || res.headers.get('location') === '/admin/login/totp') throw new Error(`sign-in answered ${res.status} → ${res.headers.get('location')}`);
  return cookie();
}

export interface AlertNoticeSeen {
  alertId: string;
  event: string;
  at: number;
}

/** Opens /admin/triage/stream; resolves once the stream said `ready`. */
export async function listenToTriage(baseUrl: string, cookie: string, onNotice: (n: AlertNoticeSeen) => void): Promise<{ close: () => void }> {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/admin/triage/stream`, { headers: { cookie, accept: 'text/event-stream' }, signal: abort.signal, redirect: 'manual' });
  if (res.status !== 200 || !res.body) throw new Error(`the triage stream answered ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: ?(.*)$/m.exec(block)?.[1];
          const data = /^data: ?(.*)$/m.exec(block)?.[1];
          if (event === 'ready') ready();
          if (event === 'alert' && data) {
            const n = JSON.parse(data) as { alertId: string; event: string };
            onNotice({ alertId: n.alertId, event: n.event, at: Date.now() });
          }
        }
      }
    } catch {
      // aborted at the end of the scenario
    }
  })();
  await readyP;
  return { close: () => abort.abort() };
}
