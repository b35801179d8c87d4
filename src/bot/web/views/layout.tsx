import type { Child } from 'hono/jsx';
import { isJapanese, type Lang } from '../../../flows';
import type { CentreContact } from '../../../domain/web/resolve-link';
import { TokenPageMeta } from '../../../domain/web/token-page-meta';
import { LANGS, t } from '../texts';

export const ASSET_PREFIX = '/c/_';

/**
 * The page frame of the patient's web check: tiny, server-rendered, one style sheet and a
 * few lines of script served as files (the CSP allows no inline script). The viewport
 * never blocks zooming; sizes are in rem so 200 % zoom reflows instead of clipping.
 */
/** `member`: a household member's page reached by the reporter's link (`?m=<k>`): the language links stay on it. */
export function PatientLayout(props: { lang: Lang; title: string; children?: Child; langSwitch?: boolean; member?: number }) {
  const html = LANGS.find((l) => l.code === props.lang)?.htmlLang ?? 'ja';
  return (
    <html lang={html}>
      <head>
        <TokenPageMeta title={`${props.title} — 見守り Mimamori`} />
        <link rel="stylesheet" href={`${ASSET_PREFIX}/check.css`} />
        <script src={`${ASSET_PREFIX}/check.js`} defer></script>
      </head>
      <body>
        <header class="top">
          <p class="brand">{t(props.lang, 'title')}</p>
          {props.langSwitch !== false && (
            <nav aria-label={t(props.lang, 'language')}>
              <ul class="langs">
                {LANGS.map((l) => (
                  <li>
                    <a href={props.member ? `?m=${props.member}&lang=${l.code}` : `?lang=${l.code}`} lang={l.htmlLang} aria-current={l.code === props.lang ? 'true' : undefined}>
                      {l.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
        </header>
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}

export function centreName(centre: CentreContact | null, lang: Lang): string {
  if (!centre) return t(lang, 'noPhone');
  return isJapanese(lang) ? centre.nameJa : centre.nameEn;
}

/** tel: wants digits (and a leading +) only: "03-5273-3000" → "0352733000". */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

/**
 * Large call buttons: the health centre (when it has a number) and 119. When the advice
 * was given with the centre closed (`centreOpen` false), 119 comes first and the centre's
 * button says it is closed: the first, biggest button must be one that answers now.
 */
export function CallButtons(props: { lang: Lang; centre: CentreContact | null; with119?: boolean; centreOpen?: boolean }) {
  const { lang, centre } = props;
  const closed = props.centreOpen === false;
  const centreButton = centre?.phone && (
    <a class={closed ? 'call call-closed' : 'call'} href={telHref(centre.phone)}>
      {t(lang, closed ? 'callCentreClosed' : 'callCentre', { name: centreName(centre, lang) })}
      <span class="number">{centre.phone}</span>
    </a>
  );
  const button119 = (props.with119 !== false || closed) && (
    <a class="call call-119" href="tel:119">
      {t(lang, 'call119')}
    </a>
  );
  return <p class="calls">{closed ? [button119, centreButton] : [centreButton, button119]}</p>;
}
