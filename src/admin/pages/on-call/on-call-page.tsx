import { Hono } from 'hono';
import { formatInTimeZone, fromZonedTime } from 'date-fns-tz';
import { and, like, inArray } from 'drizzle-orm';
import { jurisdictions } from '../../../../db/schema';
import type { Deps } from '../../../deps';
import { jurisdictionScopePrefix } from '../../../domain/access';
import { ConflictError, ValidationError, type FieldError } from '../../../domain/errors';
import { addOnCallShift } from '../../../domain/escalation/add-on-call-shift';
import { listOnCall, type OnCallView } from '../../../domain/escalation/list-on-call';
import { removeOnCallShift } from '../../../domain/escalation/remove-on-call-shift';
import { idParam, runVerb } from '../../auth/run-verb';
import type { AdminContext, AdminEnv } from '../../auth/types';
import { t, type Lang } from '../../ui/i18n';
import { ErrorSummary, Layout } from '../../ui/layout';
import { displayPhone } from '../../ui/phone';
import { page } from '../../ui/render';

const DAYS = [1, 2, 3, 4, 5, 6, 7, 8];
const MAY_EDIT: Record<string, string[]> = { health_centre: ['centre_admin', 'prefecture_officer', 'national_officer'], prefecture: ['prefecture_officer', 'national_officer'] };

/** Rotas the actor may open: their centre, or the prefectures and centres under them. */
async function rotasInScope(deps: Deps, c: AdminContext) {
  const prefix = jurisdictionScopePrefix(c.get('actor')) ?? '\u0000';
  return deps.db
    .select({ code: jurisdictions.code, nameJa: jurisdictions.nameJa, nameEn: jurisdictions.nameEn, kind: jurisdictions.kind })
    .from(jurisdictions)
    .where(and(inArray(jurisdictions.kind, ['prefecture', 'health_centre']), like(jurisdictions.path, `${prefix}%`)))
    .orderBy(jurisdictions.path)
    .limit(500);
}

