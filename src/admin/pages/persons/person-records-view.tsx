import type { PersonRecord } from '../../../domain/persons/get-person';
import { TEST_METHODS, TEST_RESULTS } from '../../../domain/persons/test-records';
import { fmtDateTime } from '../../ui/format';
import { labelOr, t, type Lang } from '../../ui/i18n';
import { outcomeNote } from '../triage/queue-table';
import { ActionDialog } from '../../ui/action-dialog';

const options = (lang: Lang, prefix: string, values: readonly string[], selected?: string) =>
  values.map((v) => <option value={v} selected={v === selected}>{t(lang, `${prefix}.${v}`)}</option>);

/** 検査: the person's tests (the forms are in TestsDialog). */
export function PersonTests(props: { lang: Lang; r: PersonRecord }) {
  const { lang, r } = props;
  return (
    <section class="card" id="tests">
      <h2>{t(lang, 'person.tests')}</h2>
      <table>
        <thead><tr><th>{t(lang, 'test.specimenDate')}</th><th>{t(lang, 'test.method')}</th><th>{t(lang, 'test.result')}</th><th>{t(lang, 'test.resultDate')}</th></tr></thead>
        <tbody>
          {r.tests.length === 0 && <tr><td colspan={4} class="muted">{t(lang, 'common.none')}</td></tr>}
          {r.tests.map((x) => (
            <tr data-test-id={x.id}>
              <td>{x.specimenDate ?? '—'}</td>
              <td>{t(lang, `test.method.${x.method}`)}</td>
              <td>{t(lang, `test.result.${x.result}`)}</td>
              <td>{x.resultDate ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The 検査 dialog: record a test, and complete the result of each one recorded. */
export function TestsDialog(props: { lang: Lang; csrf: string; r: PersonRecord }) {
  const { lang, r } = props;
  const id = r.person.id;
  const hidden = <input type="hidden" name="_csrf" value={props.csrf} />;
  return (
    <ActionDialog id="dlg-tests" closeTo="#person-actions" title={t(lang, 'person.tests')} lang={lang}>
      <form method="post" action={`/admin/persons/${id}/tests`} class="filters" id="add-test">
        {hidden}
        <label>{t(lang, 'test.specimenDate')}<input type="date" name="specimenDate" /></label>
        <label>{t(lang, 'test.method')}<select name="method">{options(lang, 'test.method', TEST_METHODS)}</select></label>
        <label>{t(lang, 'test.result')}<select name="result">{options(lang, 'test.result', TEST_RESULTS, 'pending')}</select></label>
        <label>{t(lang, 'test.resultDate')}<input type="date" name="resultDate" /></label>
        <button type="submit">{t(lang, 'person.addTest')}</button>
      </form>
      {r.tests.length > 0 && <h3>{t(lang, 'person.testResults')}</h3>}
      {r.tests.map((x) => (
        <form method="post" action={`/admin/persons/${id}/tests/${x.id}`} class="filters" data-test-id={x.id}>
          {hidden}
          <span>{x.specimenDate ?? '—'} {t(lang, `test.method.${x.method}`)}</span>
          <select name="result" aria-label={t(lang, 'test.result')}>{options(lang, 'test.result', TEST_RESULTS, x.result)}</select>
          <input type="date" name="resultDate" value={x.resultDate ?? ''} aria-label={t(lang, 'test.resultDate')} />
          <button type="submit" class="secondary">{t(lang, 'common.save')}</button>
        </form>
      ))}
    </ActionDialog>
  );
}

/** 接触者: links both ways (this person's contacts, and whom they were a contact of); the forms are in ContactsDialog. */
export function PersonContacts(props: { lang: Lang; r: PersonRecord }) {
  const { lang, r } = props;
  return (
    <section class="card" id="contacts">
      <h2>{t(lang, 'person.contacts')}</h2>
      <table>
        <tbody>
          {r.contacts.length === 0 && <tr><td class="muted">{t(lang, 'common.none')}</td></tr>}
          {r.contacts.map((x) => (
            <tr data-contact-id={x.id}>
              <td class="muted">{t(lang, x.direction === 'contact' ? 'person.contactIs' : 'person.contactOf')}</td>
              <td><a href={`/admin/persons/${x.other.id}`}>{x.other.name}</a> <span class="muted">{x.other.caseNumber}</span></td>
              <td>{x.setting ?? ''}</td>
              <td>{x.lastContactDate ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The 接触者 dialog: link a contact by case number, or remove a link. */
export function ContactsDialog(props: { lang: Lang; csrf: string; r: PersonRecord }) {
  const { lang, r } = props;
  const id = r.person.id;
  const hidden = <input type="hidden" name="_csrf" value={props.csrf} />;
  return (
    <ActionDialog id="dlg-contacts" closeTo="#person-actions" title={t(lang, 'person.contacts')} lang={lang}>
      <form method="post" action={`/admin/persons/${id}/contacts`} class="filters" id="add-contact">
        {hidden}
        <label>{t(lang, 'person.contactCaseNumber')}<input name="contactCaseNumber" maxlength={40} required /></label>
        <label>{t(lang, 'contact.setting')}<input name="setting" maxlength={60} /></label>
        <label>{t(lang, 'contact.lastContactDate')}<input type="date" name="lastContactDate" /></label>
        <button type="submit">{t(lang, 'person.addContact')}</button>
      </form>
      {r.contacts.map((x) => (
        <form method="post" action={`/admin/persons/${id}/contacts/${x.id}/remove`} class="inline" data-contact-id={x.id}>
          {hidden}<button type="submit" class="link">{t(lang, 'person.removeContact')}: {x.other.name}（{x.other.caseNumber}）</button>
        </form>
      ))}
    </ActionDialog>
  );
}

/** The メモ dialog: add a note on the person. */
export function NoteDialog(props: { lang: Lang; csrf: string; personId: string }) {
  const { lang } = props;
  return (
    <ActionDialog id="dlg-note" closeTo="#person-actions" title={t(lang, 'person.addNote')} lang={lang}>
      <form method="post" action={`/admin/persons/${props.personId}/notes`} id="add-note">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <label>{t(lang, 'person.notes')}<textarea name="note" rows={4} maxlength={2000} required></textarea></label>
        <button type="submit">{t(lang, 'person.addNote')}</button>
      </form>
    </ActionDialog>
  );
}

/** メモ: notes on the person and on their alerts, newest first (added from NoteDialog). */
export function PersonNotes(props: { lang: Lang; r: PersonRecord }) {
  const { lang, r } = props;
  return (
    <section class="card" id="notes">
      <h2>{t(lang, 'person.notes')}</h2>
      {r.notes.length === 0 && <p class="muted">{t(lang, 'common.none')}</p>}
      <ul class="timeline">
        {r.notes.map((n) => (
          <li data-note-source={n.source}>
            <span class="muted">{fmtDateTime(n.createdAt, lang, r.centre.timeZone)} {n.author ?? ''}</span>{' '}
            {n.alert ? <a class="badge" href={`/admin/alerts/${n.alert.id}`}>{t(lang, 'person.noteOnAlert')}: {labelOr(lang, 'reason', n.alert.reason)}</a> : <span class="badge">{t(lang, 'person.noteOnPerson')}</span>}
            <div class="note pre">{n.kind === 'resolved' ? outcomeNote(lang, n.note) : n.note}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}
