import type { Context } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';

/** Send a server-rendered page with its doctype. Hono JSX escapes every interpolated value. */
export async function page(c: Context, node: JSX.Element, status: 200 | 400 | 401 | 403 | 404 | 409 | 422 | 423 | 429 = 200): Promise<Response> {
  const html = await Promise.resolve(node as unknown as Promise<string> | string);
  return c.html(`<!DOCTYPE html>${String(html)}`, status);
}
