import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { eq } from 'drizzle-orm';
import type { Db, DbHandle } from '../../../db/client';
import { fhirExports, flowVersions, jurisdictions } from '../../../db/schema';
import { writeAudit } from '../audit';
import { withTransaction } from '../context';
import { showsIdentifiers } from '../personal-identifiers';
import { readByPersons, readInChunks } from '../reports/row-source';
import { type ExportFilter, type ExportType, flagRows, mapFlag, PERSON_RESOURCES, personRows, sessionMapper, sessionRows } from './export-queries';
import { fhirClientById } from './fhir-client-actor';
import { observationNdjson } from './observation-ndjson';
import { patientNdjson } from './patient-ndjson';
import { exportDir, isCancelled } from './fhir-exports';

export interface ExportHost {
  db: Db;
  dbHandle: DbHandle;
  now: () => Date;
  dataDir: string;
}

/** Chunks between progress updates and cancellation checks. */
const CHECK_EVERY = 10;

/** The NDJSON of one type, a chunk at a time (never the whole set in memory). */
async function* ndjsonOf(host: ExportHost, type: ExportType, f: ExportFilter): AsyncGenerator<{ count: number; text: string }> {
  // Observations, by far the most numerous, and Patients come as text built by PostgreSQL (observation-ndjson.ts, patient-ndjson.ts).
  if (type === 'Observation') return yield* observationNdjson(host.dbHandle, f);
  if (type === 'Patient') return yield* patientNdjson(host.dbHandle, f);
  for await (const resources of resourcesOf(host, type, f)) {
    if (resources.length > 0) yield { count: resources.length, text: resources.map((r) => JSON.stringify(r)).join('\n') + '\n' };
  }
}

/** The resources of one type, a chunk at a time, mapped in TypeScript. */
async function* resourcesOf(host: ExportHost, type: Exclude<ExportType, 'Observation' | 'Patient'>, f: ExportFilter): AsyncGenerator<Resource[]> {
  if (type === 'Condition' || type === 'Encounter') {
    const { extra, map } = PERSON_RESOURCES[type];
    for await (const rows of readInChunks(host.dbHandle, personRows(f, extra))) yield rows.map((r) => map(r, f)).filter((r): r is Resource => r !== null);
  } else if (type === 'Flag') {
    for await (const rows of readByPersons(host.dbHandle, flagRows(f))) yield rows.map(mapFlag);
  } else {
    const map = sessionMapper(async (id) => (await host.db.select({ d: flowVersions.definition }).from(flowVersions).where(eq(flowVersions.id, id)))[0]?.d);
    for await (const rows of readByPersons(host.dbHandle, sessionRows(f))) yield await Promise.all(rows.map(map));
  }
}

/**
 * The fhir.export job: writes one NDJSON file per type to DATA_DIR/fhir-exports/<id>/,
 * streaming (each chunk is written, with back-pressure, before the next is read, so memory
 * stays flat), acting as the client that asked — the same scope rule as every read. A
 * retry starts the files again. Progress is stored every few chunks; a DELETE of the status
 * URL (status cancelled) stops it. One audit row records what was exported (types,
 * counts), never personal data.
 */
export async function runFhirExport(host: ExportHost, exportId: string): Promise<void> {
  const [exp] = await host.db.select().from(fhirExports).where(eq(fhirExports.id, exportId));
  if (!exp || exp.status === 'completed' || exp.status === 'cancelled') return;
  const dir = exportDir(host.dataDir, exp.id);
  const fail = async (message: string) => {
    await host.db.update(fhirExports).set({ status: 'failed', error: message, completedAt: host.now() }).where(eq(fhirExports.id, exp.id));
    await rm(dir, { recursive: true, force: true });
  };
  const client = await fhirClientById(host.db, exp.clientId);
  if (!client) return fail('the client has been revoked');
  const centreId = exp.groupCode ? ((await host.db.select({ id: jurisdictions.id }).from(jurisdictions).where(eq(jurisdictions.code, exp.groupCode)))[0]?.id ?? null) : null;
  if (exp.groupCode && !centreId) return fail('the group no longer exists');
  const filter: ExportFilter = { actor: client.actor, centreId, since: exp.since, identified: showsIdentifiers(client.actor, 'export') };

  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await host.db.update(fhirExports).set({ status: 'running', progress: 0 }).where(eq(fhirExports.id, exp.id));
  const output: { type: string; file: string; count: number }[] = [];
  let total = 0;
  try {
    for (const type of exp.types as ExportType[]) {
      const file = `${type}.ndjson`;
      const ws = createWriteStream(path.join(dir, file));
      let count = 0;
      let chunks = 0;
      for await (const chunk of ndjsonOf(host, type, filter)) {
        if (!ws.write(chunk.text)) await once(ws, 'drain');
        count += chunk.count;
        if (++chunks % CHECK_EVERY === 0) {
          if (await isCancelled(host.db, exp.id)) {
            ws.destroy();
            await rm(dir, { recursive: true, force: true });
            return;
          }
          await host.db.update(fhirExports).set({ progress: total + count }).where(eq(fhirExports.id, exp.id));
        }
      }
      ws.end();
      await once(ws, 'close');
      total += count;
      if (count > 0) output.push({ type, file, count });
      else await rm(path.join(dir, file), { force: true });
    }
  } catch (err) {
    await fail('the export failed; ask again');
    throw err;
  }
  if (await isCancelled(host.db, exp.id)) {
    await rm(dir, { recursive: true, force: true });
    return;
  }
  await withTransaction(host.db, { actor: client.actor, now: host.now() }, async (ctx) => {
    await ctx.tx.update(fhirExports).set({ status: 'completed', output, progress: total, completedAt: ctx.now }).where(eq(fhirExports.id, exp.id));
    await writeAudit(ctx, { action: 'export', entity: 'fhir_export', entityId: exp.id, details: { via: 'fhir', group: exp.groupCode, counts: Object.fromEntries(output.map((o) => [o.type, o.count])) } });
  });
}
