import { Hono } from 'hono';
import { withTransaction } from '../domain/context';
import { NotFoundError } from '../domain/errors';
import { EXPORT_TYPES } from '../domain/fhir/export-queries';
import type { Deps } from '../deps';
import { clientCtx, fhirAuth, requireScope, type FhirEnv } from './auth';
import { addBulkExportRoutes } from './bulk-export';
import { capabilityStatement } from './metadata';
import { fhirErrorHandler, fhirJson, FhirRequestError } from './outcome';
import { doorOf } from './resources';
import { parseSearch, searchBundle } from './search';
import { createSmartRoutes } from './smart';
import { transactionHandler } from './transaction';

export const fhirBase = (deps: Deps) => `${deps.env.PUBLIC_BASE_URL.replace(/\/$/, '')}/fhir`;

const unknownType = (type: string) => new FhirRequestError(404, 'not-supported', `resource type ${type} is not supported`, `リソース種別 ${type} には対応していません`);

/**
 * The FHIR R4 door: /fhir (read, search), SMART discovery and /oauth/token. Every call but
 * metadata and discovery needs an access token; the verbs apply the client's jurisdiction
 * and write the audit rows.
 */
export function createFhirRoutes(deps: Deps) {
  const app = new Hono<FhirEnv>();
  app.onError(fhirErrorHandler(deps.logger));
  app.route('/', createSmartRoutes(deps));
  app.get('/fhir/metadata', (c) => fhirJson(c, capabilityStatement(fhirBase(deps), deps.now(), { transactionTypes: ['Patient', 'Condition'], exportTypes: [...EXPORT_TYPES] })));
  app.use('/fhir/*', fhirAuth(deps));
  app.get('/fhir/:type{[A-Z][A-Za-z]+}', async (c) => {
    const type = c.req.param('type');
    const door = doorOf(type);
    if (!door) throw unknownType(type);
    requireScope(c, type, 's');
    const s = parseSearch(c, door.searchParams.map((p) => p.name));
    const base = clientCtx(c, deps);
    const { resources, more } = door.oneStatement ? await door.search({ ctx: { ...base, tx: deps.db }, input: s }) : await withTransaction(deps.db, base, (ctx) => door.search({ ctx, input: s }));
    return fhirJson(c, searchBundle(fhirBase(deps), type, s, resources, more));
  });
  app.get('/fhir/:type{[A-Z][A-Za-z]+}/:id{[A-Za-z0-9\\-.]{1,64}}', async (c) => {
    const type = c.req.param('type');
    const door = doorOf(type);
    if (!door) throw unknownType(type);
    requireScope(c, type, 'r');
    // Every id we serve is a UUID: anything else is missing, without asking the database.
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(c.req.param('id'))) throw new NotFoundError(type, c.req.param('id'));
    const resource = await withTransaction(deps.db, clientCtx(c, deps), (ctx) => door.read({ ctx, input: { id: c.req.param('id') } }));
    return fhirJson(c, resource);
  });
  addBulkExportRoutes(app, deps, fhirBase(deps));
  app.post('/fhir', transactionHandler(deps));
  app.post('/fhir/Bundle', transactionHandler(deps));
  app.all('/fhir/*', () => {
    throw new FhirRequestError(404, 'not-supported', 'no such FHIR interaction', 'この FHIR 操作には対応していません');
  });
  return app;
}
