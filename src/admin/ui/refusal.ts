import type { DomainError } from '../../domain/errors';
import { t, type Lang } from './i18n';

/**
 * A verb's refusal (ConflictError, ForbiddenError …) in the console's language: the verb's
 * own Japanese (messageJa) on the Japanese console, a general Japanese sentence when a
 * verb has none — never the English developer message on a Japanese page.
 */
export function refusalMessage(lang: Lang, err: DomainError): string {
  if (lang === 'en') return err.message;
  const ja = (err as DomainError & { messageJa?: string }).messageJa;
  return ja ?? t(lang, err.status === 403 ? 'common.forbidden' : err.status === 404 ? 'common.notFound' : 'common.conflict');
}
