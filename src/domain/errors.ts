import { PUBLIC_ERROR } from '../platform/http/errors';

/**
 * Errors thrown by verbs, converted once at the edge into { code, message, requestId } —
 * plus `messageJa`, the same refusal in Japanese, when the error has one.
 */
export class DomainError extends Error {
  declare readonly messageJa?: string;
  constructor(
    readonly code: string,
    readonly status: 400 | 401 | 403 | 404 | 409 | 422 | 423 | 429,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The edge's error handler (src/platform/http/errors.ts) sends code, status and wording. */
  get [PUBLIC_ERROR](): true {
    return true;
  }
}

/** Also used for records outside the actor's scope, so existence is never confirmed. */
export class NotFoundError extends DomainError {
  constructor(readonly entity: string, readonly entityId?: string) {
    super('not_found', 404, `${entity} not found`);
  }
}

/** `messageJa`: the same refusal for the Japanese console (pages show it; the API sends both). */
export class ConflictError extends DomainError {
  constructor(message: string, readonly details?: Record<string, unknown>, override readonly messageJa?: string) {
    super('conflict', 409, message);
  }
}

export class ForbiddenError extends DomainError {
  override readonly messageJa: string;
  constructor(message?: string, messageJa?: string) {
    super('forbidden', 403, message ?? 'not allowed for your role');
    this.messageJa = messageJa ?? (message === undefined ? 'この操作はあなたの役割では行えません' : 'この操作は許可されていません');
  }
}

export interface FieldError {
  field: string;
  message: string;
  messageJa?: string;
}

export class ValidationError extends DomainError {
  declare readonly messageJa?: string;
  constructor(readonly fields: FieldError[]) {
    super('validation_failed', 422, fields.map((f) => `${f.field}: ${f.message}`).join('; '));
    // The whole refusal in Japanese when the fields have Japanese wording (the rest stay as they are).
    if (fields.some((f) => f.messageJa)) this.messageJa = fields.map((f) => `${f.field}: ${f.messageJa ?? f.message}`).join('；');
  }
}
