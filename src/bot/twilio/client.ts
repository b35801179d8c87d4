import twilio from 'twilio';
import { TransientSendError } from '../dispatch';
import type { TwilioSettings } from './config';

type RequestOptions<T> = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0] & { data?: T };

/**
 * The twilio package's HTTP client, with every request sent to TWILIO_API_BASE_URL instead
 * of https://<product>.twilio.com (a local stand-in, or a recording proxy). twilio 6 has
 * no base-URL option (edge/region only rewrite the host name), so the path is kept and the
 * origin swapped here.
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super({ timeout: 10_000 });
  }
  override request<TData>(opts: RequestOptions<TData>) {
    const original = new URL(opts.uri!);
    const base = new URL(this.base);
    const uri = `${base.origin}${base.pathname.replace(/\/+$/, '')}${original.pathname}${original.search}`;
    return super.request<TData>({ ...opts, uri });
  }
}

export type TwilioClient = ReturnType<typeof twilio>;

const clients = new WeakMap<TwilioSettings, TwilioClient>();

/** One REST client per settings object (deps are built once per process). */
export function twilioClient(settings: TwilioSettings): TwilioClient {
  let client = clients.get(settings);
  if (!client) {
    const isReal = /^https:\/\/api\.twilio\.com\/?$/.test(settings.apiBaseUrl);
    client = twilio(settings.accountSid, settings.authToken, isReal ? {} : { httpClient: new RebasedRequestClient(settings.apiBaseUrl) });
    clients.set(settings, client);
  }
  return client;
}

/** A send that will never work as is (invalid number, recipient opted out with STOP: 21610). */
export class PermanentSendError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly optedOut: boolean,
  ) {
    super(message);
    this.name = 'PermanentSendError';
  }
}

/** Twilio's messages mention the phone number: never log or store them as they are. */
export function redact(text: string): string {
  return text.replace(/\+?\d[\d\s-]{6,}\d/g, '***');
}

/**
 * Classify a Twilio REST failure: 429, 5xx and network errors may work later
 * (TransientSendError, the job retries); anything else is permanent. 21610 means the
 * recipient replied STOP to Twilio: they are opted out and never retried.
 */
export function classifyTwilioError(err: unknown): TransientSendError | PermanentSendError {
  const e = err as { status?: number; code?: number | string; message?: string };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const code = e.code !== undefined ? String(e.code) : undefined;
  if (code === '21610') return new PermanentSendError('21610', 'the recipient has opted out (STOP)', true);
  if (status === undefined || status === 429 || status >= 500) {
    return new TransientSendError(`Twilio request failed (${status ?? code ?? 'network'})`);
  }
  return new PermanentSendError(code ?? String(status), redact(e.message ?? `HTTP ${status}`), false);
}
