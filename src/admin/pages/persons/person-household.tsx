import { CHANNEL_KINDS } from '../../../../db/schema';
import type { HouseholdView } from '../../../domain/households/household-members';
import { ageOn } from '../../../domain/time';
import { LANG_CODES, voiceFor, type Lang as PatientLang } from '../../../flows';
import type { Child } from 'hono/jsx';
import { t, type Lang } from '../../ui/i18n';

/**
 * The person page's 世帯 card (a component of its own, so the page's layout can move it):
 * the members in the order the reporter is asked, who the reporter is, link / move out,
 * and the actions on the whole household (send a check now, end monitoring, channel).
 */
export function PersonHouseholdCard(props: { lang: Lang; csrf: string; personId: string; today: string; household: HouseholdView | null }) {
  const { lang, household: h, personId } = props;
  const hidden = <input type="hidden" name="_csrf" value={props.csrf} />;
  if (!h) {
    return (
      <section class="card" id="person-household">
        <h2>{t(lang, 'household.title')}</h2>
        <p class="muted">{t(lang, 'household.none')}</p>
        <form method="post" action={`/admin/persons/${personId}/household`} id="household-create">
          {hidden}
          <label>{t(lang, 'household.relation')}<input name="relation" maxlength={20} placeholder="母" /></label>
          <label>{t(lang, 'household.number')}<input name="householdNumber" maxlength={40} /></label>
          <button type="submit" class="secondary">{t(lang, 'household.create')}</button>
        </form>
      </section>
    );
  }
  const base = `/admin/households/${h.id}`;
  return (
    <section class="card" id="person-household">
      <h2>{t(lang, 'household.title')}{h.householdNumber && <span class="muted"> {t(lang, 'household.number')} {h.householdNumber}</span>}</h2>
      <p class="muted">{t(lang, 'household.order')}</p>
      <ol id="household-members">
        {h.members.map((m) => (
          <li data-person-id={m.personId}>
            {m.personId === personId ? <strong>{m.name}</strong> : <a href={`/admin/persons/${m.personId}`}>{m.name}</a>}
            {m.relation && ` （${m.relation}）`}
            {m.dateOfBirth && ` ${t(lang, 'household.age', { age: ageOn(m.dateOfBirth, props.today) })}`}
            {' '}<span class="muted">{t(lang, `pstatus.${m.status}`)}</span>
            {m.isReporter ? <span class="badge"> {t(lang, 'household.reporter')}</span> : (
              <>
                <form method="post" action={`${base}/reporter`} class="inline">{hidden}<input type="hidden" name="personId" value={m.personId} /><button type="submit" class="link">{t(lang, 'household.makeReporter')}</button></form>
                <form method="post" action={`${base}/remove`} class="inline">{hidden}<input type="hidden" name="personId" value={m.personId} /><button type="submit" class="link">{t(lang, 'household.remove')}</button></form>
              </>
            )}
          </li>
        ))}
      </ol>
      <form method="post" action={`${base}/members`} id="household-add">
        {hidden}
        <label>{t(lang, 'household.addMember')}<input name="caseNumber" required maxlength={60} /></label>
        <label>{t(lang, 'household.relation')}<input name="relation" maxlength={20} placeholder="子" /></label>
        <button type="submit" class="secondary">{t(lang, 'household.add')}</button>
      </form>
      <h3>{t(lang, 'household.contactTitle')}</h3>
      {h.contact ? (
        <p id="household-contact">
          {t(lang, 'household.reporter')}: {h.contact.name}{h.contact.relation && ` （${h.contact.relation}）`} <span class="muted">{t(lang, `channel.${h.contact.channel}`)} {t(lang, `lang.${h.contact.language}`)}</span>{' '}
          {h.contact.address ? <a href={`tel:${h.contact.address.replace(/-/g, '')}`} id="household-contact-phone">{t(lang, 'household.contactCall')} {h.contact.address}</a> : <span class="muted" id="household-contact-phone">{t(lang, 'household.contactNoPhone')}</span>}
          {h.contact.optedOut && h.contact.channel !== 'line' && <strong class="warn"> {t(lang, 'household.contactOptedOut')}</strong>}
        </p>
      ) : (
        <p class="muted">{t(lang, 'household.contactNone')}</p>
      )}
      {(h.contact?.channel === 'line' || h.contact?.lineLinked) && <ContactLine lang={lang} hidden={hidden} base={base} linked={!!h.contact.lineLinked} blocked={!!h.contact.optedOut && h.contact.channel === 'line'} phone={!!h.contact.address} />}
      {h.contact?.channel === 'voice' && !voiceFor(h.contact.language as PatientLang) ? (
        <p class="muted" id="household-contact-no-voice">{t(lang, 'lang.noVoice', { lang: t(lang, `lang.${h.contact.language}`) })}</p>
      ) : null}
      <form method="post" action={`${base}/contact`} id="household-contact-form">
        {hidden}
        <label>{t(lang, 'household.contactName')}<input name="contactName" required maxlength={100} value={h.contact?.name ?? ''} /></label>
        <label>{t(lang, 'household.relation')}<input name="contactRelation" maxlength={20} placeholder="母" value={h.contact?.relation ?? ''} /></label>
        <label>{t(lang, 'field.preferredLanguage')}<select name="contactLanguage">{LANG_CODES.map((k) => <option value={k} selected={(h.contact?.language ?? 'ja') === k}>{t(lang, `lang.${k}`)}</option>)}</select></label>
        <label>{t(lang, 'household.contactChannel')}<select name="contactChannel">{CHANNEL_KINDS.map((k) => <option value={k} selected={(h.contact?.channel ?? 'sms') === k}>{t(lang, `channel.${k}`)}</option>)}</select></label>
        <label>{t(lang, 'household.contactAddress')}<input name="contactAddress" maxlength={64} placeholder="090-1234-5678" value={h.contact?.address ?? ''} /></label>
        <p class="muted">{t(lang, 'household.contactHint')}</p>
        <button type="submit" class="secondary">{t(lang, 'household.contactSave')}</button>
      </form>
      <h3>{t(lang, 'household.actions')}</h3>
      <form method="post" action={`${base}/act`} class="inline">{hidden}<input type="hidden" name="action" value="send_check" /><button type="submit" class="secondary" id="household-send">{t(lang, 'household.sendCheck')}</button></form>
      <form method="post" action={`${base}/act`} class="inline">{hidden}<input type="hidden" name="action" value="end_monitoring" /><button type="submit" class="secondary">{t(lang, 'household.endMonitoring')}</button></form>
      <form method="post" action={`${base}/act`} class="inline">
        {hidden}<input type="hidden" name="action" value="set_channel" />
        <select name="channel" aria-label={t(lang, 'household.setChannel')}>{CHANNEL_KINDS.map((k) => <option value={k}>{t(lang, `channel.${k}`)}</option>)}</select>
        <button type="submit" class="secondary">{t(lang, 'household.setChannel')}</button>
      </form>
    </section>
  );
}

