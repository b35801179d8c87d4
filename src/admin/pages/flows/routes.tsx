import { Hono } from 'hono';
import type { Deps } from '../../../deps';
import { archiveFlowVersion } from '../../../domain/flows/archive-flow-version';
import { createDraft } from '../../../domain/flows/create-draft';
import { createFlow } from '../../../domain/flows/create-flow';
import { diffDefinitions } from '../../../domain/flows/definition-diff';
import { parseDefinitionFor } from '../../../domain/flows/definition-issues';
import { getFlowVersion, latestPublished, listFlows } from '../../../domain/flows/flow-queries';
import { mayPublishFlow } from '../../../domain/flows/flow-publishers';
import { publishFlowVersion } from '../../../domain/flows/publish-flow-version';
import { simulateFlow, simulationCentre, type Simulation } from '../../../domain/flows/simulate-flow';
import { updateDraft } from '../../../domain/flows/update-draft';
import { ConflictError, DomainError, ValidationError } from '../../../domain/errors';
import { ROLE_RANK } from '../../../domain/staff/staff-scope';
import { versionParam } from '../../api/flows';
import { runVerb } from '../../auth/run-verb';
import type { AdminContext, AdminEnv } from '../../auth/types';
import { t } from '../../ui/i18n';
import { Layout } from '../../ui/layout';
import { page } from '../../ui/render';
import { refusalMessage } from '../../ui/refusal';
import type { PathError } from './definition-form';
import { applyFormFields } from './form-model';
import { FlowList } from './list-page';
import type { NewFlowValues } from './new-flow-form';
import { VersionPage, type VersionPageProps } from './version-page';

const DONE = new Set(['saved', 'unchanged', 'published', 'archived']);

type Overrides = Partial<Pick<VersionPageProps, 'formDefinition' | 'jsonText' | 'errors' | 'jsonErrors' | 'problem' | 'sim' | 'simForm'>>;

