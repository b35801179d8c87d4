import { formatInTimeZone } from 'date-fns-tz';
import type { QuestionWording, Wordings } from '../../domain/persons/question-wording';
import { CONSOLE_TZ, fmtValue } from './format';
import { labelOr, t, type Lang } from './i18n';

/**
 * The clinical views the alert page and the person page share, so a nurse reads the same
 * thing in both places: risk factors, an alert's reason in words, and the 健康観察 table
 * (days as columns, questions as rows, vital signs first, red and amber cells marked).
 */

type Mark = 'red' | 'amber' | null;

// The note the engine appends to a reason it raised for risk factors (flows/rules/escalation.ts).
const RAISED_NOTE = [/（リスク因子により重症度を上げました: [^）]*）$/, / \(raised for risk factors: [^)]*\)$/];

/** A reason's text without that note (the page says once, in words, which factor raised it), and whether it had one. */
export function withoutRaisedNote(text: string): { text: string; raised: boolean } {
  const raised = RAISED_NOTE.some((re) => re.test(text));
  return { text: RAISED_NOTE.reduce((s, re) => s.replace(re, ''), text), raised };
}

/** One view of a person's risk factors: the recorded ones, 65 or over (with the age), pregnancy. */
export function riskFactorLabels(lang: Lang, p: { riskFactors: readonly string[]; age: number | null; pregnant: boolean }): string[] {
  const out = p.riskFactors.map((k) => labelOr(lang, 'risk', k));
  if (p.age !== null && p.age >= 65) out.unshift(t(lang, 'risk.ageOver', { n: p.age }));
  if (p.pregnant && !p.riskFactors.includes('pregnancy')) out.push(t(lang, 'risk.pregnant'));
  return out;
}

export function RiskFactors(props: { lang: Lang; p: { riskFactors: readonly string[]; age: number | null; pregnant: boolean }; id?: string }) {
  const labels = riskFactorLabels(props.lang, props.p);
  return <span class="risk-factors" id={props.id}>{labels.length ? labels.map((l) => <span class="tag">{l}</span>) : t(props.lang, 'common.none')}</span>;
}

/** A round as staff read it: a scheduled time as is; an unscheduled one (`manual-1`: sent by staff or started by the person) says nothing of its own. */
export function roundLabel(_lang: Lang, round: string): string {
  return /^\d{1,2}:\d{2}$/.test(round) ? round : '';
}

const WEEKDAYS = { ja: ['日', '月', '火', '水', '木', '金', '土'], en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] };

