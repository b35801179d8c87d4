// throwaway (not committed): generate the national data set into a kept database
import postgres from 'postgres';
import { createDb, migrateDb } from '../db/client';
import { ensureReferenceData } from '../db/seed/reference-data';
import { ensureDefaultFlows } from '../src/domain/flows/ensure-default-flows';
import { generateNation } from './support/national-data';
const name = process.argv[2] ?? 'mimamori_scale';
const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${name} with (force)`);
await admin.unsafe(`create database ${name}`);
const h = await createDb({ url: `postgres://postgres@127.0.0.1:5432/${name}` });
await migrateDb(h); await ensureReferenceData(h.db); await ensureDefaultFlows(h.db);
await h.close();
const pg = postgres(`postgres://postgres@127.0.0.1:5432/${name}`, { max: 1, onnotice: () => {} });
const t0 = Date.now();
console.log(JSON.stringify(await generateNation(pg, { persons: Number(process.argv[3] ?? 1500000), observations: Number(process.argv[4] ?? 30000000), today: '2026-12-01' })), (Date.now() - t0) / 1000);
await pg.end(); await admin.end();
