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
  const vars = { ...f.labelVars, ...(f.channel ? { channel: t(lang, `flows.channelName.${f.channel}`) } : {}) };
  const label = f.lang ? t(lang, f.label, { ...vars, name: t(lang, `lang.${f.lang}`) }) : t(lang, f.label, vars);
  const cls = [errs.length ? 'has-error' : '', f.missing ? 'missing-lang' : '', f.lang ? `lang-field lang-${f.lang}` : '', f.channel ? `channel-field channel-${f.channel}` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <label class={cls} lang={f.lang === 'ja-easy' ? 'ja' : f.lang} data-channel={f.channel}>
      {label}
      {f.missing && <span class="badge missing">{t(lang, 'flows.missing')}</span>}
      {f.kind === 'longtext' ? (
        <textarea name={`s:${f.path}`} rows={2} placeholder={f.suggestion} {...common}>{f.value}</textarea>
      ) : f.kind === 'severity' ? (
        <select name={`s:${f.path}`} {...common}>
          {['red', 'amber'].map((s) => (
            <option value={s} selected={f.value === s}>{t(lang, `flows.severity.${s}`)}</option>
          ))}
        </select>
      ) : (
        <input name={`${f.kind === 'number' ? 'n' : 's'}:${f.path}`} value={f.value} placeholder={f.suggestion} inputmode={f.kind === 'number' ? 'decimal' : undefined} {...common} />
      )}
      {f.missing && f.suggestion && <span class="muted suggestion">{t(lang, 'flows.suggestion', { text: f.suggestion })}</span>}
      {errs.length > 0 && <span class="field-error" id={`${id}-err`}>{errs.map((e) => e.message).join(' / ')}</span>}
    </label>
  );
}

/** Fields in order, a language's base wording and its channel wordings side by side in one row. */
function Fields(props: { fields: FieldSpec[]; lang: Lang; errors: PathError[] }) {
  const rows: FieldSpec[][] = [];
  for (const f of props.fields) {
    const last = rows.at(-1);
    if (last && f.row && last[0]!.row === f.row) last.push(f);
    else rows.push([f]);
  }
  return (
    <>
      {rows.map((row) =>
        row.length === 1 ? (
          <Field f={row[0]!} lang={props.lang} errors={props.errors} />
        ) : (
          <div class="lang-row" data-row={row[0]!.row}>
            {row.map((f) => (
              <Field f={f} lang={props.lang} errors={props.errors} />
            ))}
          </div>
        ),
      )}
    </>
  );
}

function Group(props: { g: GroupSpec; lang: Lang; errors: PathError[]; fieldPaths: Set<string>; open: boolean }) {
  const { g, lang } = props;
  // Problems of the node or rule as a whole (or of a part the form does not show).
  const own = props.errors.filter((e) => (e.path === g.path || e.path.startsWith(`${g.path}.`)) && !props.fieldPaths.has(e.path));
  const anyError = props.errors.some((e) => e.path === g.path || e.path.startsWith(`${g.path}.`));
  const main = g.fields.filter((f) => !f.lang || f.lang === 'ja' || f.lang === 'en');
  const others = g.fields.filter((f) => f.lang && f.lang !== 'ja' && f.lang !== 'en');
  const missing = others.filter((f) => f.missing).length;
  // <details name=…>: the browser keeps one open at a time (no script).
  return (
    <details name="flow-item" class={`flow-group${own.length ? ' has-error' : ''}`} id={`g-${g.path.replaceAll('.', '-')}`} open={props.open || anyError}>
      <summary>
        <code>{g.id}</code> <span class="badge">{g.kindLabel === 'flows.rule.type' ? g.type : `${t(lang, g.kindLabel)}${g.type && g.type !== g.kindLabel.split('.').pop() ? ` · ${g.type}` : ''}`}</span>
        {g.thresholds && <strong class="thresholds"> {g.thresholds}</strong>}
        {g.summary && <span class="summary-text"> {g.summary}</span>}
        {missing > 0 && <span class="badge missing"> {t(lang, 'flows.missingCount', { n: missing })}</span>}
      </summary>
      {g.note && <p class="muted">{t(lang, g.note.key, g.note.vars)}</p>}
      {own.map((e) => (
        <p class="field-error" data-path={e.path}><code>{e.path}</code>: {e.message}</p>
      ))}
      <div class="grid2">
        <Fields fields={main} lang={lang} errors={props.errors} />
      </div>
      {others.length > 0 && (
        <fieldset class="flow-languages">
          <legend>{t(lang, 'flows.languages')}</legend>
          <div class="grid2">
            <Fields fields={others} lang={lang} errors={props.errors} />
          </div>
        </fieldset>
      )}
    </details>
  );
}

/**
 * The structured editor: the flow as an outline in the order a person meets it, one question
 * (or rule) open at a time, each with its wording in every language (missing ones marked,
 * the phrasebook's translation shown) and, beside each, its SMS / voice / LINE wordings; its
 * limits; and each rule's thresholds in its summary.
 */
export function DefinitionForm(props: { lang: Lang; csrf: string; action: string; definition: FlowDefinition | Record<string, unknown>; errors: PathError[] }) {
  const { lang } = props;
  const groups = formGroups(props.definition);
  const fieldPaths = new Set([...groups.nodes, ...groups.rules].flatMap((g) => g.fields.map((f) => f.path)));
  return (
    <form method="post" action={props.action} class="flow-form" id="flow-form">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <h3>{t(lang, 'flows.outline')}</h3>
      <div class="flow-outline">
        {groups.nodes.map((g, i) => (
          <Group g={g} lang={lang} errors={props.errors} fieldPaths={fieldPaths} open={i === 0 && props.errors.length === 0} />
        ))}
      </div>
      <h3>{t(lang, 'flows.rules')}</h3>
      <div class="flow-outline">
        {groups.rules.map((g) => (
          <Group g={g} lang={lang} errors={props.errors} fieldPaths={fieldPaths} open={false} />
        ))}
      </div>
      <p><button type="submit">{t(lang, 'flows.saveForm')}</button></p>
    </form>
  );
}
