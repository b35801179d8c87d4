import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DomainError, ValidationError } from '../../domain/errors';
import type { Logger } from '../logger';

/** The one onError: domain errors become { code, message, messageJa?, requestId } with their status. */
export function errorHandler(logger: Logger) {
  return (err: Error, c: Context) => {
    const requestId = c.get('requestId') as string | undefined;
    if (err instanceof ValidationError) {
      return c.json({ code: err.code, message: err.message, ...withJa(err), fields: err.fields, requestId }, 422);
    }
    if (err instanceof DomainError) {
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
export function withJa(err: DomainError): { messageJa?: string } {
  return err.messageJa ? { messageJa: err.messageJa } : {};
}
