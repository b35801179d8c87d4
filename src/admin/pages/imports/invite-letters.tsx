import type { InviteLetter } from '../../../domain/imports/invite-imported-persons';
import type { StaffActor } from '../../auth/types';
import { t, type Lang } from '../../ui/i18n';
import { Layout } from '../../ui/layout';

/**
 * The invitation letters, one per printed page (imports.css: page-break after each): the
 * person's name and address for the window envelope, the link code and its QR code. The
 * codes are shown only here, once; printing is the browser's (imports.js binds the button).
 */
export function InviteLettersPage(props: {
  lang: Lang;
  actor: StaffActor;
  csrf: string;
  userName?: string;
  importId: string;
  letters: (InviteLetter & { qrDataUrl: string })[];
  dispatched: number;
  skipped: { caseNumber: string; reasonJa: string }[];
  centreName: string;
}) {
  const { lang } = props;
  return (
    <Layout title={t(lang, 'imports.invite')} actor={props.actor} lang={lang} csrf={props.csrf} active="imports" userName={props.userName} scripts={['imports.js']} styles={['imports.css']}>
      <div class="no-print">
        <p><a href={`/admin/imports/${props.importId}`}>← {t(lang, 'imports.title')}</a></p>
        <p id="invite-summary">{t(lang, 'imports.invited', { letters: props.letters.length, dispatched: props.dispatched, skipped: props.skipped.length })}</p>
        {props.skipped.length > 0 && <ul>{props.skipped.map((s) => <li>{`${s.caseNumber}: ${s.reasonJa}`}</li>)}</ul>}
        {props.letters.length > 0 && <p><button type="button" data-print>{t(lang, 'imports.print')}</button></p>}
      </div>
      {props.letters.map((l) => (
        <article class="letter">
          <p class="letter-to">{l.address ?? ''}<br />{`${l.name} 様`}</p>
          <h2>{t('ja', 'imports.letterTitle')}</h2>
          <p>{t('ja', 'imports.letterBody')}</p>
          <p class="letter-code">{`${t('ja', 'imports.letterCode')}: `}<strong>{l.code}</strong></p>
          <img src={l.qrDataUrl} alt={`${t('ja', 'imports.letterCode')} ${l.code}`} width="160" height="160" />
          <p class="muted">{`${t('ja', 'imports.letterExpires')}: ${l.expiresAt.toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' })}`}</p>
          <p class="letter-from">{props.centreName}</p>
        </article>
      ))}
    </Layout>
  );
}
