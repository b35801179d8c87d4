import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from '../logger';

/**
 * An error a verb throws on purpose (src/domain/errors.ts marks its DomainError with this
 * symbol): its code, status and wording go to the client. Read by shape, so platform
 * needs nothing from the domain.
 */
export const PUBLIC_ERROR = Symbol.for('mimamori.public-error');

export interface PublicError extends Error {
  readonly code: string;
  readonly status: 400 | 401 | 403 | 404 | 409 | 422 | 423 | 429;
  readonly messageJa?: string;
  readonly fields?: unknown;
}

export function isPublicError(err: unknown): err is PublicError {
  return err instanceof Error && (err as unknown as Record<symbol, unknown>)[PUBLIC_ERROR] === true;
}

/** The one onError: domain errors become { code, message, messageJa?, requestId } with their status. */
export function errorHandler(logger: Logger) {
  return (err: Error, c: Context) => {
    const requestId = c.get('requestId') as string | undefined;
    if (isPublicError(err) && err.code === 'validation_failed') {
      return c.json({ code: err.code, message: err.message, ...withJa(err), fields: err.fields, requestId }, 422);
    }
    if (isPublicError(err)) {
      return c.json({ code: err.code, message: err.message, ...withJa(err), requestId }, err.status);
    }
    if (err instanceof HTTPException) {
      const res = err.getResponse();
      if (err.res) return res;
      return c.json({ code: 'http_error', message: err.message || res.statusText, requestId }, err.status);
    }
    logger.error({ requestId, err: { message: err.message, stack: err.stack } }, 'unhandled error');
    return c.json({ code: 'internal_error', message: 'Internal error', requestId }, 500);
  };
}

/** `messageJa` only when the error has one: clients tell "no Japanese wording" from an empty one. */
export function withJa(err: Pick<PublicError, 'messageJa'>): { messageJa?: string } {
  return err.messageJa ? { messageJa: err.messageJa } : {};
}
