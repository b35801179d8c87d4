/**
 * A minimal Twilio REST sender (one form POST) for the staff pages of src/domain/escalation:
 * the domain may not import the Twilio door (src/bot/twilio), and paging needs only two
 * calls, Messages.json and Calls.json. Same base URL setting as the door
 * (TWILIO_API_BASE_URL), so the tests' msw stand-in answers it.
 */
export interface TwilioRestSettings {
  accountSid: string;
  authToken: string;
  fromNumber: string;
  apiBaseUrl: string;
}

/** A refusal from Twilio (4xx/5xx) or the network; `transient` when trying again may work. */
export class TwilioRestError extends Error {
  constructor(
    readonly status: number | null,
    readonly code: string,
    readonly transient: boolean,
  ) {
    // Never Twilio's message: it names the phone number.
    super(`Twilio refused the request (${status ?? 'network'}, ${code})`);
    this.name = 'TwilioRestError';
  }
}

export async function twilioPost(settings: TwilioRestSettings, resource: 'Messages' | 'Calls', form: Record<string, string | string[]>): Promise<{ sid: string }> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  const url = `${settings.apiBaseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${settings.accountSid}/${resource}.json`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa(`${settings.accountSid}:${settings.authToken}`)}`, 'content-type': 'application/x-www-form-urlencoded' },
      body,
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw new TwilioRestError(null, 'network', true);
  }
  const json = (await res.json().catch(() => ({}))) as { sid?: string; code?: number | string };
  if (!res.ok || !json.sid) throw new TwilioRestError(res.status, String(json.code ?? res.status), res.status === 429 || res.status >= 500);
  return { sid: json.sid };
}
