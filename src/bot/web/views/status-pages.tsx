import { localize, type Lang, type Localized, type OutMessage } from '../../../flows';
import type { CentreContact } from '../../../domain/web/resolve-link';
import { t } from '../texts';
import { CallButtons, centreName, PatientLayout } from './layout';
import { Notes } from './question-page';

const phoneOf = (centre: CentreContact | null, lang: Lang) => centre?.phone ?? t(lang, 'noPhone');

/**
 * The check is answered: thank-you (the closing words and any urgent advice of the last
 * answer), and what to do if things get worse. The same page greets a reused link.
 */
/** 療養証明書: offered on the check link once monitoring has ended (see src/domain/certificates). */
const CERTIFICATE_LINK: Localized = { ja: '療養証明書（PDF）をダウンロード', en: 'Download your certificate of recuperation (PDF)', 'ja-easy': 'りょうよう しょうめいしょ（PDF）を ダウンロード' };
const CertificateLink = (props: { lang: Lang; href?: string }) => (props.href ? <p><a id="certificate-link" href={props.href}>{localize(CERTIFICATE_LINK, props.lang)}</a></p> : null);

/**
 * `household`: a reporter's page between members — whose check this was (`lead`), and the
 * way on to the next member still to answer (`next`), or the thanks for everyone (`allDone`).
 */
export interface HouseholdDone {
  lead?: string;
  next?: { href: string; label: string };
  allDone?: string;
}

export function DonePage(props: { lang: Lang; centre: CentreContact; notes: OutMessage[]; advised: boolean; certificateHref?: string; household?: HouseholdDone; member?: number }) {
  const { lang, centre } = props;
  const urgentShown = props.notes.some((n) => n.kind === 'urgent_advice');
  const h = props.household;
  return (
    <PatientLayout lang={lang} title={t(lang, 'doneTitle')} member={props.member}>
      {h?.lead && <p class="note household-lead">{h.lead}</p>}
      <h1 id="question" tabindex={-1}>
        {t(lang, 'doneTitle')}
      </h1>
      <Notes notes={props.notes} lang={lang} centre={centre} />
      {h?.next && (
        <p class="household-next">
          <a id="household-next" class="primary" href={h.next.href}>
            {h.next.label}
          </a>
        </p>
      )}
      {h?.allDone && <p class="note household-done">{h.allDone}</p>}
      {/* 「このリンクはもう使えません」 is not true while the link leads on to the next member. */}
      {!h?.next && <p class="explain">{t(lang, 'doneBody', { name: centreName(centre, lang), phone: phoneOf(centre, lang) })}</p>}
      <CertificateLink lang={lang} href={props.certificateHref} />
      <CallButtons lang={lang} centre={centre} with119={props.advised && !urgentShown} />
    </PatientLayout>
  );
}

/** The round is over (link expired, or the check closed as missed): who to call instead. */
export function ClosedPage(props: { lang: Lang; centre: CentreContact; certificateHref?: string }) {
  const { lang, centre } = props;
  return (
    <PatientLayout lang={lang} title={t(lang, 'closedTitle')}>
      <h1 id="question" tabindex={-1}>
        {t(lang, 'closedTitle')}
      </h1>
      <p class="explain">{t(lang, 'closedBody', { name: centreName(centre, lang), phone: phoneOf(centre, lang) })}</p>
      <CertificateLink lang={lang} href={props.certificateHref} />
      <CallButtons lang={lang} centre={centre} with119={false} />
    </PatientLayout>
  );
}

/** Not one of our links: nothing was looked up, so no centre can be named. */
export function InvalidLinkPage(props: { lang: Lang }) {
  return (
    <PatientLayout lang={props.lang} title={t(props.lang, 'invalidTitle')}>
      <h1 id="question" tabindex={-1}>
        {t(props.lang, 'invalidTitle')}
      </h1>
      <p class="explain">{t(props.lang, 'invalidBody')}</p>
    </PatientLayout>
  );
}

/** A form body over the size limit: nothing was recorded, say so and let them go back. */
export function TooLargePage(props: { lang: Lang }) {
  return (
    <PatientLayout lang={props.lang} title={t(props.lang, 'invalidTitle')} langSwitch={false}>
      <h1 id="question" tabindex={-1}>
        {t(props.lang, 'tooLarge')}
      </h1>
    </PatientLayout>
  );
}

/** An unexpected failure: the transaction rolled back, so the last answer may be missing — reopen the link. */
export function ErrorPage(props: { lang: Lang }) {
  return (
    <PatientLayout lang={props.lang} title={t(props.lang, 'errorTitle')} langSwitch={false}>
      <h1 id="question" tabindex={-1}>
        {t(props.lang, 'errorTitle')}
      </h1>
      <p class="explain">{t(props.lang, 'errorBody')}</p>
    </PatientLayout>
  );
}
