import type { Context } from 'hono';
import { ValidationError } from '../../domain/errors';

/** The JSON body of an API call; anything that is not a JSON object is a 422 on '(body)'. */
export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    const text = await c.req.text();
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new ValidationError([{ field: '(body)', message: 'must be JSON', messageJa: 'JSON形式で送ってください' }]);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError([{ field: '(body)', message: 'must be a JSON object', messageJa: 'JSONオブジェクトで送ってください' }]);
  }
  return body as Record<string, unknown>;
}