/** Console pages of the flow editor: /admin/flows … (the same verbs as /api/v1/flows). */
export function createFlowPages(deps: Deps) {
  const app = new Hono<AdminEnv>();

  const frame = (c: AdminContext, title: string, body: unknown, status: 200 | 403 | 404 | 409 | 422 = 200) =>
    page(
      c,
      <Layout title={title} actor={c.get('actor')} lang={c.get('lang')} csrf={c.get('csrfToken')} active="flows" userName={c.get('displayName')} scripts={['flow-editor.js']} styles={['flows-reports.css']}>
        {body as never}
      </Layout>,
      status,
    );

  const pathErrors = (c: AdminContext, err: ValidationError): PathError[] =>
    err.fields.map((f) => ({ path: f.field.replace(/^definition\.?/, '') || '(root)', message: c.get('lang') === 'ja' && f.messageJa ? f.messageJa : f.message }));

  const renderVersion = async (c: AdminContext, key: string, n: number, o: Overrides = {}, status: 200 | 403 | 409 | 422 = 200) => {
    const lang = c.get('lang');
    const actor = c.get('actor');
    const row = await getFlowVersion(deps.db, key, n, { visibleTo: actor });
    const published = await latestPublished(deps.db, key, { visibleTo: actor });
    const definition = row.definition as Record<string, unknown>;
    const done = c.req.query('done');
    const props: VersionPageProps = {
      lang, csrf: c.get('csrfToken'), row,
      formDefinition: o.formDefinition ?? definition,
      jsonText: o.jsonText ?? JSON.stringify(definition, null, 2),
      errors: o.errors ?? [], jsonErrors: o.jsonErrors ?? [],
      diff: published && published.version !== row.version ? { against: published.version, changes: diffDefinitions(published.definition, o.formDefinition ?? definition) } : null,
      canPublish: mayPublishFlow(actor, row.owner),
      canDiscard: ROLE_RANK[actor.role] >= ROLE_RANK.centre_admin,
      canDraft: actor.role !== 'clinician',
      flash: done && DONE.has(done) ? t(lang, `flows.${done}`, { n }) : undefined,
      problem: o.problem, sim: o.sim,
      simForm: o.simForm ?? { channel: 'line', inputs: '', lang: 'ja', hasOximeter: true },
    };
    const title = `${lang === 'ja' ? row.flowNameJa : row.flowNameEn} — ${t(lang, 'flows.version', { n })}`;
    return frame(c, title, <VersionPage {...props} />, status);
  };

  /** Verb errors on a page: shown on the version page with their status instead of a JSON body. */
  const onVerbError = (c: AdminContext, key: string, n: number, err: unknown) => {
    if (!(err instanceof DomainError) || err.status === 404) throw err;
    return renderVersion(c, key, n, { problem: refusalMessage(c.get('lang'), err) }, err.status === 403 ? 403 : err.status === 422 ? 422 : 409);
  };

  const renderList = async (c: AdminContext, newFlow: { values: NewFlowValues; errors: ValidationError['fields'] } = { values: {}, errors: [] }, status: 200 | 422 = 200) => {
    const lang = c.get('lang');
    const actor = c.get('actor');
    const mayCreate = ROLE_RANK[actor.role] >= ROLE_RANK.centre_admin;
    const list = <FlowList lang={lang} csrf={c.get('csrfToken')} flows={await listFlows(deps.db, actor)} canDraft={actor.role !== 'clinician'} newFlow={mayCreate ? newFlow : null} />;
    return frame(c, t(lang, 'flows.title'), list, status);
  };

  app.get('/flows', (c) => renderList(c));

  app.post('/flows', async (c) => {
    const body = await c.req.parseBody();
    const values: NewFlowValues = { key: String(body.key ?? ''), nameJa: String(body.nameJa ?? ''), nameEn: String(body.nameEn ?? ''), from: String(body.from ?? '') };
    try {
      const r = await runVerb(deps, c, (ctx) => createFlow({ ctx, input: values }));
      return c.redirect(`/admin/flows/${r.key}/versions/${r.version}`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return renderList(c, { values, errors: err.fields }, 422);
      throw err;
    }
  });

  app.post('/flows/:key/drafts', async (c) => {
    const key = c.req.param('key');
    try {
      const r = await runVerb(deps, c, (ctx) => createDraft({ ctx, input: { flowKey: key } }));
      return c.redirect(`/admin/flows/${key}/versions/${r.version}`, 303);
    } catch (err) {
      const draft = err instanceof ConflictError ? (err.details?.draft as number | undefined) : undefined;
      if (draft) return c.redirect(`/admin/flows/${key}/versions/${draft}`, 303);
      throw err;
    }
  });

  app.get('/flows/:key/versions/:n', (c) => renderVersion(c, c.req.param('key'), versionParam(c)));

  const save = async (c: AdminContext, key: string, n: number, definition: unknown, o: Overrides) => {
    try {
      const r = await runVerb(deps, c, (ctx) => updateDraft({ ctx, input: { flowKey: key, version: n, definition } }));
      return c.redirect(`/admin/flows/${key}/versions/${n}?done=${r.changed ? 'saved' : 'unchanged'}`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return renderVersion(c, key, n, { ...o, errors: pathErrors(c, err) }, 422);
      return onVerbError(c, key, n, err);
    }
  };

  app.post('/flows/:key/versions/:n/form', async (c) => {
    const key = c.req.param('key');
    const n = versionParam(c);
    const row = await getFlowVersion(deps.db, key, n, { visibleTo: c.get('actor') });
    const applied = applyFormFields(row.definition, await c.req.parseBody());
    return save(c, key, n, applied, { formDefinition: applied, jsonText: JSON.stringify(applied, null, 2) });
  });

  app.post('/flows/:key/versions/:n/json', async (c) => {
    const key = c.req.param('key');
    const n = versionParam(c);
    const text = String((await c.req.parseBody()).definition ?? '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      return renderVersion(c, key, n, { jsonText: text, jsonErrors: [t(c.get('lang'), 'flows.jsonSyntax', { detail: (err as Error).message })] }, 422);
    }
    const asObject = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    return save(c, key, n, parsed, { jsonText: text, formDefinition: asObject });
  });

  app.post('/flows/:key/versions/:n/simulate', async (c) => {
    const key = c.req.param('key');
    const n = versionParam(c);
    const body = await c.req.parseBody();
    const simForm = {
      channel: String(body.channel ?? 'line'), inputs: String(body.inputs ?? ''), lang: String(body.lang ?? 'ja'), hasOximeter: body.hasOximeter === '1',
    };
    const row = await getFlowVersion(deps.db, key, n, { visibleTo: c.get('actor') });
    let sim: Simulation;
    try {
      const definition = parseDefinitionFor(key, row.definition);
      const inputs = simForm.inputs.split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== '');
      const centre = await simulationCentre(deps.db, c.get('actor'));
      sim = simulateFlow(key, n, definition, { channel: simForm.channel as never, lang: simForm.lang as never, hasOximeter: simForm.hasOximeter, inputs, ...(centre ? { centre } : {}) });
    } catch (err) {
      if (err instanceof ValidationError) return renderVersion(c, key, n, { simForm, errors: pathErrors(c, err) }, 422);
      throw err;
    }
    return renderVersion(c, key, n, { simForm, sim });
  });

  app.post('/flows/:key/versions/:n/publish', async (c) => {
    const key = c.req.param('key');
    const n = versionParam(c);
    try {
      await runVerb(deps, c, (ctx) => publishFlowVersion({ ctx, input: { flowKey: key, version: n } }));
      return c.redirect(`/admin/flows/${key}/versions/${n}?done=published`, 303);
    } catch (err) {
      return onVerbError(c, key, n, err);
    }
  });

  app.post('/flows/:key/versions/:n/archive', async (c) => {
    const key = c.req.param('key');
    const n = versionParam(c);
    try {
      await runVerb(deps, c, (ctx) => archiveFlowVersion({ ctx, input: { flowKey: key, version: n } }));
      return c.redirect(`/admin/flows/${key}/versions/${n}?done=archived`, 303);
    } catch (err) {
      return onVerbError(c, key, n, err);
    }
  });

  return app;
}
