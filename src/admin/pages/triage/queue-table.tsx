import type { AlertListRow } from '../../../domain/alerts/list-alerts';
import type { EscalationState } from '../../../domain/escalation/escalation-states';
import { withoutRaisedNote } from '../../ui/clinical';
import { fmtShort } from '../../ui/format';
import { labelOr, t, type Lang } from '../../ui/i18n';
import { PersonName } from '../persons/person-name';

export function reasonLabel(lang: Lang, a: { reason: string; reasons: { ja: string; en: string }[] }): string {
  if (!a.reasons.length) return labelOr(lang, 'reason', a.reason);
  // The escalation's note the engine appends to every raised reason: said once, not per reason.
  const texts = a.reasons.map((r) => withoutRaisedNote(lang === 'ja' ? r.ja : r.en || r.ja));
  const raised = texts.some((x) => x.raised);
  const plain = texts.map((x) => x.text);
  return plain.join(lang === 'ja' ? '／' : ' / ') + (raised ? (lang === 'ja' ? `（${t(lang, 'triage.raisedForRisk')}）` : ` (${t(lang, 'triage.raisedForRisk')})`) : '');
}

/** How long an alert has waited: 「35分待ち」, 「24時間30分待ち」. */
export function waitingText(lang: Lang, minutes: number): string {
  const n = Math.max(0, minutes);
  return n < 60 ? t(lang, 'triage.minutes', { n }) : t(lang, 'triage.hoursWaiting', { h: Math.floor(n / 60), m: n % 60 });
}

/** A resolution as stored ("arranged_admission: 入院調整済み") with the outcome in words. */
export const outcomeNote = (lang: Lang, note: string) => note.replace(/^(\w+)/, (m) => labelOr(lang, 'outcome', m));

/**
 * The queue's rows (red first, then oldest). Also served alone as a fragment
 * (/admin/triage/rows) so the page script can swap it in when an alert arrives.
 */
export function QueueRows(props: { lang: Lang; alerts: AlertListRow[]; highlight?: string | null; escalation?: Map<string, EscalationState>; now?: Date }) {
  const { lang } = props;
  if (!props.alerts.length) {
    return (
      <tbody id="queue-rows">
        <tr>
          <td colspan={8} class="muted">{t(lang, 'triage.empty')}</td>
        </tr>
      </tbody>
    );
  }
  return (
    <tbody id="queue-rows">
      {props.alerts.map((a) => (
        <tr class={`sev-${a.severity}-row${props.highlight === a.id ? ' is-new' : ''}`} data-alert-id={a.id} data-severity={a.severity}>
          <td>
            <span class={`badge sev-${a.severity}`}>{t(lang, `severity.${a.severity}`)}</span>
          </td>
          <td>
            <PersonName lang={lang} href={`/admin/alerts/${a.id}`} name={a.person.name} nameKana={a.person.nameKana} caseNumber={a.person.caseNumber} />
            {a.person.name !== null && <div class="muted">{a.person.caseNumber}</div>}
            {a.answeredBy && <div class="muted answered-by">{t(lang, 'household.answeredBy', { who: a.answeredBy })}</div>}
          </td>
          <td class="reason-cell">{reasonLabel(lang, a)}</td>
          <td>{fmtShort(a.createdAt)}</td>
          <td class="waiting">
            {a.status === 'open' && props.now && (
              <span data-waiting-since={new Date(a.createdAt).toISOString()}>{waitingText(lang, Math.floor((props.now.getTime() - new Date(a.createdAt).getTime()) / 60_000))}</span>
            )}
            {props.escalation?.get(a.id) && <div class="muted escalation" data-escalation={props.escalation.get(a.id)!.status}>{lang === 'ja' ? props.escalation.get(a.id)!.labelJa : props.escalation.get(a.id)!.status}</div>}
          </td>
          <td>
            <span class="badge">{t(lang, `status.${a.status}`)}</span>
          </td>
          <td>{a.assignedTo?.name ?? '—'}</td>
          <td>{lang === 'ja' ? a.centre.nameJa : a.centre.nameEn}</td>
        </tr>
      ))}
    </tbody>
  );
}
