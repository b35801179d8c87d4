import { shortValue, type DefinitionChange } from '../../../domain/flows/definition-diff';
import { t, type Lang } from '../../ui/i18n';

/** The changes of a draft against the published version, one row per path. */
export function DiffView(props: { lang: Lang; against: number; changes: DefinitionChange[] }) {
  const { lang } = props;
  return (
    <section class="card" id="diff">
      <h2>{t(lang, 'flows.diff', { n: props.against })}</h2>
      {props.changes.length === 0 ? <p>{t(lang, 'flows.diff.none')}</p> : (
        <table class="diff">
          <thead><tr><th>{t(lang, 'flows.diff.path')}</th><th>{t(lang, 'flows.diff.kind')}</th><th>{t(lang, 'flows.diff.before')}</th><th>{t(lang, 'flows.diff.after')}</th></tr></thead>
          <tbody>
            {props.changes.map((c) => (
              <tr class={`diff-${c.kind}`}>
                <td><code>{c.path}</code></td>
                <td>{t(lang, `flows.diff.${c.kind}`)}</td>
                <td><del>{shortValue(c.before)}</del></td>
                <td><ins>{shortValue(c.after)}</ins></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
