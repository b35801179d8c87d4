import type { FieldError } from '../../../domain/errors';
import type { JurisdictionView } from '../../../domain/jurisdictions/centre-input';
import { t, type Lang } from '../../ui/i18n';
import { all, Field, FieldMessage, one, type FormBody } from '../registers/form-bits';

/** The centre form's values as typed (kept after a refusal, so nothing is lost). */
export type CentreFormValues = Record<string, string | string[]>;

export function centreFormValues(c: JurisdictionView): CentreFormValues {
  return {
    code: c.code,
    parentCode: c.parentCode ?? '',
    nameJa: c.nameJa,
    nameEn: c.nameEn,
    phone: c.phone ?? '',
    afterHoursPhone: c.afterHoursPhone ?? '',
    contactPhone: c.contactPhone ?? '',
    openingDays: (c.openingHours?.days ?? []).map(String),
    openTime: c.openingHours?.open ?? '',
    closeTime: c.openingHours?.close ?? '',
    patientRounds: c.roundTimes?.patient.join(' ') ?? '',
    contactRounds: c.roundTimes?.contact.join(' ') ?? '',
    quietHours: c.quietHours ?? '',
    municipalities: c.municipalities.join('\n'),
  };
}

export function centreFormFromBody(body: FormBody): CentreFormValues {
  const v: CentreFormValues = {};
  for (const k of ['code', 'parentCode', 'nameJa', 'nameEn', 'phone', 'afterHoursPhone', 'contactPhone', 'openTime', 'closeTime', 'patientRounds', 'contactRounds', 'quietHours', 'municipalities']) v[k] = one(body, k);
  v.openingDays = all(body, 'openingDays');
  return v;
}

const times = (s: string) => s.normalize('NFKC').split(/[\s,、]+/).filter(Boolean);

/** Form values → the verbs' input (blank opening hours or rounds clear them). */
export function centreInputFromForm(v: CentreFormValues): Record<string, unknown> {
  const s = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : '');
  const days = (v.openingDays as string[]).map(Number);
  const hours = days.length || s('openTime') || s('closeTime') ? { days, open: s('openTime'), close: s('closeTime') } : null;
  const rounds = s('patientRounds') || s('contactRounds') ? { patient: times(s('patientRounds')), contact: times(s('contactRounds')) } : null;
  return { nameJa: s('nameJa'), nameEn: s('nameEn'), phone: s('phone'), afterHoursPhone: s('afterHoursPhone'), contactPhone: s('contactPhone'), openingHours: hours, roundTimes: rounds, quietHours: s('quietHours'), municipalities: s('municipalities') };
}

/** Details of a health centre; on creation also its code and prefecture. */
export function CentreForm(props: { lang: Lang; csrf: string; action: string; values: CentreFormValues; errors: FieldError[]; prefectures?: { code: string; nameJa: string }[]; submit: string }) {
  const { lang, errors, values: v } = props;
  const s = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : '');
  const f = (name: string, extra: { type?: string; required?: boolean; attrs?: Record<string, unknown>; label?: string } = {}) => <Field lang={lang} errors={errors} name={name} value={s(name)} {...extra} />;
  const days = (v.openingDays as string[] | undefined) ?? [];
  return (
    <form method="post" action={props.action} class="centre-form" novalidate>
      <input type="hidden" name="_csrf" value={props.csrf} />
      <fieldset class="grid2">
        {props.prefectures && f('code', { required: true, attrs: { maxlength: 40, placeholder: '13-shinjuku' } })}
        {props.prefectures && (
          <label>
            {t(lang, 'field.parentCode')} ＊
            <select name="parentCode" id="parentCode">
              {props.prefectures.map((p) => <option value={p.code} selected={s('parentCode') === p.code}>{`${p.code} ${p.nameJa}`}</option>)}
            </select>
            <FieldMessage lang={lang} errors={errors} name="parentCode" />
          </label>
        )}
        {f('nameJa', { required: true, attrs: { maxlength: 100 } })}
        {f('nameEn', { required: true, attrs: { maxlength: 100 } })}
        {f('phone', { type: 'tel' })}
        {f('afterHoursPhone', { type: 'tel' })}
        {f('contactPhone', { type: 'tel' })}
        {f('quietHours', { attrs: { placeholder: '21:00-08:00' }, label: `${t(lang, 'field.quietHours')}（${t(lang, 'field.quietHoursHint')}）` })}
      </fieldset>
      <fieldset>
        <legend>{t(lang, 'field.openingHours')}</legend>
        {[1, 2, 3, 4, 5, 6, 7].map((d) => <label class="check"><input type="checkbox" name="openingDays" value={String(d)} checked={days.includes(String(d))} /> {t(lang, `weekday.${d}`)}</label>)}
        <div class="grid2">
          {f('openTime', { type: 'time' })}
          {f('closeTime', { type: 'time' })}
        </div>
        <FieldMessage lang={lang} errors={errors} name="openingHours" />
      </fieldset>
      <fieldset class="grid2">
        <legend>{t(lang, 'field.roundTimes')}</legend>
        {f('patientRounds', { attrs: { placeholder: '09:00 15:00' } })}
        {f('contactRounds', { attrs: { placeholder: '09:00' } })}
        <FieldMessage lang={lang} errors={errors} name="roundTimes" />
      </fieldset>
      <fieldset>
        <label>
          {t(lang, 'field.municipalities')}
          <textarea name="municipalities" id="municipalities" rows={4} placeholder={'新宿区\n中野区'} aria-invalid={errors.some((e) => e.field.startsWith('municipalities')) ? 'true' : undefined}>{s('municipalities')}</textarea>
          <FieldMessage lang={lang} errors={errors} name="municipalities" />
        </label>
      </fieldset>
      <button type="submit">{props.submit}</button>
    </form>
  );
}
