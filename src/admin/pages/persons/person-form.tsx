import { CHANNEL_KINDS, CLASSIFICATIONS, SEXES } from '../../../../db/schema';
import type { FieldError } from '../../../domain/errors';
import { LANG_CODES, LANGUAGES } from '../../../flows';
import { labelOr, t, type Lang } from '../../ui/i18n';

/** Risk factors offered as check boxes; anything else entered by API shows as typed. */
export const RISK_FACTOR_KEYS = ['underlying_condition', 'immunosuppressed', 'pregnancy', 'obesity', 'diabetes', 'chronic_lung', 'chronic_kidney', 'cardiovascular', 'smoking', 'unvaccinated'] as const;

export function riskLabel(lang: Lang, key: string): string {
  return labelOr(lang, 'risk', key);
}

type Values = Record<string, unknown>;

/** 入院・重症度・転帰: dates and what was needed (HER-SYS). */
const CLINICAL_DATES = ['admissionDate', 'dischargeDate', 'dateOfDeath'] as const;
const CLINICAL_FLAGS = ['icuUsed', 'ventilatorUsed', 'ecmoUsed'] as const;

/** A submitted person form as the verbs' input: check boxes to booleans, lists to arrays, blanks dropped. */
export function personInputFromForm(body: Record<string, string | File | (string | File)[]>, opts: { forEdit: boolean }): Record<string, unknown> {
  const one = (k: string) => {
    const v = body[k];
    return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
  };
  const all = (k: string) => {
    const v = body[k];
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
  };
  const input: Record<string, unknown> = {};
  const texts = ['caseNumber', 'name', 'nameKana', 'dateOfBirth', 'sex', 'address', 'phone', 'classification', 'onsetDate', 'lastContactDate', 'preferredChannel', 'preferredLanguage', 'activityHistory', 'flowKey', ...CLINICAL_DATES];
  if (!opts.forEdit) texts.push('responsibleCentreCode', 'monitoringPlannedEnd');
  for (const k of texts) {
    const v = one(k);
    if (v !== undefined) input[k] = v;
  }
  input.riskFactors = all('riskFactors');
  input.underlyingConditions = (one('underlyingConditions') ?? '').split(/[,、，]/).map((s) => s.trim()).filter(Boolean);
  for (const k of ['pregnant', 'hasOximeter', ...CLINICAL_FLAGS]) input[k] = one(k) === 'on';
  return input;
}

function FieldMessage(props: { lang: Lang; errors: FieldError[]; name: string }) {
  const e = props.errors.find((x) => x.field === props.name || x.field.startsWith(`${props.name}.`));
  if (!e) return null;
  return <span class="field-error" id={`err-${props.name}`}>{props.lang === 'ja' && e.messageJa ? e.messageJa : e.message}</span>;
}

/**
 * The flow asked: on registration the classification's national default unless another is
 * chosen; on an edit the person's current flow, kept in the list even when the user cannot
 * see it (a sharing centre's nurse), so saving other fields never moves the person by accident.
 */
function FlowSelect(props: { lang: Lang; errors: FieldError[]; flows: { key: string; name: string }[]; current: string; forEdit: boolean }) {
  const { lang } = props;
  const known = props.flows.some((f) => f.key === props.current);
  const options = props.forEdit && props.current && !known ? [{ key: props.current, name: props.current }, ...props.flows] : props.flows;
  return (
    <label>
      {t(lang, 'field.flowKey')}
      <select name="flowKey" id="flowKey" aria-invalid={props.errors.some((e) => e.field === 'flowKey') ? 'true' : undefined}>
        {!props.forEdit && <option value="" selected={props.current === ''}>{t(lang, 'field.flowKey.default')}</option>}
        {options.map((f) => <option value={f.key} selected={props.current === f.key}>{f.name}</option>)}
      </select>
      <FieldMessage lang={lang} errors={props.errors} name="flowKey" />
    </label>
  );
}

