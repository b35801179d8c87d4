import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import QRCode from 'qrcode';
import type { Deps } from '../../../deps';
import { ConflictError, ValidationError, type FieldError } from '../../../domain/errors';
import { getPersonImport } from '../../../domain/imports/get-person-import';
import { decideDuplicate, listImportDuplicates } from '../../../domain/imports/import-duplicates';
import { inviteImportedPersons } from '../../../domain/imports/invite-imported-persons';
import { listPersonImports } from '../../../domain/imports/list-person-imports';
import { previewPersonImport, setPersonImportMapping } from '../../../domain/imports/preview-person-import';
import { DISPATCH_JOBS } from '../../../jobs/dispatch';
import { idParam, runVerb } from '../../auth/run-verb';
import type { AdminContext, AdminEnv } from '../../auth/types';
import { page } from '../../ui/render';
import { centresForActor } from '../persons/list-page';
import { linkCodeUri } from '../persons/actions';
import { DuplicatesPage } from './duplicates-page';
import { IMPORT_BODY_LIMIT, startImportJob, uploadAndStart } from './actions';
import { ImportPage } from './import-page';
import { InviteLettersPage } from './invite-letters';
import { renderInviteLettersPdf } from './invite-letters-pdf';
import { UploadPage } from './upload-page';

/** The body limit of the upload form, applied before the session check reads the body. */
export const importUploadLimit = bodyLimit({
  maxSize: IMPORT_BODY_LIMIT,
  onError: (c) => c.html('<!DOCTYPE html><meta charset="utf-8"><title>413</title><p>ファイルが大きすぎます（上限 20 MB）。 The file is too large (20 MB at most).</p>', 413),
});

/** /admin/imports: upload → preview and mapping → dry run → import (a job, with a progress bar) → duplicates → invitations. */
export function createImportPages(deps: Deps) {
  const app = new Hono<AdminEnv>();
  const common = (c: AdminContext) => ({ lang: c.get('lang'), actor: c.get('actor') as never, csrf: c.get('csrfToken'), userName: c.get('displayName') });

  const uploadPage = async (c: AdminContext, errors?: FieldError[]) => {
    const recent = await runVerb(deps, c, (ctx) => listPersonImports({ ctx, input: {} }));
    return page(c, <UploadPage {...common(c)} centres={await centresForActor(deps, c)} recent={recent} errors={errors} />, errors ? 422 : 200);
  };
  const importPage = async (c: AdminContext, importId: string, errors?: FieldError[]) => {
    const state = await runVerb(deps, c, (ctx) => getPersonImport({ ctx, input: { importId } }));
    const showPreview = state.uploaded || (state.dryRun && (state.status === 'done' || state.status === 'failed'));
    const preview = showPreview ? await runVerb(deps, c, (ctx) => previewPersonImport({ ctx, input: { importId } })).catch((err) => (err instanceof ConflictError ? null : Promise.reject(err))) : null;
    return page(c, <ImportPage {...common(c)} state={state} preview={preview} errors={errors} />, errors ? 422 : 200);
  };

  app.get('/imports', (c) => uploadPage(c));
  app.post('/imports', async (c) => {
    try {
      const { id } = await uploadAndStart(deps, c, { start: false });
      return c.redirect(`/admin/imports/${id}`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return uploadPage(c, err.fields);
      throw err;
    }
  });
  app.get('/imports/:id', (c) => importPage(c, idParam(c, 'id', 'person_import')));
  app.post('/imports/:id/mapping', async (c) => {
    const importId = idParam(c, 'id', 'person_import');
    const body = await c.req.parseBody();
    try {
      await runVerb(deps, c, (ctx) => setPersonImportMapping({ ctx, input: { importId, mapping: body } }));
    } catch (err) {
      if (err instanceof ValidationError) return importPage(c, importId, err.fields);
      throw err;
    }
    return c.redirect(`/admin/imports/${importId}`, 303);
  });
  app.post('/imports/:id/start', async (c) => {
    const importId = idParam(c, 'id', 'person_import');
    const body = await c.req.parseBody();
    try {
      await startImportJob(deps, c, importId, body.dryRun === 'true');
    } catch (err) {
      if (err instanceof ValidationError) return importPage(c, importId, err.fields);
      throw err;
    }
    return c.redirect(`/admin/imports/${importId}`, 303);
  });
  app.get('/imports/:id/duplicates', async (c) => {
    const importId = idParam(c, 'id', 'person_import');
    const { duplicates } = await runVerb(deps, c, (ctx) => listImportDuplicates({ ctx, input: { importId } }));
    return page(c, <DuplicatesPage {...common(c)} importId={importId} duplicates={duplicates} />);
  });
  app.post('/duplicates/:id', async (c) => {
    const candidateId = idParam(c, 'id', 'duplicate');
    const body = await c.req.parseBody();
    await runVerb(deps, c, (ctx) => decideDuplicate({ ctx, input: { candidateId, decision: body.decision } }));
    const importId = typeof body.importId === 'string' && /^[0-9a-f-]{36}$/i.test(body.importId) ? body.importId : null;
    return c.redirect(importId ? `/admin/imports/${importId}/duplicates` : '/admin/imports', 303);
  });
  app.post('/imports/:id/invite', async (c) => {
    const importId = idParam(c, 'id', 'person_import');
    const result = await runVerb(deps, c, (ctx) => inviteImportedPersons({ ctx, input: { importId }, env: deps.env }));
    // After commit: each first check's dispatch job, with the session as its id (sent once).
    for (const d of result.dispatched) await deps.jobs.trigger(DISPATCH_JOBS[d.channel], { sessionIds: [d.sessionId], kind: 'prompt' }, { jobId: `dispatch:${d.channel}:prompt:${d.sessionId}` });
    const state = await runVerb(deps, c, (ctx) => getPersonImport({ ctx, input: { importId } }));
    c.header('cache-control', 'no-store');
    // The codes exist only in this answer: the printable HTML page, or (format=pdf) the letters as one PDF for mailing.
    if ((await c.req.parseBody()).format === 'pdf') {
      const pdf = await renderInviteLettersPdf(result.letters.map((l) => ({ ...l, uri: linkCodeUri(deps, l.code) })), { centreName: state.centreNameJa, now: deps.now() });
      c.header('content-type', 'application/pdf');
      c.header('content-disposition', `attachment; filename="invitation-letters-${importId.slice(0, 8)}.pdf"`);
      return c.body(pdf as Uint8Array<ArrayBuffer>);
    }
    const letters = await Promise.all(
      result.letters.map(async (l) => {
        const svg = await QRCode.toString(linkCodeUri(deps, l.code), { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
        return { ...l, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
      }),
    );
    return page(c, <InviteLettersPage {...common(c)} importId={importId} letters={letters} dispatched={result.dispatched.length} skipped={result.skipped} centreName={state.centreNameJa} />);
  });
  return app;
}
