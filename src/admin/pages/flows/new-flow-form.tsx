import type { FieldError } from '../../../domain/errors';
import type { FlowOwner } from '../../../domain/flows/flow-scope';
import type { FlowSummary } from '../../../domain/flows/flow-queries';
import { t, type Lang } from '../../ui/i18n';

/** Who owns a flow, as the console shows it: 全国 for a national flow, else the prefecture or centre. */
export function ownerName(lang: Lang, owner: FlowOwner | null): string {
  if (!owner) return t(lang, 'flows.owner.nation');
  return lang === 'ja' ? owner.nameJa : owner.nameEn;
}

export interface NewFlowValues {
  key?: string;
  nameJa?: string;
  nameEn?: string;
  from?: string;
}

/**
 * "Create a flow" on the flow list (centre administrators and up): a key, the ja/en names
 * and the flow to copy. After a validation error the typed values come back with each
 * message beside its field.
 */
export function NewFlowForm(props: { lang: Lang; csrf: string; flows: FlowSummary[]; values: NewFlowValues; errors: FieldError[] }) {
  const { lang, values: v, errors } = props;
  const message = (name: string) => {
    const e = errors.find((x) => x.field === name || x.field.startsWith(`${name}.`));
    return e ? <span class="field-error" id={`new-flow-${name}-err`}>{lang === 'ja' && e.messageJa ? e.messageJa : e.message}</span> : null;
  };
  const invalid = (name: string) => (errors.some((e) => e.field === name || e.field.startsWith(`${name}.`)) ? 'true' : undefined);
  const input = (name: 'key' | 'nameJa' | 'nameEn', extra: Record<string, unknown>) => (
    <label>
      {t(lang, `flows.create.${name}`)}
      <input type="text" name={name} id={`new-flow-${name}`} value={v[name] ?? ''} aria-invalid={invalid(name)} required {...extra} />
      {message(name)}
    </label>
  );
  const from = v.from ?? 'patient-daily';
  return (
    <section class="card" id="new-flow">
      <h2>{t(lang, 'flows.create')}</h2>
      <p class="muted">{t(lang, 'flows.create.help')}</p>
      <form method="post" action="/admin/flows" class="grid2" novalidate>
        <input type="hidden" name="_csrf" value={props.csrf} />
        {input('key', { maxlength: 40, pattern: '[a-z][a-z0-9]*(-[a-z0-9]+)*', placeholder: 'minato-daily', autocomplete: 'off' })}
        {input('nameJa', { maxlength: 100 })}
        {input('nameEn', { maxlength: 100 })}
        <label>
          {t(lang, 'flows.create.from')}
          <select name="from" id="new-flow-from" aria-invalid={invalid('from')}>
            {props.flows.map((f) => (
              <option value={f.key} selected={f.key === from}>{lang === 'ja' ? f.nameJa : f.nameEn} — {ownerName(lang, f.owner)}</option>
            ))}
          </select>
          {message('from')}
        </label>
        {message('definition')}
        <p><button type="submit" id="new-flow-submit">{t(lang, 'flows.create.submit')}</button></p>
      </form>
    </section>
  );
}