/** 2026-05-04 → 「5/4（月）」. */
export function dayLabel(lang: Lang, localDate: string): string {
  const [y, m, d] = localDate.split('-').map(Number);
  if (!y || !m || !d) return localDate;
  const wd = WEEKDAYS[lang][new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  return lang === 'ja' ? `${m}/${d}（${wd}）` : `${wd} ${m}/${d}`;
}

const VITAL_RANK: Record<string, number> = { temperature: 0, spo2: 1, pulse: 2 };

/** A question's short name: 体温 / SpO2 / 脈拍 for vital signs, else its wording. */
export function questionLabel(lang: Lang, id: string, q: QuestionWording | undefined): string {
  const own = labelOr(lang, 'vital', id);
  if (own !== id) return own;
  if (q?.vital) return t(lang, `vital.${q.vital}`);
  return q ? q[lang] : id;
}

/** 38 → 「38.0℃」: temperatures always with their tenth, as a thermometer shows them. */
const fmtNumber = (v: number, unit: string | null | undefined) => `${unit === '℃' ? v.toFixed(1) : v}${unit ? (unit === '%' || unit === '℃' ? unit : ` ${unit}`) : ''}`;

/**
 * An alert reason's values in words: 「体温 5/2 37.6℃ → 5/3 38.0℃ → 5/4 38.4℃」, 「前回 97%（5/3）」,
 * 「リスク因子により黄→赤: 65歳以上（68歳）」. Keys are question ids or the engine's own
 * (previous, newSymptoms, riskFactors …); nothing is shown as JSON or as a raw key.
 */
export function reasonDetails(lang: Lang, values: Record<string, unknown>, word: (id: string) => QuestionWording | undefined): string {
  const sep = lang === 'ja' ? '、' : ', ';
  const label = (id: string) => questionLabel(lang, id, word(id));
  const numberUnit = Object.keys(values).map((k) => word(k)?.unit).find(Boolean) ?? null;
  const one = (id: string, v: unknown): string | null => {
    const q = word(id);
    if (typeof v === 'number') return fmtNumber(v, q?.unit);
    if (v === null) return t(lang, 'health.notAnswered');
    if (typeof v === 'boolean' || v === 'unknown' || typeof v === 'string') return fmtValue({ valueNumber: null, valueText: typeof v === 'string' ? v : null, value: v, unit: null }, lang, q?.choices);
    if (Array.isArray(v)) {
      const series = v.filter((x): x is { date: string; value: unknown } => typeof x === 'object' && x !== null && 'date' in x);
      if (series.length) return series.map((x) => `${dayLabel(lang, String(x.date)).replace(/（.）| \w+$/, '')} ${one(id, x.value)}`).join(' → ');
      return v.map((x) => one(id, x)).filter(Boolean).join(sep);
    }
    return null;
  };
  const parts: string[] = [];
  let raisedFor = '';
  for (const [k, v] of Object.entries(values)) {
    if (['escalatedFrom', 'previousRound', 'previousDate', 'age'].includes(k)) continue;
    if (k === 'riskFactors' && Array.isArray(v)) {
      const age = typeof values.age === 'number' ? values.age : null;
      const list = v.map((f) => (/^age\d+$/.test(String(f)) ? (age !== null ? t(lang, 'risk.ageOver', { n: age }) : t(lang, 'risk.age65')) : labelOr(lang, 'risk', String(f))));
      raisedFor = t(lang, 'reason.values.raisedFor', { list: list.join(sep) });
    } else if (k === 'previous' && typeof v === 'number') {
      const date = typeof values.previousDate === 'string' ? t(lang, 'reason.values.since', { date: dayLabel(lang, values.previousDate) }) : '';
      parts.push(t(lang, 'reason.values.previous', { value: fmtNumber(v, numberUnit) }) + date);
    } else if ((k === 'newSymptoms' || k === 'worseThanYesterday') && Array.isArray(v)) {
      parts.push(t(lang, k === 'newSymptoms' ? 'reason.values.newSymptoms' : 'reason.values.worse', { list: v.map((x) => label(String(x))).join(sep) }));
    } else if (k === 'monitoringDay' && typeof v === 'number') {
      parts.push(t(lang, 'reason.values.monitoringDay', { n: v }));
    } else {
      const text = one(k, v);
      if (text !== null) parts.push(`${label(k)} ${text}`);
    }
  }
  // What was answered first, why it became red last.
  return [...parts, raisedFor].filter(Boolean).join(lang === 'ja' ? '　' : '; ');
}

export interface HealthSession {
  id: string;
  flowVersionId: string;
  localDate: string;
  round: string;
  status: string;
  dueAt?: Date | string | null;
  completedAt?: Date | string | null;
  /** Its prompt could not be sent (the contact log has the failure). */
  sendFailed?: boolean;
}

export interface HealthAnswer {
  sessionId: string;
  questionId: string;
  valueNumber: number | null;
  valueText: string | null;
  value: unknown;
  unit: string | null;
  status: string;
  raw: string | null;
  mark: Mark;
}

/** A small line of a row's numbers across the columns (server-drawn SVG: no script, no style attribute). */
function Sparkline(props: { values: (number | null)[] }) {
  const pts = props.values.map((v, i) => [i, v] as const).filter((p): p is readonly [number, number] => p[1] !== null);
  if (pts.length < 2) return null;
  const ys = pts.map((p) => p[1]);
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const w = 64;
  const h = 18;
  const x = (i: number) => (props.values.length === 1 ? 0 : (i / (props.values.length - 1)) * (w - 4) + 2);
  const y = (v: number) => (hi === lo ? h / 2 : h - 2 - ((v - lo) / (hi - lo)) * (h - 4));
  const d = pts.map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const last = pts[pts.length - 1]!;
  const prev = pts[pts.length - 2]!;
  const arrow = last[1] > prev[1] ? '↑' : last[1] < prev[1] ? '↓' : '→';
  return (
    <span class="trend">
      <svg class="spark" viewBox={`0 0 ${w} ${h}`} width={w} height={h} aria-hidden="true">
        <polyline points={d} fill="none" stroke="currentColor" stroke-width="1.5" />
        <circle cx={x(last[0]).toFixed(1)} cy={y(last[1]).toFixed(1)} r="2" fill="currentColor" />
      </svg>
      <span class="arrow">{arrow}</span>
    </span>
  );
}

/**
 * 健康観察: one column per round (oldest left, the latest at the right edge), one row per
 * question — temperature, SpO2 and pulse first, then the rest in the flow's order — each
 * cell marked red or amber when the answer crossed one of its flow's rules, and each
 * number row ending in its trend. The raw text the person sent is each cell's tooltip.
 */
export function HealthTable(props: { lang: Lang; id: string; sessions: HealthSession[]; answers: HealthAnswer[]; questions: Wordings; timeZone?: string; maxColumns?: number }) {
  const { lang } = props;
  const tz = props.timeZone ?? CONSOLE_TZ;
  const withAnswers = new Set(props.answers.map((a) => a.sessionId));
  const sessions = props.sessions
    .filter((s) => withAnswers.has(s.id) || s.status !== 'cancelled')
    .slice(-(props.maxColumns ?? 14));
  if (!props.answers.length) return <p class="muted" id={props.id}>{t(lang, 'health.none')}</p>;
  const sessionIds = new Set(sessions.map((s) => s.id));
  const cell = new Map(props.answers.filter((a) => sessionIds.has(a.sessionId)).map((a) => [`${a.sessionId}|${a.questionId}`, a]));
  // Wording from the newest version that has the question.
  const wordOf = new Map<string, QuestionWording>();
  for (const s of sessions) for (const [qid, w] of Object.entries(props.questions[s.flowVersionId] ?? {})) wordOf.set(qid, w);
  const rowIds = [...new Set(props.answers.filter((a) => sessionIds.has(a.sessionId)).map((a) => a.questionId))].sort((a, b) => {
    const wa = wordOf.get(a);
    const wb = wordOf.get(b);
    const ra = wa?.vital ? (VITAL_RANK[wa.vital] ?? 3) : 3;
    const rb = wb?.vital ? (VITAL_RANK[wb.vital] ?? 3) : 3;
    if (ra !== rb) return ra - rb;
    const oa = wa?.order ?? -1;
    const ob = wb?.order ?? -1;
    return (oa < 0 ? 1e6 : oa) - (ob < 0 ? 1e6 : ob) || a.localeCompare(b);
  });
  const time = (d: Date | string | null | undefined) => (d ? formatInTimeZone(new Date(d), tz, 'HH:mm') : '');
  return (
    <div class="health-wrap" data-scroll-end="1">
      <table class="health" id={props.id}>
        <thead>
          <tr>
            <th scope="col" class="item">{t(lang, 'health.item')}</th>
            {sessions.map((s) => (
              <th scope="col" data-session-id={s.id} data-date={s.localDate}>
                <span class="day">{dayLabel(lang, s.localDate)}</span>
                <span class="time">{time(s.completedAt ?? s.dueAt)}</span>
                {s.status !== 'completed' && <span class={`state${s.sendFailed ? ' failed' : ''}`}>{s.sendFailed ? t(lang, 'session.sendFailed') : t(lang, `session.${s.status}`)}</span>}
              </th>
            ))}
            <th scope="col" class="trend-col">{t(lang, 'health.trend')}</th>
          </tr>
        </thead>
        <tbody>
          {rowIds.map((qid) => {
            const w = wordOf.get(qid);
            const nums = sessions.map((s) => cell.get(`${s.id}|${qid}`)?.valueNumber ?? null);
            return (
              <tr data-question-id={qid} class={w?.vital ? 'vital' : undefined}>
                <th scope="row" class="item" title={w ? w[lang] : qid}>
                  {questionLabel(lang, qid, w)}
                  {w?.unit && w.vital && <span class="unit"> ({w.unit})</span>}
                </th>
                {sessions.map((s) => {
                  const a = cell.get(`${s.id}|${qid}`);
                  if (!a) return <td class="empty">—</td>;
                  const text = a.status === 'unanswered' ? '—' : w?.unit === '℃' && a.valueNumber !== null ? a.valueNumber.toFixed(1) : fmtValue({ ...a, unit: null }, lang, w?.choices);
                  const cls = a.mark ? `mark-${a.mark}` : w?.kind === 'text' ? 'text' : a.value === false ? 'calm' : undefined;
                  return (
                    <td class={cls} data-mark={a.mark ?? undefined} title={[a.mark ? t(lang, a.mark === 'red' ? 'health.markRed' : 'health.markAmber') : '', a.raw ?? ''].filter(Boolean).join(' / ')}>
                      {a.mark && <span class="visually-hidden">{t(lang, `severity.${a.mark}`)} </span>}
                      {text}
                    </td>
                  );
                })}
                <td class="trend-col">{nums.some((n) => n !== null) ? <Sparkline values={nums} /> : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
