/** Bounded label values: anything outside a closed set becomes a fixed word. */

/** The route group of a request path (no ids: /c/<token> and /admin/persons/<id> both collapse). */
export function routeGroup(path: string): string {
  if (path.startsWith('/webhooks/line')) return 'webhook_line';
  if (path.startsWith('/webhooks/twilio/sms')) return 'webhook_sms';
  if (path.startsWith('/webhooks/twilio/status')) return 'webhook_twilio_status';
  if (path.startsWith('/webhooks/twilio/voice')) return 'webhook_voice';
  if (path.startsWith('/api/')) return 'api';
  if (path === '/admin' || path.startsWith('/admin/')) return 'console';
  if (path.startsWith('/c/') || path === '/c') return 'web_check';
  if (path === '/healthz' || path === '/readyz') return 'health';
  return 'other';
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
export const methodLabel = (m: string) => (METHODS.has(m) ? m : 'other');
export const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

/** LINE: 2xx as a class, the codes that mean something to operators as themselves, 5xx as a class. */
export function lineCode(status: number): string {
  if (status >= 200 && status < 300) return '2xx';
  if ([400, 401, 403, 404, 409, 429].includes(status)) return String(status);
  if (status >= 500) return '5xx';
  return '4xx';
}

/** Twilio: its five-digit error codes (a published catalogue), else the HTTP class. */
export function twilioCode(code: string | number | undefined): string {
  const text = String(code ?? '');
  if (/^\d{5}$/.test(text)) return text;
  if (/^\d{3}$/.test(text)) return `${text[0]}xx`;
  if (text === 'ok' || text === 'not_configured' || text === 'transient') return text;
  return 'other';
}

/** Round labels: "HH:MM" as they are (a few per day), every unscheduled check as "manual". */
export const roundLabel = (round: string) => (/^([01]\d|2[0-3]):[0-5]\d$/.test(round) ? round : 'manual');
