import type { Context } from 'hono';
import type { Deps } from '../../deps';
import { withTransaction, type Ctx } from '../../domain/context';
import { NotFoundError } from '../../domain/errors';
import { requestInfo } from './request-info';
import type { AdminContext } from './types';

/**
 * Run verbs as the signed-in actor in one transaction:
 * `await runVerb(deps, c, (ctx) => acknowledgeAlert({ ctx, input }))`.
 */
export function runVerb<T>(deps: Deps, c: AdminContext, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  return withTransaction(deps.db, { actor: c.get('actor'), now: deps.now(), request: requestInfo(c) }, fn);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id; anything but a UUID is simply "not found" (never a database error). */
export function idParam(c: Context, name: string, entity: string): string {
  const v = c.req.param(name) ?? '';
  if (!UUID.test(v)) throw new NotFoundError(entity, v.slice(0, 40));
  return v.toLowerCase();
}
