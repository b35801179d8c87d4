import { FACILITY_SYMPTOMS } from '../../flows';
import type { ValidationError } from '../errors';
import { TokenPageMeta } from '../web/token-page-meta';
import type { FacilityRoundView, FacilityRow } from './facility-round';

/*
 * The facility round page and the parsing of its form, shared by its two doors — the signed
 * link (src/bot/web/facility-routes.tsx) and the facility account's console page
 * (src/admin/pages/facilities/round-pages.tsx) — so it lives beside the verb it feeds
 * (submitFacilityRound) rather than in either door. Plain JSX: no door, no database.
 */
export const FACILITY_ASSET = '/f/_/facility.css';

/** A tablet-first table: big inputs, the row's name repeated in each field's label, no script at all. */
export const FACILITY_CSS = `
*{box-sizing:border-box}body{margin:0;font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;font-size:1.05rem;line-height:1.5;color:#111;background:#fff}
main{padding:1rem;max-width:80rem;margin:0 auto}h1{font-size:1.4rem;margin:.2rem 0}.sub{color:#333;margin:.2rem 0 1rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.4rem;vertical-align:top;text-align:left}thead th{background:#eef}
td.name{min-width:9rem;font-weight:600}input[type=text]{font:inherit;font-size:1.2rem;width:5.5em;min-height:2.8rem;padding:.3rem;border:2px solid #333;border-radius:.4rem}
input.comment{width:100%;min-width:10em}fieldset{border:0;margin:0;padding:0}.sym label{display:inline-flex;align-items:center;gap:.3rem;margin:.15rem .6rem .15rem 0;min-height:2.2rem}
.sym input{width:1.4rem;height:1.4rem}.error{color:#a00;font-weight:600}.errors{border:3px solid #a00;padding:.6rem;margin-bottom:1rem}
button{font:inherit;font-size:1.3rem;padding:.8rem 2rem;margin-top:1rem;border:0;border-radius:.5rem;background:#0b5394;color:#fff}
button:focus,input:focus{outline:3px solid #f1c40f;outline-offset:2px}.sr{position:absolute;left:-9999px}.done{border:3px solid #27ae60;padding:.8rem}
nav.sub{padding:.5rem 1rem;margin:0;border-bottom:1px solid #ccc}form.inline{display:inline}button.link{background:none;color:#0b5394;padding:0;margin:0;font-size:1rem;text-decoration:underline}
`;

const KIND: Record<FacilityRoundView['facility']['kind'], string> = { care_home: '高齢者施設 Care home', recuperation_hotel: '宿泊療養施設 Recuperation hotel', group_home: 'グループホーム Group home' };

/** Signed in with the facility's account (not the link): the form carries the session's CSRF token, the page a way back and out. */
export interface FacilityAccountChrome {
  csrf: string;
  name: string;
}

function Frame(props: { title: string; account?: FacilityAccountChrome; children?: unknown }) {
  return (
    <html lang="ja">
      <head>
        <TokenPageMeta title={`${props.title} — 見守り Mimamori`} />
        <link rel="stylesheet" href={FACILITY_ASSET} />
      </head>
      <body>
        {props.account ? (
          <nav class="sub" aria-label="account">
            <a href="/admin/facility-rounds">回の一覧 / Rounds</a> ・ {props.account.name} ・{' '}
            <form method="post" action="/admin/logout" class="inline">
              <input type="hidden" name="_csrf" value={props.account.csrf} />
              <button type="submit" class="link">ログアウト / Sign out</button>
            </form>
          </nav>
        ) : null}
        <main id="main">{props.children as never}</main>
      </body>
    </html>
  );
}

export interface FacilityFormValues {
  [personId: string]: { temperature: string; spo2: string; symptoms: string[]; comment: string };
}

export type FacilityProblem = { personId: string; field: string; messageJa: string; message: string };

/** The form's fields (t.<id>, o.<id>, s.<id>[], c.<id>) as rows and as values to give back; the same for the link and the account. */
export function facilityFormRows(body: Record<string, unknown>): { rows: FacilityRow[]; values: FacilityFormValues } {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
  const ids = new Set(Object.keys(body).map((k) => /^[tosc]\.([0-9a-f-]{36})$/.exec(k)?.[1]).filter((x): x is string => !!x));
  const rows = [...ids].map((id) => ({ personId: id, temperature: str(body[`t.${id}`]), spo2: str(body[`o.${id}`]), symptoms: list(body[`s.${id}`]), comment: str(body[`c.${id}`]) }));
  return { rows, values: Object.fromEntries(rows.map((r) => [r.personId, r])) };
}

/** A refused page's problems (submitFacilityRound's ValidationError: field "<column>.<personId>") by row. */
export function facilityProblems(err: ValidationError): FacilityProblem[] {
  return err.fields.map((f) => {
    const [field = '', personId = ''] = f.field.split('.');
    return { personId, field, messageJa: f.messageJa ?? f.message, message: f.message };
  });
}

/**
 * 施設一括報告: one row per resident (temperature, SpO2, symptoms, comment) and one submit
 * button. Values typed are given back with the problems when the page is refused.
 */