/** The registration / edit form. Values come back after a validation error, so nothing typed is lost. */
export function PersonForm(props: { lang: Lang; csrf: string; action: string; values: Values; errors: FieldError[]; centres: { code: string; name: string }[]; flows: { key: string; name: string }[]; forEdit: boolean }) {
  const { lang, values: v, errors } = props;
  const str = (k: string) => (v[k] === null || v[k] === undefined ? '' : String(v[k]));
  const field = (name: string, type = 'text', extra: Record<string, unknown> = {}) => (
    <label>
      {t(lang, `field.${name}`)}
      <input type={type} name={name} value={str(name)} aria-invalid={errors.some((e) => e.field === name) ? 'true' : undefined} {...extra} />
      <FieldMessage lang={lang} errors={errors} name={name} />
    </label>
  );
  const select = (name: string, options: readonly string[], prefix: string) => (
    <label>
      {t(lang, `field.${name}`)}
      <select name={name}>{options.map((o) => <option value={o} selected={str(name) === o}>{t(lang, `${prefix}.${o}`)}</option>)}</select>
      <FieldMessage lang={lang} errors={errors} name={name} />
    </label>
  );
  const risks = Array.isArray(v.riskFactors) ? (v.riskFactors as string[]) : [];
  return (
    <form method="post" action={props.action} id="person-form" novalidate>
      <input type="hidden" name="_csrf" value={props.csrf} />
      <fieldset class="grid2">
        {field('caseNumber', 'text', { required: true, maxlength: 40 })}
        {field('name', 'text', { required: true, maxlength: 100, autocomplete: 'off' })}
        {field('nameKana', 'text', { maxlength: 100, autocomplete: 'off' })}
        {field('dateOfBirth', 'date')}
        {select('sex', SEXES, 'sex')}
        {field('phone', 'tel', { placeholder: '090-1234-5678' })}
        {field('address', 'text', { maxlength: 300 })}
        {select('classification', CLASSIFICATIONS, 'class')}
        {field('onsetDate', 'date')}
        {field('lastContactDate', 'date')}
        {!props.forEdit && (
          <label>
            {t(lang, 'field.responsibleCentreCode')}
            <select name="responsibleCentreCode">{props.centres.map((c) => <option value={c.code} selected={str('responsibleCentreCode') === c.code}>{c.name}</option>)}</select>
            <FieldMessage lang={lang} errors={errors} name="responsibleCentreCode" />
          </label>
        )}
        {!props.forEdit && field('monitoringPlannedEnd', 'date')}
        {select('preferredChannel', CHANNEL_KINDS, 'channel')}
        {select('preferredLanguage', LANG_CODES, 'lang')}
        <p class="muted" id="no-voice-note">{t(lang, 'lang.noVoice', { lang: LANGUAGES.filter((l) => !l.voice).map((l) => t(lang, `lang.${l.code}`)).join('・') })}</p>
        <FlowSelect lang={lang} errors={errors} flows={props.flows} current={str('flowKey')} forEdit={props.forEdit} />
      </fieldset>
      <fieldset>
        <legend>{t(lang, 'field.riskFactors')}</legend>
        {RISK_FACTOR_KEYS.map((k) => (
          <label class="check"><input type="checkbox" name="riskFactors" value={k} checked={risks.includes(k)} /> {riskLabel(lang, k)}</label>
        ))}
        {risks.filter((r) => !(RISK_FACTOR_KEYS as readonly string[]).includes(r)).map((r) => (
          <label class="check"><input type="checkbox" name="riskFactors" value={r} checked /> {r}</label>
        ))}
        <label>
          {t(lang, 'field.underlyingConditions')}
          <input name="underlyingConditions" value={Array.isArray(v.underlyingConditions) ? (v.underlyingConditions as string[]).join('、') : str('underlyingConditions')} />
        </label>
        <label class="check"><input type="checkbox" name="pregnant" checked={v.pregnant === true} /> {t(lang, 'field.pregnant')}</label>
        <label class="check"><input type="checkbox" name="hasOximeter" checked={v.hasOximeter === true} /> {t(lang, 'field.hasOximeter')}</label>
        <label>
          {t(lang, 'field.activityHistory')}
          <textarea name="activityHistory" rows={3} maxlength={4000}>{str('activityHistory')}</textarea>
        </label>
      </fieldset>
      <fieldset class="grid2" id="clinical">
        <legend>{t(lang, 'person.clinical')}</legend>
        {CLINICAL_DATES.map((k) => field(k, 'date'))}
        <div>
          {CLINICAL_FLAGS.map((k) => <label class="check"><input type="checkbox" name={k} checked={v[k] === true} /> {t(lang, `field.${k}`)}</label>)}
        </div>
      </fieldset>
      {!props.forEdit && (
        <fieldset class="grid2" id="household">
          <legend>{t(lang, 'household.formLegend')}</legend>
          {field('householdReporterCase')}
          {field('householdRelation')}
        </fieldset>
      )}
      <button type="submit">{t(lang, 'common.save')}</button>
    </form>
  );
}
