import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Context, Hono } from 'hono';
import { withTransaction } from '../domain/context';
import { EXPORT_TYPES, type ExportType } from '../domain/fhir/export-queries';
import { cancelFhirExport, exportFileFor, getFhirExport, startFhirExport } from '../domain/fhir/fhir-exports';
import { permits } from '../domain/fhir/scopes';
import type { Deps } from '../deps';
import { enqueueFhirExport } from '../jobs/fhir-export';
import { clientCtx, type FhirEnv } from './auth';
import { fhirJson, FhirRequestError, outcome } from './outcome';

const KNOWN = ['_type', '_since', '_outputFormat'];
const NDJSON = ['application/fhir+ndjson', 'application/ndjson', 'ndjson'];

/** _type (default: every exportable type the token may read), _since, _outputFormat; unknown parameters per Prefer: handling. */
function parseKickOff(c: Context<FhirEnv>): { types: ExportType[]; since: Date | null } {
  const prefer = c.req.header('prefer') ?? '';
  if (!/respond-async/i.test(prefer)) throw new FhirRequestError(400, 'invalid', 'Bulk Data export needs Prefer: respond-async', 'エクスポートには Prefer: respond-async ヘッダーが必要です');
  const url = new URL(c.req.url);
  const strict = /handling\s*=\s*strict/i.test(prefer);
  for (const k of url.searchParams.keys()) {
    if (!KNOWN.includes(k) && strict) throw new FhirRequestError(400, 'not-supported', `unsupported export parameter ${k}`, `エクスポートのパラメータ ${k} には対応していません`, [k]);
  }
  const format = url.searchParams.get('_outputFormat');
  if (format && !NDJSON.includes(format)) throw new FhirRequestError(400, 'not-supported', 'only NDJSON output is supported', 'NDJSON 形式のみに対応しています', ['_outputFormat']);
  const scopes = c.get('fhir').scopes;
  const asked = url.searchParams.getAll('_type').flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
  for (const t of asked) {
    if (!(EXPORT_TYPES as readonly string[]).includes(t)) throw new FhirRequestError(400, 'not-supported', `type ${t} cannot be exported (${EXPORT_TYPES.join(', ')})`, `${t} はエクスポートできません`, ['_type']);
    if (!permits(scopes, t, 'r')) throw new FhirRequestError(403, 'forbidden', `scope system/${t}.r is not granted to this token`, `このトークンには system/${t}.r のスコープがありません`);
  }
  const types = (asked.length ? [...new Set(asked)] : EXPORT_TYPES.filter((t) => permits(scopes, t, 'r'))) as ExportType[];
  if (types.length === 0) throw new FhirRequestError(403, 'forbidden', 'the token may read none of the exportable types', 'このトークンにはエクスポートできる種別の読み取りスコープがありません');
  const sinceRaw = url.searchParams.get('_since');
  const since = sinceRaw ? new Date(sinceRaw) : null;
  if (sinceRaw && (!/^\d{4}-\d{2}-\d{2}T/.test(sinceRaw) || Number.isNaN(since!.getTime()))) throw new FhirRequestError(400, 'invalid', '_since must be an instant such as 2026-05-01T00:00:00+09:00', '_since は 2026-05-01T00:00:00+09:00 のような日時で指定してください', ['_since']);
  return { types, since };
}

/**
 * Bulk Data Access: kick-off ($export, Group/{centre code}/$export) → 202 + Content-Location;
 * the status URL answers 202 with X-Progress, then 200 with the manifest; DELETE removes it.
 */
export function addBulkExportRoutes(app: Hono<FhirEnv>, deps: Deps, base: string) {
  const kickOff = (groupOf: (c: Context<FhirEnv>) => string | null) => async (c: Context<FhirEnv>) => {
    const { types, since } = parseKickOff(c);
    const { exportId } = await withTransaction(deps.db, clientCtx(c, deps), (ctx) =>
      startFhirExport({ ctx, input: { clientId: c.get('fhir').clientId, groupCode: groupOf(c), types, since, requestUrl: c.req.url } }),
    );
    if (!(await enqueueFhirExport(deps.jobs, exportId))) {
      return fhirJson(c, outcome([{ code: 'transient', message: 'the export could not be queued; try again shortly', messageJa: 'エクスポートを開始できませんでした。しばらくしてからもう一度お試しください' }]), 503, { 'retry-after': '30' });
    }
    return fhirJson(c, outcome([{ severity: 'information', code: 'informational', message: 'export started', messageJa: 'エクスポートを開始しました' }]), 202, { 'content-location': `${base}/$export-status/${exportId}` });
  };
  app.get('/fhir/$export', kickOff(() => null));
  app.get('/fhir/Group/:code/$export', kickOff((c) => c.req.param('code')!.slice(0, 40)));

  const ref = (c: Context<FhirEnv>) => ({ clientId: c.get('fhir').clientId, exportId: c.req.param('id')!, dataDir: deps.env.DATA_DIR });
  const ID = ':id{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}';
  app.get(`/fhir/$export-status/${ID}`, async (c) => {
    const row = await withTransaction(deps.db, clientCtx(c, deps), (ctx) => getFhirExport({ ctx, input: ref(c) }));
    if (row.status === 'queued' || row.status === 'running') {
      return new Response(null, { status: 202, headers: { 'x-progress': `${row.status === 'queued' ? 'queued' : 'in progress'}: ${row.progress} resources`, 'retry-after': '2' } });
    }
    if (row.status === 'failed') return fhirJson(c, outcome([{ code: 'exception', message: row.error ?? 'the export failed', messageJa: 'エクスポートに失敗しました。もう一度要求してください' }]), 500);
    return c.json(
      {
        transactionTime: row.createdAt.toISOString(),
        request: row.requestUrl,
        requiresAccessToken: true,
        output: row.output.map((o) => ({ type: o.type, url: `${base}/$export-file/${row.id}/${o.file}`, count: o.count })),
        error: [],
      },
      200,
      { expires: row.expiresAt.toUTCString() },
    );
  });
  app.delete(`/fhir/$export-status/${ID}`, async (c) => {
    await withTransaction(deps.db, clientCtx(c, deps), (ctx) => cancelFhirExport({ ctx, input: ref(c) }));
    return new Response(null, { status: 202 });
  });
  app.get(`/fhir/$export-file/${ID}/:file{[A-Za-z]+\\.ndjson}`, async (c) => {
    const file = await withTransaction(deps.db, clientCtx(c, deps), (ctx) => exportFileFor({ ctx, input: { ...ref(c), file: c.req.param('file')! } }));
    return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, { headers: { 'content-type': 'application/fhir+ndjson' } });
  });
}
