import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/domain/errors';
import { errorHandler } from '../../src/platform/http/errors';
import { createLogger } from '../../src/platform/logger';
import { LogCapture } from '../support/deps';

/** An app whose one route throws what it is given, behind the general error handler. */
function throwing(err: Error) {
  const app = new Hono();
  app.use(async (c, next) => {
    c.set('requestId' as never, 'req-1' as never);
    await next();
  });
  app.get('/', () => {
    throw err;
  });
  app.onError(errorHandler(createLogger({ level: 'silent', destination: new LogCapture() })));
  return app;
}

const answer = async (err: Error) => {
  const res = await throwing(err).request('/');
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('the general error handler', () => {
  it('carries the Japanese wording of a refusal next to the English one', async () => {
    expect(await answer(new ConflictError('already there', undefined, 'すでにあります'))).toEqual({
      status: 409,
      body: { code: 'conflict', message: 'already there', messageJa: 'すでにあります', requestId: 'req-1' },
    });
    expect((await answer(new ForbiddenError())).body).toMatchObject({ code: 'forbidden', messageJa: 'この操作はあなたの役割では行えません' });
  });

  it('words a validation error in Japanese from its fields, keeping the fields', async () => {
    const { status, body } = await answer(new ValidationError([{ field: 'note', message: 'required', messageJa: '入力してください' }, { field: 'outcome', message: 'unknown' }]));
    expect(status).toBe(422);
    expect(body.messageJa).toBe('note: 入力してください；outcome: unknown');
    expect(body.fields).toHaveLength(2);
  });

  it('sends no messageJa when the error has none', async () => {
    const { status, body } = await answer(new NotFoundError('alert'));
    expect(status).toBe(404);
    expect(body).toEqual({ code: 'not_found', message: 'alert not found', requestId: 'req-1' });
    expect((await answer(new ValidationError([{ field: 'x', message: 'bad' }]))).body).not.toHaveProperty('messageJa');
  });
});
