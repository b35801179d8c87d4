/**
 * Postback data carried by LINE buttons: ids only, never personal data (LINE keeps it and
 * echoes it back). Max 300 characters.
 *
 *   s=<sessionId>&q=<questionId>&v=<value>     a button sent for one check session
 *   r=<round>&d=<localDate>&q=<questionId>&v=<value>
 *                                               a multicast first prompt, sent to many people
 *                                               before any per-person state: the server finds
 *                                               the person's session by (person, date, round)
 *   a=report | a=records | a=contact            the rich menu
 *
 * An answer's button ends with `&u=1` when picking it raises a red flag (the engine's
 * `raisesRed`): the intake puts it in the answers' urgent lane. Only a hint for speed —
 * the answer is judged again when processed, so a forged `u` hurries nothing but itself.
 */
export type Postback =
  | { kind: 'session'; sessionId: string; questionId: string; value: string; urgent?: boolean }
  | { kind: 'round'; round: string; localDate: string; questionId: string; value: string; urgent?: boolean }
  | { kind: 'menu'; action: MenuAction };

export const MENU_ACTIONS = ['report', 'records', 'contact'] as const;
export type MenuAction = (typeof MENU_ACTIONS)[number];

export const POSTBACK_MAX = 300;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ROUND = /^([01]\d|2[0-3]):[0-5]\d$|^manual-\d+$/;

export function encodePostback(p: Postback): string {
  const params = new URLSearchParams();
  if (p.kind === 'session') {
    params.set('s', p.sessionId);
    params.set('q', p.questionId);
    params.set('v', p.value);
  } else if (p.kind === 'round') {
    params.set('r', p.round);
    params.set('d', p.localDate);
    params.set('q', p.questionId);
    params.set('v', p.value);
  } else params.set('a', p.action);
  if (p.kind !== 'menu' && p.urgent) params.set('u', '1');
  return params.toString();
}

/** Parse postback data; anything malformed (or forged) is null, never an exception. */
export function parsePostback(data: string): Postback | null {
  if (typeof data !== 'string' || data.length > POSTBACK_MAX) return null;
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(data);
  } catch {
    return null;
  }
  const action = params.get('a');
  if (action !== null) return (MENU_ACTIONS as readonly string[]).includes(action) ? { kind: 'menu', action: action as MenuAction } : null;
  const questionId = params.get('q');
  const value = params.get('v');
  if (!questionId || value === null || value === '') return null;
  const urgent = params.get('u') === '1' ? { urgent: true } : {};
  const sessionId = params.get('s');
  if (sessionId !== null) return UUID.test(sessionId) ? { kind: 'session', sessionId, questionId, value, ...urgent } : null;
  const round = params.get('r');
  const localDate = params.get('d');
  if (round && localDate && ROUND.test(round) && DATE.test(localDate)) return { kind: 'round', round, localDate, questionId, value, ...urgent };
  return null;
}

/** Whether postback data is an answer's button marked red (`u=1`). */
export function isUrgentPostback(data: string): boolean {
  const p = parsePostback(data);
  return p !== null && p.kind !== 'menu' && p.urgent === true;
}

/** Whether a LINE webhook event is a tapped answer marked red (`u=1`): the intake's urgent lane. */
export function isUrgentAnswer(event: unknown): boolean {
  const e = event as { type?: unknown; postback?: { data?: unknown } } | null;
  return e?.type === 'postback' && typeof e.postback?.data === 'string' && isUrgentPostback(e.postback.data);
}

// The end of a red button's data in a webhook body's JSON (encodePostback puts `u` last), with
// `&` as it is or escaped as an HTML-safe JSON encoder writes it.
const URGENT_ENDINGS = ['&u=1"', '\\u0026u=1"'];

/**
 * Whether a raw webhook body may hold a tapped red answer: a text search, no parsing, for
 * the overload gate, which decides before the body is verified (a false hit only costs the
 * signature check and the parse every request gets without the gate).
 */
export function mayHoldUrgentAnswer(rawBody: string): boolean {
  return URGENT_ENDINGS.some((m) => rawBody.includes(m));
}
