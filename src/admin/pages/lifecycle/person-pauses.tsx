import { PAUSE_REASONS } from '../../../../db/schema';
import type { PersonPause } from '../../../domain/pauses/pauses-of';
import { fmtShort } from '../../ui/format';
import { t, type Lang } from '../../ui/i18n';
import { ActionDialog } from '../../ui/action-dialog';

/** The person page's 一時停止 card: the pauses as a timeline (start, reason, resume date, end); the forms are in PauseDialog. */
export function PersonPausesCard(props: { lang: Lang; timeZone: string; pauses: PersonPause[] }) {
  const { lang, pauses } = props;
  const active = pauses.find((p) => p.active);
  return (
    <section class="card" id="person-pauses">
      <h2>{t(lang, 'pause.title')}</h2>
      {active && <p class="flash" id="pause-active">{t(lang, 'pause.active', { date: active.resumeOn })}</p>}
      {pauses.length ? (
        <ul class="timeline" id="pause-timeline">
          {pauses.map((p) => (
            <li data-pause-id={p.id}>
              {fmtShort(p.startedAt, props.timeZone)} — {t(lang, 'pause.started', { reason: t(lang, `pause.reason.${p.reason}`) })} → {t(lang, 'pause.resumeOn')} {p.resumeOn}
              {p.by && <span class="muted"> {p.by}</span>}
              {p.note && <div class="pre">{p.note}</div>}
              {p.endedAt && <div>{fmtShort(p.endedAt, props.timeZone)} — {t(lang, `pause.ended.${p.endKind ?? 'ended_by_staff'}`)}{p.endedBy && <span class="muted"> {p.endedBy}</span>}</div>}
            </li>
          ))}
        </ul>
      ) : <p class="muted">{t(lang, 'pause.none')}</p>}
    </section>
  );
}

/** Whether the 一時停止 dialog has anything to offer: start a pause (monitored) or end the one running. */
export const pauseDialogUseful = (monitored: boolean, pauses: PersonPause[]) => monitored || pauses.some((p) => p.active);

/** The 一時停止 dialog: pause monitoring until a date, or end the running pause early. */
export function PauseDialog(props: { lang: Lang; csrf: string; personId: string; monitored: boolean; pauses: PersonPause[] }) {
  const { lang, personId } = props;
  const hidden = <input type="hidden" name="_csrf" value={props.csrf} />;
  const active = props.pauses.find((p) => p.active);
  return (
    <ActionDialog id="dlg-pause" closeTo="#person-actions" title={t(lang, 'pause.title')} lang={lang}>
      {active && <p>{t(lang, 'pause.active', { date: active.resumeOn })}</p>}
      {active ? (
        <form method="post" action={`/admin/persons/${personId}/pause/end`}>{hidden}<button type="submit" id="end-pause">{t(lang, 'pause.end')}</button></form>
      ) : props.monitored && (
        <form method="post" action={`/admin/persons/${personId}/pause`} id="pause-form">
          {hidden}
          <label>{t(lang, 'pause.reason')}<select name="reason">{PAUSE_REASONS.map((r) => <option value={r}>{t(lang, `pause.reason.${r}`)}</option>)}</select></label>
          <label>{t(lang, 'pause.resumeOn')}<input type="date" name="resumeOn" required /></label>
          <label>{t(lang, 'pause.note')}<input name="note" maxlength={500} /></label>
          <button type="submit">{t(lang, 'pause.start')}</button>
        </form>
      )}
    </ActionDialog>
  );
}
