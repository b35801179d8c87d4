import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { flows, flowVersions } from '../../../db/schema';
import { defaultFlows, FLOW_SPEC_VERSION, type FlowDefinition } from '../../flows';

const DEFAULTS: { key: string; ja: string; en: string; definition: () => FlowDefinition }[] = [
  { key: 'patient-daily', ja: '毎日の健康観察（患者）', en: 'Daily check (patients)', definition: () => defaultFlows.patientDaily },
  { key: 'contact-daily', ja: '毎日の健康観察（濃厚接触者）', en: 'Daily check (close contacts)', definition: () => defaultFlows.contactDaily },
  { key: 'child-daily', ja: '毎日の健康観察（子ども）', en: 'Daily check (children)', definition: () => defaultFlows.childDaily },
  { key: 'facility-daily', ja: '施設一括報告（入所者）', en: 'Facility round (residents)', definition: () => defaultFlows.facilityDaily },
];

/**
 * The default flows, published as version 1 when a flow of that key does not exist yet.
 * Idempotent, and safe when several processes start at once. Each flow and its first
 * version commit together, so a crash never leaves a flow without a version; a flow left
 * without one by an older start is given its version 1 here.
 */
export async function ensureDefaultFlows(db: DbOrTx): Promise<void> {
  for (const d of DEFAULTS) {
    await db.transaction(async (tx) => {
      await tx.insert(flows).values({ key: d.key, nameJa: d.ja, nameEn: d.en }).onConflictDoNothing();
      const [flow] = await tx.select({ id: flows.id }).from(flows).where(eq(flows.key, d.key));
      const [anyVersion] = await tx.select({ id: flowVersions.id }).from(flowVersions).where(eq(flowVersions.flowId, flow!.id)).limit(1);
      if (anyVersion) return;
      await tx
        .insert(flowVersions)
        .values({ flowId: flow!.id, version: 1, status: 'published', specVersion: FLOW_SPEC_VERSION, definition: d.definition(), publishedAt: new Date() })
        .onConflictDoNothing();
    });
  }
}
