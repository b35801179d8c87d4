import type { Context } from 'hono';
import { ConflictError, ValidationError, type FieldError } from '../../../domain/errors';
import { t, type Lang } from '../../ui/i18n';

export type FormBody = Record<string, string | File | (string | File)[]>;

/** One text value of a submitted form (the first, trimmed), or ''. */
export function one(body: FormBody, key: string): string {
  const v = body[key];
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' ? x.trim() : '';
}

/** Every text value of a repeated field (check boxes). */
export function all(body: FormBody, key: string): string[] {
  const v = body[key];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
}

export const formBody = (c: Context) => c.req.parseBody({ all: true }) as Promise<FormBody>;

/** A refusal a form shows next to its fields (422 validation, 409 conflict); anything else is rethrown. */
export function formErrors(err: unknown): FieldError[] {
  if (err instanceof ValidationError) return err.fields;
  if (err instanceof ConflictError) return [{ field: '(form)', message: err.message, ...(err.messageJa ? { messageJa: err.messageJa } : {}) }];
  throw err;
}

export function FieldMessage(props: { lang: Lang; errors: FieldError[]; name: string }) {
  const e = props.errors.find((x) => x.field === props.name || x.field.startsWith(`${props.name}.`));
  if (!e) return null;
  return <span class="field-error" id={`err-${props.name}`}>{props.lang === 'ja' && e.messageJa ? e.messageJa : e.message}</span>;
}

/** A labelled input with its error; `label` defaults to the field's dictionary entry. */
export function Field(props: { lang: Lang; errors: FieldError[]; name: string; value: string; type?: string; label?: string; required?: boolean; attrs?: Record<string, unknown> }) {
  const { lang, errors, name } = props;
  const bad = errors.some((e) => e.field === name || e.field.startsWith(`${name}.`));
  return (
    <label>
      {props.label ?? t(lang, `field.${name}`)}
      {props.required ? ' ＊' : ''}
      <input type={props.type ?? 'text'} name={name} id={name} value={props.value} aria-invalid={bad ? 'true' : undefined} {...(props.attrs ?? {})} />
      <FieldMessage lang={lang} errors={errors} name={name} />
    </label>
  );
}

/** A select whose option labels come from the dictionary (`${prefix}.${value}`). */
export function Choice(props: { lang: Lang; errors: FieldError[]; name: string; value: string; options: readonly string[]; prefix: string; blank?: string; label?: string; required?: boolean }) {
  const { lang, errors, name } = props;
  return (
    <label>
      {props.label ?? t(lang, `field.${name}`)}
      {props.required ? ' ＊' : ''}
      <select name={name} id={name} aria-invalid={errors.some((e) => e.field === name) ? 'true' : undefined}>
        {props.blank !== undefined && <option value="">{props.blank}</option>}
        {props.options.map((o) => <option value={o} selected={props.value === o}>{t(lang, `${props.prefix}.${o}`)}</option>)}
      </select>
      <FieldMessage lang={lang} errors={errors} name={name} />
    </label>
  );
}