export function FacilityRoundPage(props: { view: FacilityRoundView; path: string; values?: FacilityFormValues; problems?: FacilityProblem[]; account?: FacilityAccountChrome }) {
  const { view } = props;
  const title = `${view.facility.name} 健康観察 一括報告`;
  const problemOf = (personId: string, field: string) => props.problems?.find((p) => p.personId === personId && p.field === field);
  return (
    <Frame title={title} account={props.account}>
      <h1>{title}</h1>
      <p class="sub">
        {KIND[view.facility.kind]} ・ {view.localDate} {view.round} の回（Round {view.round}）・ 入所者 {view.residents.length} 名 / {view.residents.length} residents
      </p>
      <p>
        体温は必須、他は分かる範囲で。空欄の行は「未記入」として保健所に伝わります。 / Temperature is required for a row; a blank row is reported to the health centre as not reported.
      </p>
      {props.problems?.length ? (
        <div class="errors" role="alert">
          <p class="error">入力を確認してください（まだ送信されていません） / Please check these rows (nothing was recorded yet)</p>
          <ul>
            {props.problems.map((p) => (
              <li>
                {view.residents.find((r) => r.personId === p.personId)?.name ?? ''}: {p.messageJa} / {p.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <form method="post" action={props.path}>
        {props.account ? <input type="hidden" name="_csrf" value={props.account.csrf} /> : null}
        <table>
          <thead>
            <tr>
              <th scope="col">入所者 Resident</th>
              <th scope="col">体温 ℃</th>
              <th scope="col">SpO2 %</th>
              <th scope="col">症状 Symptoms</th>
              <th scope="col">コメント Comment</th>
            </tr>
          </thead>
          <tbody>
            {view.residents.map((r) => {
              const v = props.values?.[r.personId];
              const id = r.personId;
              return (
                <tr>
                  <td class="name">
                    {r.room ? `${r.room} ` : ''}
                    {r.name}
                  </td>
                  <td>
                    <label class="sr" for={`t-${id}`}>{`${r.name} 体温`}</label>
                    <input type="text" inputmode="decimal" autocomplete="off" id={`t-${id}`} name={`t.${id}`} value={v?.temperature ?? ''} aria-invalid={problemOf(id, 'temperature') ? 'true' : undefined} />
                    {problemOf(id, 'temperature') ? <p class="error">{problemOf(id, 'temperature')!.messageJa}</p> : null}
                  </td>
                  <td>
                    <label class="sr" for={`o-${id}`}>{`${r.name} SpO2`}</label>
                    <input type="text" inputmode="numeric" autocomplete="off" id={`o-${id}`} name={`o.${id}`} value={v?.spo2 ?? ''} aria-invalid={problemOf(id, 'spo2') ? 'true' : undefined} />
                    {problemOf(id, 'spo2') ? <p class="error">{problemOf(id, 'spo2')!.messageJa}</p> : null}
                  </td>
                  <td>
                    <fieldset class="sym">
                      <legend class="sr">{`${r.name} 症状`}</legend>
                      {FACILITY_SYMPTOMS.filter((c) => c.value !== 'none').map((c) => (
                        <label>
                          <input type="checkbox" name={`s.${id}`} value={c.value} checked={v?.symptoms.includes(c.value) ?? false} />
                          {c.label.ja}
                        </label>
                      ))}
                    </fieldset>
                  </td>
                  <td>
                    <label class="sr" for={`c-${id}`}>{`${r.name} コメント`}</label>
                    <input type="text" class="comment" id={`c-${id}`} name={`c.${id}`} value={v?.comment ?? ''} maxlength={500} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <button type="submit">まとめて送信 / Submit all</button>
      </form>
    </Frame>
  );
}

/** The round was submitted (or is over): what was recorded, and that nothing more can be sent on this link. */
export function FacilityDonePage(props: { view: FacilityRoundView; account?: FacilityAccountChrome }) {
  const { view } = props;
  const missing = view.residents.filter((r) => !r.entered);
  const title = `${view.facility.name} ${view.localDate} ${view.round}`;
  return (
    <Frame title={title} account={props.account}>
      <h1>{title}</h1>
      {view.submittedAt ? (
        <div class="done" role="status">
          <p>送信しました。ありがとうございました。 / Submitted. Thank you.</p>
          <p>
            記入 {view.residents.length - missing.length} 名・未記入 {missing.length} 名 / {view.residents.length - missing.length} reported, {missing.length} not reported
          </p>
          {missing.length ? (
            <ul>
              {missing.map((m) => (
                <li>{`${m.room ? `${m.room} ` : ''}${m.name}`}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : (
        <p class="error">この回の受付は終了しました。保健所にお電話ください。 / This round is closed. Please call the health centre.</p>
      )}
    </Frame>
  );
}

export function FacilityInvalidPage() {
  return (
    <Frame title="リンクが無効です">
      <h1>リンクが無効です / This link is not valid</h1>
      <p>保健所から届いた最新のリンクを開いてください。 / Please open the latest link from the health centre.</p>
    </Frame>
  );
}
