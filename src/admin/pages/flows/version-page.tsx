import type { DefinitionChange } from '../../../domain/flows/definition-diff';
import type { FlowVersionRow } from '../../../domain/flows/flow-queries';
import type { Simulation } from '../../../domain/flows/simulate-flow';
import { LANG_CODES } from '../../../flows';
import { t, type Lang } from '../../ui/i18n';
import { DefinitionForm, type PathError } from './definition-form';
import { DiffView } from './diff-view';
import { ownerName } from './new-flow-form';
import { SimulatorResult } from './simulator-view';

export interface VersionPageProps {
  lang: Lang;
  csrf: string;
  row: FlowVersionRow;
  /** What the form and the JSON show: the stored definition, or what was just submitted. */
  formDefinition: Record<string, unknown>;
  jsonText: string;
  errors: PathError[];
  /** Errors of the JSON text itself (syntax), shown under the textarea. */
  jsonErrors: string[];
  diff: { against: number; changes: DefinitionChange[] } | null;
  canPublish: boolean;
  /** Archiving a draft (discarding it): centre administrators and up. */
  canDiscard: boolean;
  canDraft: boolean;
  flash?: string;
  problem?: string;
  sim?: Simulation;
  simForm: { channel: string; inputs: string; lang: string; hasOximeter: boolean };
}

/** One flow version: the editor (drafts) or the read-only definition, the diff, the simulator and publish/archive. */
export function VersionPage(p: VersionPageProps) {
  const { lang, row } = p;
  const base = `/admin/flows/${row.flowKey}/versions/${row.version}`;
  const isDraft = row.status === 'draft';
  return (
    <>
      <p>
        <a href="/admin/flows">← {t(lang, 'flows.title')}</a> <span class={`badge status-${row.status}`}>{t(lang, `flows.status.${row.status}`)}</span>{' '}
        <span class="flow-owner">{t(lang, 'flows.owner')}: <span class={`badge owner-${row.owner?.kind ?? 'nation'}`}>{ownerName(lang, row.owner)}</span></span>
      </p>
      {p.flash && <p class="flash" role="status">{p.flash}</p>}
      {p.problem && <div class="error-summary" role="alert"><p>{p.problem}</p></div>}
      {p.errors.length > 0 && (
        <div class="error-summary" role="alert" id="flow-errors">
          <p>{t(lang, 'flows.errors', { n: p.errors.length })}</p>
          <ul>
            {p.errors.map((e) => (
              <li><a href={`#f-${e.path.replaceAll('.', '-')}`} data-path={e.path}><code>{e.path}</code></a>: {e.message}</li>
            ))}
          </ul>
        </div>
      )}
      {!isDraft && <p class="muted">{t(lang, 'flows.readOnly', { status: t(lang, `flows.status.${row.status}`) })}</p>}
      <div class="flow-actions">
        {isDraft && p.canPublish && (
          <form method="post" action={`${base}/publish`} class="inline" data-confirm={t(lang, 'flows.publishConfirm')}>
            <input type="hidden" name="_csrf" value={p.csrf} />
            <button type="submit" id="publish">{t(lang, 'flows.publish')}</button>
          </form>
        )}
        {isDraft && !p.canPublish && <p class="muted">{row.owner ? t(lang, 'flows.publishRole.owned', { owner: ownerName(lang, row.owner) }) : t(lang, 'flows.publishRole')}</p>}
        {row.status !== 'archived' && (isDraft ? p.canDiscard : p.canPublish) && (
          <form method="post" action={`${base}/archive`} class="inline" data-confirm={t(lang, 'flows.archiveConfirm')}>
            <input type="hidden" name="_csrf" value={p.csrf} />
            <button type="submit" class="secondary">{t(lang, 'flows.archive')}</button>
          </form>
        )}
      </div>
      {p.diff && <DiffView lang={lang} against={p.diff.against} changes={p.diff.changes} />}
      <div class="flow-editor">
        {isDraft && (
          <section class="card">
            <h2>{t(lang, 'flows.form')}</h2>
            <DefinitionForm lang={lang} csrf={p.csrf} action={`${base}/form`} definition={p.formDefinition} errors={p.errors} />
          </section>
        )}
        <section class="card">
          <h2>{t(lang, 'flows.json')}</h2>
          <p class="muted"><a href="/api/v1/flows/definition-schema.json" id="definition-schema-link">{t(lang, 'flows.jsonSchema')}</a></p>
          <form method="post" action={`${base}/json`} id="json-form">
            <input type="hidden" name="_csrf" value={p.csrf} />
            <textarea name="definition" rows={isDraft ? 30 : 20} spellcheck={false} class="json" id="definition-json" readonly={!isDraft} aria-invalid={p.jsonErrors.length ? 'true' : undefined}>{p.jsonText}</textarea>
            <span class="field-error" id="json-error">{p.jsonErrors.join(' / ')}</span>
            {isDraft && <p><button type="submit">{t(lang, 'flows.saveJson')}</button></p>}
          </form>
        </section>
      </div>
      <section class="card" id="simulator">
        <h2>{t(lang, 'flows.sim')}</h2>
        <p class="muted">{t(lang, 'flows.sim.help')}</p>
        <form method="post" action={`${base}/simulate#simulator`} class="sim-form">
          <input type="hidden" name="_csrf" value={p.csrf} />
          <div class="filters">
            <label>{t(lang, 'flows.sim.channel')}
              <select name="channel" id="sim-channel">
                {(['line', 'sms', 'web', 'voice'] as const).map((ch) => <option value={ch} selected={p.simForm.channel === ch}>{t(lang, `flows.sim.${ch}`)}</option>)}
              </select>
            </label>
            <label>{t(lang, 'flows.sim.lang')}
              <select name="lang">
                {LANG_CODES.map((l) => <option value={l} selected={p.simForm.lang === l}>{t(lang, `lang.${l}`)}</option>)}
              </select>
            </label>
            <label class="check"><input type="checkbox" name="hasOximeter" value="1" checked={p.simForm.hasOximeter} /> {t(lang, 'flows.sim.oximeter')}</label>
          </div>
          <label>{t(lang, 'flows.sim.inputs')}<textarea name="inputs" rows={6} id="sim-inputs">{p.simForm.inputs}</textarea></label>
          <button type="submit" id="sim-run">{t(lang, 'flows.sim.run')}</button>
        </form>
        {p.sim && <SimulatorResult sim={p.sim} lang={lang} />}
      </section>
    </>
  );
}
