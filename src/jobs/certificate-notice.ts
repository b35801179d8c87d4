import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { certificates, persons } from '../../db/schema';
import type { Deps } from '../deps';
import { CERTIFICATE_LINK_DAYS, certificateUrl } from '../domain/certificates/certificate-link';
import { systemActor, withTransaction } from '../domain/context';
import { localize, type Localized } from '../flows';
import { defineJob } from './define';

const TEXT: Localized = {
  ja: `【見守り】{kind}を発行しました。次のリンクからPDFをダウンロードできます（${CERTIFICATE_LINK_DAYS}日間有効）。\n{url}`,
  en: `[Mimamori] Your {kind} has been issued. Download the PDF here (valid for ${CERTIFICATE_LINK_DAYS} days):\n{url}`,
  'ja-easy': `【みまもり】{kind}が できました。つぎの リンクから PDFを ダウンロード できます（${CERTIFICATE_LINK_DAYS}にち つかえます）。\n{url}`,
};
const KIND: Record<'recuperation' | 'work_restriction', Localized> = {
  recuperation: { ja: '療養証明書', en: 'certificate of recuperation', 'ja-easy': 'りょうよう しょうめいしょ' },
  work_restriction: { ja: '就業制限通知書', en: 'notice of work restriction', 'ja-easy': 'しゅうぎょう せいげん つうちしょ' },
};

/**
 * The certificate link sent to the person when staff issue a certificate: by LINE to a LINE
 * person (SMS otherwise, see planNotice), once (retry key per certificate). The URL carries
 * only the signed certificate token; the payload only the certificate id.
 */
export const certificateNoticeJob = defineJob({
  name: 'certificates.notice',
  queue: 'rounds',
  version: 1,
  payload: z.object({ certificateId: z.uuid() }),
  jobId: ({ certificateId }) => `certificate-notice:${certificateId}`,
  handler: async ({ certificateId }, deps: Deps) => {
    const now = deps.now();
    const url = await certificateUrl(deps.env, certificateId, now);
    const plan = await withTransaction(deps.db, { actor: systemActor('certificate-notice'), now }, async (ctx) => {
      const [c] = await ctx.tx
        .select({ personId: certificates.personId, kind: certificates.kind, revokedAt: certificates.revokedAt, channel: persons.preferredChannel })
        .from(certificates)
        .innerJoin(persons, eq(persons.id, certificates.personId))
        .where(eq(certificates.id, certificateId));
      if (!c || c.revokedAt) return null;
      return deps.channels.planNotice(deps, ctx, {
        personId: c.personId,
        kind: 'certificate',
        retryKey: `certificate:${certificateId}`,
        channel: c.channel === 'voice' ? 'sms' : c.channel,
        text: (who) => localize(TEXT, who.lang).replace('{kind}', localize(KIND[c.kind], who.lang)).replace('{url}', url),
      });
    });
    await deps.channels.deliverNotice(deps, plan);
  },
});
