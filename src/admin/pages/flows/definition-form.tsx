import type { FlowDefinition } from '../../../flows';
import { t, type Lang } from '../../ui/i18n';
import { formGroups, type FieldSpec, type GroupSpec } from './form-model';

export interface PathError {
  path: string; // dotted path in the definition, e.g. rules.0.gte
  message: string;
}

const errorsAt = (errors: PathError[], path: string) => errors.filter((e) => e.path === path);

function Field(props: { f: FieldSpec; lang: Lang; errors: PathError[] }) {
  const { f, lang } = props;
  const errs = errorsAt(props.errors, f.path);
  const id = `f-${f.path.replaceAll('.', '-')}`;
  const common = { id, 'data-path': f.path, 'aria-invalid': errs.length ? 'true' : undefined, 'aria-describedby': errs.length ? `${id}-err` : undefined };
  return (
    <label class={errs.length ? 'has-error' : undefined}>
      {t(lang, f.label, f.labelVars)}
      {f.kind === 'longtext' ? (
        <textarea name={`s:${f.path}`} rows={2} {...common}>{f.value}</textarea>
      ) : f.kind === 'severity' ? (
        <select name={`s:${f.path}`} {...common}>
          {['red', 'amber'].map((s) => (
            <option value={s} selected={f.value === s}>{t(lang, `flows.severity.${s}`)}</option>
          ))}
        </select>
      ) : (
        <input name={`${f.kind === 'number' ? 'n' : 's'}:${f.path}`} value={f.value} inputmode={f.kind === 'number' ? 'decimal' : undefined} {...common} />
      )}
      {errs.length > 0 && <span class="field-error" id={`${id}-err`}>{errs.map((e) => e.message).join(' / ')}</span>}
    </label>
  );
}

function Group(props: { g: GroupSpec; lang: Lang; errors: PathError[]; fieldPaths: Set<string> }) {
  const { g, lang } = props;
  // Problems of the node or rule as a whole (or of a part the form does not show).
  const own = props.errors.filter((e) => (e.path === g.path || e.path.startsWith(`${g.path}.`)) && !props.fieldPaths.has(e.path));
  return (
    <fieldset class={`flow-group${own.length ? ' has-error' : ''}`} id={`g-${g.path.replaceAll('.', '-')}`}>
      <legend>
        <code>{g.id}</code> <span class="badge">{g.kindLabel === 'flows.rule.type' ? g.type : `${t(lang, g.kindLabel)}${g.type && g.type !== g.kindLabel.split('.').pop() ? ` · ${g.type}` : ''}`}</span>
      </legend>
      {g.note && <p class="muted">{t(lang, g.note.key, g.note.vars)}</p>}
      {own.map((e) => (
        <p class="field-error" data-path={e.path}><code>{e.path}</code>: {e.message}</p>
      ))}
      <div class="grid2">
        {g.fields.map((f) => (
          <Field f={f} lang={lang} errors={props.errors} />
        ))}
      </div>
    </fieldset>
  );
}

/** The structured editor: every question, message and rule with its wording, limits and thresholds. */
export function DefinitionForm(props: { lang: Lang; csrf: string; action: string; definition: FlowDefinition | Record<string, unknown>; errors: PathError[] }) {
  const { lang } = props;
  const groups = formGroups(props.definition);
  const fieldPaths = new Set([...groups.nodes, ...groups.rules].flatMap((g) => g.fields.map((f) => f.path)));
  return (
    <form method="post" action={props.action} class="flow-form" id="flow-form">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <h3>{t(lang, 'flows.node.question')}</h3>
      {groups.nodes.map((g) => (
        <Group g={g} lang={lang} errors={props.errors} fieldPaths={fieldPaths} />
      ))}
      <h3>{t(lang, 'flows.rules')}</h3>
      {groups.rules.map((g) => (
        <Group g={g} lang={lang} errors={props.errors} fieldPaths={fieldPaths} />
      ))}
      <p><button type="submit">{t(lang, 'flows.saveForm')}</button></p>
    </form>
  );
}
