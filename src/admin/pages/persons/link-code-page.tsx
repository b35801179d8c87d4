import type { AdminContext } from '../../auth/types';
import { fmtDateTime } from '../../ui/format';
import { t } from '../../ui/i18n';
import { Layout, type NavKey } from '../../ui/layout';
import { page } from '../../ui/render';
import type { withQr } from './actions';

/**
 * The page that answers a POST issuing a LINE link code — shown once, never in a URL: the
 * QR code and the 12 digits, who it is for, how long it is valid, and the way back.
 * Persons, household contacts and facility contacts share it.
 */
export function linkCodePage(c: AdminContext, issued: Awaited<ReturnType<typeof withQr>>, opts: { back: string; active: NavKey; forWhom?: string; help?: string }) {
  const lang = c.get('lang');
  return page(
    c,
    <Layout title={t(lang, 'person.linkCodeTitle')} actor={c.get('actor')} lang={lang} csrf={c.get('csrfToken')} active={opts.active} userName={c.get('displayName')}>
      {opts.forWhom && <p id="link-code-for">{opts.forWhom}</p>}
      <div class="qr" id="link-code">
        <img src={issued.qrDataUrl} alt={t(lang, 'person.linkCodeTitle')} width={240} height={240} id="link-code-qr" />
        <p class="digits" id="link-code-digits">{issued.code}</p>
      </div>
      <p>{opts.help ?? t(lang, 'person.linkCodeHelp', { until: fmtDateTime(issued.expiresAt, lang) })}</p>
      <p><a href={opts.back}>{t(lang, 'common.back')}</a></p>
    </Layout>,
  );
}
