import type { Context } from 'hono';

/** The media type of a Content-Type header, lower-case and without parameters ('' when absent). */
export const mediaType = (header: string | undefined): string => (header ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * 415 unless the request says it carries `expected` (e.g. a webhook that is correctly signed
 * but not what the provider sends); null when it does.
 */
export function refuseOtherMediaType(c: Context, expected: string): Response | null {
  if (mediaType(c.req.header('content-type')) === expected) return null;
  return c.json({ code: 'unsupported_media_type', message: `Content-Type must be ${expected}` }, 415);
}
