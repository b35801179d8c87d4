import { SEXES } from '../../../../db/schema';
import type { FieldError } from '../../../domain/errors';
import { DIAGNOSIS_CLASSES, SYMPTOMS_JA } from '../../../domain/notifications/notification-input';
import { TEST_METHODS, TEST_RESULTS } from '../../../domain/persons/test-records';
import { t, type Lang } from '../../ui/i18n';
import { all, Choice, Field, FieldMessage, one, type FormBody } from '../registers/form-bits';

export type NotificationFormValues = Record<string, unknown>;

const TEXTS = ['name', 'nameKana', 'sex', 'dateOfBirth', 'address', 'phone', 'diagnosisClass', 'specimenDate', 'testMethod', 'testResult', 'diagnosisDate', 'onsetDate', 'infectionRoute', 'infectionRegion', 'infectionRegionDetail', 'admitted', 'admissionDate', 'residenceCentreCode', 'note'] as const;

/** The submitted form as the verb's fields (blanks dropped by the schema; nothing typed is lost on a refusal). */
export function notificationFieldsFromForm(body: FormBody): NotificationFormValues {
  const v: NotificationFormValues = {};
  for (const k of TEXTS) v[k] = one(body, k);
  v.symptoms = all(body, 'symptoms');
  return v;
}

/**
 * The 発生届 form: the person, the diagnosis (class, symptoms, test, dates), the infection
 * route and region, admission at notification, and the centre of residence. Two buttons:
 * 一時保存 (draft) and 保健所へ提出 (file).
 */
export function NotificationForm(props: { lang: Lang; csrf: string; action: string; values: NotificationFormValues; errors: FieldError[]; centres: { code: string; nameJa: string }[] }) {
  const { lang, errors, values: v } = props;
  const s = (k: string) => (v[k] === undefined || v[k] === null ? '' : String(v[k]));
  const f = (name: string, type = 'text', required = false, attrs: Record<string, unknown> = {}) => <Field lang={lang} errors={errors} name={name} value={s(name)} type={type} required={required} attrs={attrs} />;
  const symptoms = Array.isArray(v.symptoms) ? (v.symptoms as string[]) : [];
  return (
    <form method="post" action={props.action} id="notification-form" novalidate>
      <input type="hidden" name="_csrf" value={props.csrf} />
      <p class="muted">{t(lang, 'notif.required')}</p>
      <fieldset class="grid2">
        <legend>{t(lang, 'notif.person')}</legend>
        {f('name', 'text', true, { maxlength: 100, autocomplete: 'off' })}
        {f('nameKana', 'text', true, { maxlength: 100, autocomplete: 'off' })}
        <Choice lang={lang} errors={errors} name="sex" value={s('sex')} options={SEXES} prefix="sex" blank="" required />
        {f('dateOfBirth', 'date', true)}
        {f('address', 'text', true, { maxlength: 300 })}
        {f('phone', 'tel', false, { placeholder: '090-1234-5678' })}
        <label>
          {t(lang, 'field.residenceCentreCode')}
          <select name="residenceCentreCode" id="residenceCentreCode">
            <option value="">{t(lang, 'field.residenceDefault')}</option>
            {props.centres.map((c) => <option value={c.code} selected={s('residenceCentreCode') === c.code}>{`${c.nameJa}（${c.code}）`}</option>)}
          </select>
          <FieldMessage lang={lang} errors={errors} name="residenceCentreCode" />
        </label>
      </fieldset>
      <fieldset class="grid2">
        <legend>{t(lang, 'notif.diagnosis')}</legend>
        <Choice lang={lang} errors={errors} name="diagnosisClass" value={s('diagnosisClass')} options={DIAGNOSIS_CLASSES} prefix="dclass" blank="" required />
        {f('diagnosisDate', 'date', true)}
        {f('onsetDate', 'date')}
        {f('specimenDate', 'date')}
        <Choice lang={lang} errors={errors} name="testMethod" value={s('testMethod')} options={TEST_METHODS} prefix="testMethod" blank="" />
        <Choice lang={lang} errors={errors} name="testResult" value={s('testResult')} options={TEST_RESULTS} prefix="testResult" blank="" />
        <Choice lang={lang} errors={errors} name="admitted" value={s('admitted')} options={['false', 'true']} prefix="admitted" blank="" required />
        {f('admissionDate', 'date')}
      </fieldset>
      <fieldset id="symptoms">
        <legend>{t(lang, 'field.symptoms')}</legend>
        {Object.keys(SYMPTOMS_JA).map((k) => <label class="check"><input type="checkbox" name="symptoms" value={k} checked={symptoms.includes(k)} /> {t(lang, `symptom.${k}`)}</label>)}
        {symptoms.filter((x) => !(x in SYMPTOMS_JA)).map((x) => <label class="check"><input type="checkbox" name="symptoms" value={x} checked /> {x}</label>)}
        <FieldMessage lang={lang} errors={errors} name="symptoms" />
      </fieldset>
      <fieldset class="grid2">
        <legend>{t(lang, 'notif.infection')}</legend>
        {f('infectionRoute', 'text', false, { maxlength: 300 })}
        <Choice lang={lang} errors={errors} name="infectionRegion" value={s('infectionRegion')} options={['domestic', 'abroad']} prefix="region" blank="" />
        {f('infectionRegionDetail', 'text', false, { maxlength: 100 })}
        <label>
          {t(lang, 'field.note')}
          <textarea name="note" rows={3} maxlength={2000}>{s('note')}</textarea>
        </label>
      </fieldset>
      <button type="submit" name="action" value="draft" class="secondary">{t(lang, 'notif.saveDraft')}</button>{' '}
      <button type="submit" name="action" value="submit">{t(lang, 'notif.submit')}</button>
    </form>
  );
}