/**
 * A contact reached by LINE: whether her account is linked (or blocked us: members then go
 * to their own channels; with no phone either, nobody can reach her), the link code to give
 * her (「LINE連携コードを発行」), and unlinking (back to SMS when she has a phone).
 */
function ContactLine(props: { lang: Lang; hidden: Child; base: string; linked: boolean; blocked: boolean; phone: boolean }) {
  const { lang, hidden, base } = props;
  const state = props.blocked ? 'household.contactLineBlocked' : props.linked ? 'household.contactLineLinked' : props.phone ? 'household.contactLineNotLinked' : 'household.contactUnreachable';
  return (
    <p id="household-contact-line">
      <span class={props.blocked || (!props.linked && !props.phone) ? 'warn' : props.linked ? '' : 'muted'} id="household-contact-line-state">{t(lang, state)}</span>{' '}
      <form method="post" action={`${base}/contact/link-code`} class="inline">{hidden}<button type="submit" class="secondary" id="household-contact-link-code">{t(lang, 'person.linkCode')}</button></form>
      {props.linked && <form method="post" action={`${base}/contact/unlink-line`} class="inline">{hidden}<button type="submit" class="link" id="household-contact-unlink">{t(lang, 'household.contactUnlink')}</button></form>}
    </p>
  );
}
