import { CALL_OUTCOMES } from '../../../../db/schema';
import type { PersonCaseload } from '../../../domain/caseload/person-caseload';
import { fmtShort } from '../../ui/format';
import { t, type Lang } from '../../ui/i18n';
import { ActionDialog } from '../../ui/action-dialog';

/** The person page's 担当 and 電話連絡 card: who follows them, the calls, and 追跡不能 (the forms are in CallsDialog). */
export function PersonCaseloadCard(props: { lang: Lang; timeZone: string; cl: PersonCaseload }) {
  const { lang, cl } = props;
  const a = cl.assignment;
  return (
    <section class="card" id="person-caseload">
      <h2>{t(lang, 'caseload.assignee')}</h2>
      <p id="person-assignee">{a ? [a.staffName, a.teamName].filter(Boolean).join(' / ') || t(lang, 'caseload.none') : t(lang, 'caseload.none')}</p>
      <h2>{t(lang, 'calls.title')}</h2>
      {cl.calls.length ? (
        <table id="staff-calls">
          <thead><tr><th>{t(lang, 'calls.when')}</th><th>{t(lang, 'calls.outcome')}</th><th>{t(lang, 'calls.note')}</th><th>{t(lang, 'calls.by')}</th></tr></thead>
          <tbody>
            {cl.calls.map((c) => (
              <tr class={c.outcome === 'reached' ? undefined : 'contact-failed'}>
                <td>{fmtShort(c.calledAt, props.timeZone)}</td><td>{t(lang, `calls.outcome.${c.outcome}`)}</td><td class="pre">{c.note ?? ''}</td><td>{c.staffName ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p class="muted">{t(lang, 'common.none')}</p>}
      <p id="unsuccessful-calls">{t(lang, 'calls.unsuccessful', { n: cl.unsuccessful.length, m: cl.needed })}</p>
      {cl.lost && (
        <div id="lost-to-follow-up">
          <p><strong>{t(lang, 'lost.declared', { at: fmtShort(cl.lost.declaredAt, props.timeZone) })}</strong></p>
          <p>{t(lang, 'lost.calls')}:</p>
          <ul>{cl.lost.calls.map((c) => <li>{fmtShort(c.calledAt, props.timeZone)} {t(lang, `calls.outcome.${c.outcome}`)}</li>)}</ul>
        </div>
      )}
    </section>
  );
}

/** The 電話連絡 dialog: record a call and, after enough unsuccessful ones, declare the person 追跡不能. */
export function CallsDialog(props: { lang: Lang; csrf: string; personId: string; cl: PersonCaseload }) {
  const { lang, cl, personId } = props;
  const hidden = <input type="hidden" name="_csrf" value={props.csrf} />;
  return (
    <ActionDialog id="dlg-calls" closeTo="#person-actions" title={t(lang, 'calls.record')} lang={lang}>
      <form method="post" action={`/admin/persons/${personId}/calls`} id="record-call">
        {hidden}
        <label>{t(lang, 'calls.outcome')}
          <select name="outcome">{CALL_OUTCOMES.map((o) => <option value={o}>{t(lang, `calls.outcome.${o}`)}</option>)}</select>
        </label>
        <label>{t(lang, 'calls.note')}<input name="note" maxlength={1000} /></label>
        <button type="submit">{t(lang, 'calls.record')}</button>
      </form>
      <p class="muted">{t(lang, 'calls.unsuccessful', { n: cl.unsuccessful.length, m: cl.needed })}</p>
      {!cl.lost && cl.unsuccessful.length >= cl.needed && (
        <form method="post" action={`/admin/persons/${personId}/lost`} data-confirm={t(lang, 'lost.confirm')} id="declare-lost">
          {hidden}
          <label>{t(lang, 'calls.note')}<input name="note" maxlength={1000} /></label>
          <button type="submit" class="danger">{t(lang, 'lost.declare')}</button>
        </form>
      )}
    </ActionDialog>
  );
}
