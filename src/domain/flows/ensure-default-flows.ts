import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { flows, flowVersions } from '../../../db/schema';
import { defaultFlows, FLOW_SPEC_VERSION, type FlowDefinition } from '../../flows';

const DEFAULTS: { key: string; ja: string; en: string; definition: () => FlowDefinition }[] = [
  { key: 'patient-daily', ja: '毎日の健康観察（患者）', en: 'Daily check (patients)', definition: () => defaultFlows.patientDaily },
  { key: 'contact-daily', ja: '毎日の健康観察（濃厚接触者）', en: 'Daily check (close contacts)', definition: () => defaultFlows.contactDaily },
];

/** The default flows, published as version 1 when a flow of that key does not exist yet. Idempotent. */
export async function ensureDefaultFlows(db: DbOrTx): Promise<void> {
  for (const d of DEFAULTS) {
    const [existing] = await db.select({ id: flows.id }).from(flows).where(eq(flows.key, d.key));
    if (existing) continue;
    const [flow] = await db.insert(flows).values({ key: d.key, nameJa: d.ja, nameEn: d.en }).onConflictDoNothing().returning({ id: flows.id });
    if (!flow) continue;
    await db.insert(flowVersions).values({ flowId: flow.id, version: 1, status: 'published', specVersion: FLOW_SPEC_VERSION, definition: d.definition(), publishedAt: new Date() });
  }
}
