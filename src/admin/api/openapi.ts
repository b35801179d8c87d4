import { z } from 'zod';

/**
 * A small registry of the /api/v1 routes; each router registers what it serves and the
 * document at /api/v1/openapi.json is built from it with zod 4's z.toJSONSchema, so the
 * schemas that validate requests are the ones published.
 * @example registerRoute({ method: 'post', path: '/persons', summary: 'Register a person', tags: ['persons'], body: personFieldsSchema, responses: { 201: 'created' } })
 */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Under /api/v1, with OpenAPI-style parameters: /persons/{id} */
  path: string;
  summary: string;
  tags: string[];
  body?: z.ZodType;
  /** The body's media type when it is not JSON (an upload: multipart/form-data). */
  bodyContentType?: string;
  /** Path parameters and their descriptions. */
  params?: Record<string, string>;
  query?: z.ZodObject;
  /** Status → description (and a schema when there is one). */
  responses?: Record<number, string | { description: string; schema?: z.ZodType; contentType?: string }>;
}

const routes = new Map<string, RouteDoc>();

export function registerRoute(doc: RouteDoc): void {
  routes.set(`${doc.method} ${doc.path}`, doc);
}

export function registeredRoutes(): RouteDoc[] {
  return [...routes.values()];
}

const errorSchema = z.object({ code: z.string(), message: z.string(), messageJa: z.string().optional(), requestId: z.string().optional() });
const validationSchema = errorSchema.extend({ fields: z.array(z.object({ field: z.string(), message: z.string(), messageJa: z.string().optional() })) });

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  // 'input': what a client sends (defaults optional); unrepresentable parts become {}.
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** The OpenAPI 3.1 document of every registered route. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of [...routes.values()].sort((a, b) => a.path.localeCompare(b.path))) {
    const parameters: unknown[] = Object.entries(r.params ?? {}).map(([name, description]) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } }));
    if (r.query) {
      for (const [name, s] of Object.entries(r.query.shape)) {
        parameters.push({ name, in: 'query', required: !(s as z.ZodType).safeParse(undefined).success, schema: jsonSchema(s as z.ZodType) });
      }
    }
    const responses: Record<string, unknown> = {};
    for (const [status, d] of Object.entries(r.responses ?? { 200: 'OK' })) {
      const desc = typeof d === 'string' ? { description: d } : d;
      responses[status] = desc.schema
        ? { description: desc.description, content: { [desc.contentType ?? 'application/json']: { schema: jsonSchema(desc.schema) } } }
        : { description: desc.description };
    }
    responses['401'] = { description: 'not signed in, or the bearer token is invalid or revoked', content: { 'application/json': { schema: jsonSchema(errorSchema) } } };
    responses['404'] = { description: 'not found, or outside your scope', content: { 'application/json': { schema: jsonSchema(errorSchema) } } };
    if (r.body) responses['422'] = { description: 'validation failed: each field with a message', content: { 'application/json': { schema: jsonSchema(validationSchema) } } };
    paths[r.path] ??= {};
    paths[r.path]![r.method] = {
      summary: r.summary,
      tags: r.tags,
      parameters: parameters.length ? parameters : undefined,
      requestBody: r.body ? { required: true, content: { [r.bodyContentType ?? 'application/json']: { schema: jsonSchema(r.body) } } } : undefined,
      responses,
      security: [{ bearer: [] }, { session: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Mimamori API', version: '1', description: '見守り: daily health checks for persons under public-health follow-up. Scope follows the caller\'s role; records outside it answer 404.' },
    servers: [{ url: '/api/v1' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'npm run cli -- create-token, or the console account page' },
        session: { type: 'apiKey', in: 'cookie', name: '__Host-mm_session', description: 'the console session; state-changing calls also need the X-CSRF-Token header' },
      },
    },
    paths,
  };
}
