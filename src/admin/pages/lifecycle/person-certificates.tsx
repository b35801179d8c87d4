import { CERTIFICATE_KINDS } from '../../../../db/schema';
import type { CertificateSummary } from '../../../domain/certificates/revoke-certificate';
import { t, type Lang } from '../../ui/i18n';

/** The person page's 証明書 card: the certificates issued, print and revoke, and issuing once monitoring ended. */
export function PersonCertificatesCard(props: { lang: Lang; csrf: string; personId: string; ended: boolean; certificates: CertificateSummary[] }) {
  const { lang, personId } = props;
  const hidden = <input type="hidden" name="_csrf" value={props.csrf} />;
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
                <>
                  {' '}<a href={`/admin/persons/${personId}/certificates/${c.id}/pdf`} target="_blank" rel="noopener">{t(lang, 'cert.print')}</a>
                  <form method="post" action={`/admin/persons/${personId}/certificates/${c.id}/revoke`} class="inline">
                    {hidden}<input name="reason" maxlength={200} required aria-label={t(lang, 'cert.revokeReason')} placeholder={t(lang, 'cert.revokeReason')} />
                    <button type="submit" class="link">{t(lang, 'cert.revoke')}</button>
                  </form>
                </>
              )}
            </li>
          ))}
        </ul>
      ) : <p class="muted">{t(lang, 'cert.none')}</p>}
      {props.ended ? (
        <form method="post" action={`/admin/persons/${personId}/certificates`} id="issue-certificate">
          {hidden}
          <select name="kind">{CERTIFICATE_KINDS.map((k) => <option value={k}>{t(lang, `cert.kind.${k}`)}</option>)}</select>
          <button type="submit" class="secondary">{t(lang, 'cert.issue')}</button>
        </form>
      ) : <p class="muted">{t(lang, 'cert.afterEnd')}</p>}
    </section>
  );
}
