import type { FieldError } from '../../../domain/errors';
import type { NotificationDetail } from '../../../domain/notifications/get-notification';
import { t, type Lang } from '../../ui/i18n';
import { FieldMessage } from '../registers/form-bits';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' }) : '—');

/** The items of a filed notification, read-only (every value escaped by JSX). */
export function NotificationItems(props: { lang: Lang; n: NotificationDetail }) {
  const { lang, n } = props;
  const f = n.fields;
  const label = (prefix: string, v: string | undefined) => (v ? t(lang, `${prefix}.${v}`) : '—');
  const rows: [string, string][] = [
    [t(lang, 'notif.institution'), `${n.institution.name}（${n.institution.code}）`],
    [t(lang, 'notif.centre'), n.centre ? `${lang === 'ja' ? n.centre.nameJa : n.centre.nameEn}（${n.centre.code}）` : '—'],
    [t(lang, 'notif.submittedAt'), when(n.submittedAt)],
    [t(lang, 'field.name'), f.name ?? '—'],
    [t(lang, 'field.nameKana'), f.nameKana ?? '—'],
    [t(lang, 'field.sex'), label('sex', f.sex)],
    [t(lang, 'field.dateOfBirth'), f.dateOfBirth ?? '—'],
    [t(lang, 'field.address'), f.address ?? '—'],
    [t(lang, 'field.phone'), f.phone ?? '—'],
    [t(lang, 'field.diagnosisClass'), label('dclass', f.diagnosisClass)],
    [t(lang, 'field.symptoms'), f.symptoms?.length ? f.symptoms.map((x) => (t(lang, `symptom.${x}`) === `symptom.${x}` ? x : t(lang, `symptom.${x}`))).join('、') : '—'],
    [t(lang, 'field.specimenDate'), f.specimenDate ?? '—'],
    [t(lang, 'field.testMethod'), label('testMethod', f.testMethod)],
    [t(lang, 'field.testResult'), label('testResult', f.testResult)],
    [t(lang, 'field.diagnosisDate'), f.diagnosisDate ?? '—'],
    [t(lang, 'field.onsetDate'), f.onsetDate ?? '—'],
    [t(lang, 'field.infectionRoute'), f.infectionRoute ?? '—'],
    [t(lang, 'field.infectionRegion'), `${label('region', f.infectionRegion)}${f.infectionRegionDetail ? `（${f.infectionRegionDetail}）` : ''}`],
    [t(lang, 'field.admitted'), f.admitted === undefined ? '—' : `${t(lang, `admitted.${f.admitted}`)}${f.admissionDate ? `（${f.admissionDate}）` : ''}`],
    [t(lang, 'field.note'), f.note ?? '—'],
  ];
  return (
    <dl class="grid" id="notification-items">
      {rows.map(([k, v]) => <><dt>{k}</dt><dd>{v}</dd></>)}
    </dl>
  );
}

/** The receiving centre's decision: register the person, attach to a possible duplicate, or return with a reason. */
export function DecisionForms(props: { lang: Lang; csrf: string; n: NotificationDetail; errors: FieldError[] }) {
  const { lang, csrf, n, errors } = props;
  const base = `/admin/notifications/${n.id}`;
  return (
    <section id="decision">
      <h2>{t(lang, 'notif.duplicates')}</h2>
      {n.possibleDuplicates.length === 0 && <p class="muted" id="no-duplicates">{t(lang, 'notif.noDuplicates')}</p>}
      {n.possibleDuplicates.map((d) => (
        <form method="post" action={`${base}/accept`} class="card duplicate" data-person={d.id}>
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="personId" value={d.id} />
          <p>{`${d.caseNumber} ${d.name}（${d.nameKana ?? ''}）${d.dateOfBirth ?? ''}`}</p>
          <p class="muted">{d.matchedBy.map((m) => t(lang, `notif.matched.${m}`)).join('・')}</p>
          <button type="submit">{t(lang, 'notif.attach')}</button>
        </form>
      ))}
      <form method="post" action={`${base}/accept`} id="accept-form">
        <input type="hidden" name="_csrf" value={csrf} />
        <label>{t(lang, 'notif.caseNumber')}<input name="caseNumber" maxlength={40} /></label>
        <label>{t(lang, 'notif.reply')}<input name="reply" maxlength={1000} /></label>
        <button type="submit">{t(lang, 'notif.accept')}</button>
      </form>
      <form method="post" action={`${base}/return`} id="return-form">
        <input type="hidden" name="_csrf" value={csrf} />
        <label>{t(lang, 'notif.returnReason')}<textarea name="reason" rows={2} maxlength={1000}></textarea></label>
        <FieldMessage lang={lang} errors={errors} name="reason" />
        <button type="submit" class="danger">{t(lang, 'notif.return')}</button>
      </form>
    </section>
  );
}
