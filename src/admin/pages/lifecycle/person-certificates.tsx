import { CERTIFICATE_KINDS } from '../../../../db/schema';
import type { CertificateSummary } from '../../../domain/certificates/revoke-certificate';
import { t, type Lang } from '../../ui/i18n';
import { ActionDialog } from '../../ui/action-dialog';

/** The person page's 証明書 card: the certificates issued and their print links (issue and revoke are in CertificatesDialog). */
export function PersonCertificatesCard(props: { lang: Lang; personId: string; ended: boolean; certificates: CertificateSummary[] }) {
  const { lang, personId } = props;
  return (
    <section class="card" id="person-certificates">
      <h2>{t(lang, 'cert.title')}</h2>
      {props.certificates.length ? (
        <ul id="certificate-list">
          {props.certificates.map((c) => (
            <li data-certificate-id={c.id}>
              <strong>{t(lang, `cert.kind.${c.kind}`)}</strong> {t(lang, 'cert.period', { from: c.periodStart, to: c.periodEnd })} · {t(lang, 'cert.issuedOn', { date: c.issuedOn })}
              {c.revokedAt ? (
                <span class="badge"> {t(lang, 'cert.revoked', { reason: c.revokeReason ?? '' })}</span>
              ) : (
                <>{' '}<a href={`/admin/persons/${personId}/certificates/${c.id}/pdf`} target="_blank" rel="noopener">{t(lang, 'cert.print')}</a></>
              )}
            </li>
          ))}
        </ul>
      ) : <p class="muted">{t(lang, 'cert.none')}</p>}
      {!props.ended && <p class="muted">{t(lang, 'cert.afterEnd')}</p>}
    </section>
  );
}

/** The 証明書 dialog: issue one once monitoring ended; revoke one issued (with a reason). */
export function CertificatesDialog(props: { lang: Lang; csrf: string; personId: string; ended: boolean; certificates: CertificateSummary[] }) {
  const { lang, personId } = props;
  const hidden = <input type="hidden" name="_csrf" value={props.csrf} />;
  const live = props.certificates.filter((c) => !c.revokedAt);
  return (
    <ActionDialog id="dlg-certificates" closeTo="#person-actions" title={t(lang, 'cert.title')} lang={lang}>
      {props.ended ? (
        <form method="post" action={`/admin/persons/${personId}/certificates`} id="issue-certificate">
          {hidden}
          <label>{t(lang, 'cert.kind')}<select name="kind">{CERTIFICATE_KINDS.map((k) => <option value={k}>{t(lang, `cert.kind.${k}`)}</option>)}</select></label>
          <button type="submit">{t(lang, 'cert.issue')}</button>
        </form>
      ) : <p class="muted">{t(lang, 'cert.afterEnd')}</p>}
      {live.map((c) => (
        <form method="post" action={`/admin/persons/${personId}/certificates/${c.id}/revoke`} class="filters" data-certificate-id={c.id}>
          {hidden}
          <span>{t(lang, `cert.kind.${c.kind}`)} {t(lang, 'cert.issuedOn', { date: c.issuedOn })}</span>
          <input name="reason" maxlength={200} required aria-label={t(lang, 'cert.revokeReason')} placeholder={t(lang, 'cert.revokeReason')} />
          <button type="submit" class="secondary">{t(lang, 'cert.revoke')}</button>
        </form>
      ))}
    </ActionDialog>
  );
}