function ShiftTable(props: { view: OnCallView; lang: Lang; csrf: string; editable: boolean }) {
  const { view, lang } = props;
  const tz = view.jurisdiction.timeZone;
  const fmt = (iso: string) => formatInTimeZone(new Date(iso), tz, 'yyyy/MM/dd HH:mm');
  return (
    <table id="shifts">
      <thead><tr><th>{t(lang, 'oncall.order')}</th><th>{t(lang, 'oncall.name')}</th><th>{t(lang, 'oncall.phone')}</th><th>{t(lang, 'oncall.from')}</th><th>{t(lang, 'oncall.to')}</th><th>{t(lang, 'oncall.repeat')}</th><th></th></tr></thead>
      <tbody>
        {view.shifts.length === 0 && <tr><td colspan={7} class="muted">{t(lang, 'oncall.empty')}</td></tr>}
        {view.shifts.map((s) => (
          <tr data-shift={s.id}>
            <td>{s.order === 'administrator' ? t(lang, 'oncall.administrator') : s.order}</td>
            <td>{s.name}</td>
            <td>{domestic(s.phone)}</td>
            <td>{fmt(s.from)}</td>
            <td>{fmt(s.to)}</td>
            <td>{s.repeat === 'weekly' ? `${t(lang, 'oncall.weekly')}: ${(s.days ?? []).map((d) => t(lang, `day.${d}`)).join('・')}` : t(lang, 'oncall.once')}</td>
            <td>
              {props.editable && (
                <form method="post" action={`/admin/on-call/shifts/${s.id}/delete`} class="inline">
                  <input type="hidden" name="_csrf" value={props.csrf} />
                  <input type="hidden" name="code" value={view.jurisdiction.code} />
                  <button type="submit" class="danger">{t(lang, 'oncall.remove')}</button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AddForm(props: { view: OnCallView; lang: Lang; csrf: string; values: Record<string, string | string[]> }) {
  const { lang, values } = props;
  const v = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : '');
  const days = Array.isArray(values.days) ? values.days : v('days') ? [v('days')] : [];
  return (
    <form method="post" action="/admin/on-call/shifts" class="stack" id="add-shift">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input type="hidden" name="code" value={props.view.jurisdiction.code} />
      <input type="hidden" name="tz" value={props.view.jurisdiction.timeZone} />
      <label>{t(lang, 'oncall.name')}<input name="name" value={v('name')} maxlength={60} required /></label>
      <label>{t(lang, 'oncall.phone')}<input name="phone" value={v('phone')} inputmode="tel" placeholder="090-1234-5678" /></label>
      <label>{t(lang, 'oncall.from')}<input type="datetime-local" name="from" value={v('from')} required /></label>
      <label>{t(lang, 'oncall.to')}<input type="datetime-local" name="to" value={v('to')} required /></label>
      <label>{t(lang, 'oncall.order')}
        <select name="order">
          {[1, 2, 3, 4, 5].map((n) => <option value={String(n)} selected={v('order') === String(n)}>{n}</option>)}
          <option value="administrator" selected={v('order') === 'administrator'}>{t(lang, 'oncall.administrator')}</option>
        </select>
      </label>
      <label>{t(lang, 'oncall.repeat')}
        <select name="repeat">
          <option value="once" selected={v('repeat') !== 'weekly'}>{t(lang, 'oncall.once')}</option>
          <option value="weekly" selected={v('repeat') === 'weekly'}>{t(lang, 'oncall.weekly')}</option>
        </select>
      </label>
      <fieldset><legend>{t(lang, 'oncall.days')}</legend>
        {DAYS.map((d) => <label class="check"><input type="checkbox" name="days" value={String(d)} checked={days.includes(String(d))} /> {t(lang, `day.${d}`)}</label>)}
      </fieldset>
      <button type="submit">{t(lang, 'oncall.add')}</button>
    </form>
  );
}

const domestic = displayPhone;

/** A datetime-local value ("2026-12-05T17:15") in the rota's zone, as an ISO instant. */
function instant(value: string, tz: string): string {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(value)) return value;
  try {
    return fromZonedTime(`${value}:00`, tz).toISOString();
  } catch {
    return value;
  }
}

/** /admin/on-call: a centre's (or prefecture's 夜間) rota, who is paged now, tonight's gaps, and its shifts. */
export function createOnCallPages(deps: Deps) {
  const app = new Hono<AdminEnv>();

  const render = async (c: AdminContext, code: string, extra: { errors?: FieldError[]; flash?: string; values?: Record<string, string | string[]> } = {}) => {
    const lang = c.get('lang');
    const csrf = c.get('csrfToken');
    const actor = c.get('actor');
    const rotas = await rotasInScope(deps, c);
    const chosen = code || rotas.find((r) => r.kind === 'health_centre')?.code || rotas[0]?.code || '';
    const view = await runVerb(deps, c, (ctx) => listOnCall({ ctx, input: { code: chosen } }));
    const editable = (MAY_EDIT[view.jurisdiction.kind] ?? []).includes(actor.role);
    const env = deps.env;
    return page(
      c,
      <Layout title={t(lang, 'oncall.title')} actor={actor} lang={lang} csrf={csrf} active="oncall" userName={c.get('displayName')}>
        {rotas.length > 1 && (
          <form method="get" action="/admin/on-call" class="filters">
            <label>{t(lang, 'oncall.rotaOf')}
              <select name="code">{rotas.map((r) => <option value={r.code} selected={r.code === chosen}>{lang === 'ja' ? r.nameJa : r.nameEn}</option>)}</select>
            </label>
            <button type="submit">{t(lang, 'oncall.show')}</button>
          </form>
        )}
        <h2>{view.jurisdiction.nameJa}</h2>
        {extra.flash && <p class="flash" role="status">{extra.flash}</p>}
        {!env.TWILIO_ACCOUNT_SID && <p class="flash warn" role="alert" id="paging-off">{t(lang, 'oncall.twilioOff')}</p>}
        {view.warningJa && <p class="flash warn" role="alert" id="on-call-warning">{view.warningJa}</p>}
        <ErrorSummary lang={lang} errors={extra.errors ?? []} />
        <p class="muted">{t(lang, 'oncall.help', { red: env.ESCALATE_RED_AFTER_MINUTES, amber: env.ESCALATE_AMBER_AFTER_MINUTES, repeat: env.ESCALATE_REPEAT_MINUTES })}</p>
        <h3>{t(lang, 'oncall.nowChain')}</h3>
        {view.chainNow.length ? (
          <ol id="chain-now">{view.chainNow.map((l) => <li>{l.role === 'administrator' ? `${t(lang, 'oncall.administrator')}: ` : ''}{l.name}{l.covering ? `（${t(lang, 'oncall.covering')}）` : ''}</li>)}</ol>
        ) : (
          <p class="muted">{t(lang, 'oncall.nobodyNow')}</p>
        )}
        <h3>{t(lang, 'oncall.shifts')}</h3>
        <ShiftTable view={view} lang={lang} csrf={csrf} editable={editable} />
        {editable && <AddForm view={view} lang={lang} csrf={csrf} values={extra.values ?? {}} />}
      </Layout>,
      extra.errors?.length ? 422 : 200,
    );
  };

  app.get('/on-call', (c) => render(c, (c.req.query('code') ?? '').slice(0, 40)));
  app.post('/on-call/shifts', async (c) => {
    const b = await c.req.parseBody({ all: true });
    const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string).trim() : '');
    const code = str('code').slice(0, 40);
    const days = ([] as unknown[]).concat(b.days ?? []).filter((d): d is string => typeof d === 'string');
    const shift = {
      name: str('name'),
      ...(str('phone') ? { phone: str('phone') } : {}),
      from: instant(str('from'), str('tz')),
      to: instant(str('to'), str('tz')),
      order: str('order') === 'administrator' ? 'administrator' : Number(str('order')),
      repeat: str('repeat') === 'weekly' ? 'weekly' : 'once',
      ...(str('repeat') === 'weekly' ? { days: days.map(Number) } : {}),
    };
    const values = { name: str('name'), phone: str('phone'), from: str('from'), to: str('to'), order: str('order'), repeat: str('repeat'), days };
    try {
      await runVerb(deps, c, (ctx) => addOnCallShift({ ctx, input: { code, shift } }));
      return render(c, code, { flash: t(c.get('lang'), 'oncall.added') });
    } catch (err) {
      // The Japanese wording already names the field (「電話番号: …」).
      if (err instanceof ValidationError) return render(c, code, { errors: err.fields.map((f) => ({ field: '(shift)', message: `${f.field}: ${f.message}`, messageJa: f.messageJa })), values });
      if (err instanceof ConflictError) return render(c, code, { errors: [{ field: '(shift)', message: err.message, messageJa: err.messageJa }], values });
      throw err;
    }
  });
  app.post('/on-call/shifts/:id/delete', async (c) => {
    const id = idParam(c, 'id', 'on_call_shift');
    const b = await c.req.parseBody();
    const code = typeof b.code === 'string' ? b.code.slice(0, 40) : '';
    await runVerb(deps, c, (ctx) => removeOnCallShift({ ctx, input: { code, shiftId: id } }));
    return render(c, code, { flash: t(c.get('lang'), 'oncall.removed') });
  });
  return app;
}
