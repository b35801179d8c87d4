import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { Context } from 'hono';
import { DomainError, ValidationError } from '../domain/errors';
import { OAuthError } from '../domain/fhir/oauth-error';
import type { Logger } from '../platform/logger';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** A refusal the FHIR door itself makes (bad search parameter, not a FHIR resource …). */
export class FhirRequestError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 406 | 409 | 410 | 412 | 415 | 422,
    readonly issueCode: OperationOutcomeIssue['code'],
    message: string,
    readonly messageJa: string,
    readonly expression?: string[],
  ) {
    super(message);
  }
}

/**
 * An OperationOutcome: `diagnostics` in Japanese when the refusal has Japanese wording (the
 * console's), the English in `details.text`.
 */
export function outcome(issues: { code: OperationOutcomeIssue['code']; message: string; messageJa?: string; expression?: string[]; severity?: OperationOutcomeIssue['severity'] }[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((i) => ({
      severity: i.severity ?? 'error',
      code: i.code,
      details: { text: i.message },
      diagnostics: i.messageJa ?? i.message,
      ...(i.expression ? { expression: i.expression } : {}),
    })),
  };
}

export function fhirJson(c: Context, body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': FHIR_JSON, ...headers } });
}

const CODE_OF: Record<number, OperationOutcomeIssue['code']> = { 400: 'invalid', 401: 'login', 403: 'forbidden', 404: 'not-found', 409: 'duplicate', 422: 'processing', 423: 'lock-error', 429: 'throttled' };

/** onError for /fhir and /oauth: every refusal an OperationOutcome (the token endpoint: RFC 6749 JSON). */
export function fhirErrorHandler(logger: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof OAuthError) {
      return c.json({ error: err.error, error_description: err.message, error_description_ja: err.messageJa }, err.status as 400 | 401, { 'cache-control': 'no-store' });
    }
    if (err instanceof FhirRequestError) {
      const headers: Record<string, string> = err.status === 401 ? { 'www-authenticate': 'Bearer error="invalid_token"' } : {};
      return fhirJson(c, outcome([{ code: err.issueCode, message: err.message, messageJa: err.messageJa, expression: err.expression }]), err.status, headers);
    }
    if (err instanceof ValidationError) {
      return fhirJson(c, outcome(err.fields.map((f) => ({ code: 'invariant' as const, message: `${f.field}: ${f.message}`, messageJa: f.messageJa ? `${f.field}: ${f.messageJa}` : undefined, expression: [f.field] }))), 422);
    }
    if (err instanceof DomainError) {
      const messageJa = err.status === 404 ? 'リソースが見つかりません' : err.messageJa;
      return fhirJson(c, outcome([{ code: CODE_OF[err.status] ?? 'processing', message: err.message, messageJa }]), err.status);
    }
    logger.error({ requestId: c.get('requestId'), err: { message: err.message, stack: err.stack } }, 'unhandled FHIR error');
    return fhirJson(c, outcome([{ code: 'exception', message: 'Internal error', messageJa: 'サーバー内部でエラーが発生しました' }]), 500);
  };
}
