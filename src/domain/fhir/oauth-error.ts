import { DomainError } from '../errors';

export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope';

/**
 * A refusal of the token endpoint, answered as RFC 6749 §5.2 says ({ error,
 * error_description }): 401 for a client that is not who it says, else 400.
 */
export class OAuthError extends DomainError {
  constructor(readonly error: OAuthErrorCode, message: string, override readonly messageJa: string) {
    super(error, error === 'invalid_client' ? 401 : 400, message);
  }
}
