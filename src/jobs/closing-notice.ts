import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../db/client';
import { jurisdictions, persons } from '../../db/schema';
import type { Deps } from '../deps';
import { systemActor, withTransaction } from '../domain/context';
import { parseQuietHours, quietHoursSql } from '../domain/rounds/quiet-hours';
import { localize, type Lang, type Localized } from '../flows';
import { defineJob, withJobIds } from './define';

const TEXT: Localized = {
  ja: '【見守り】健康観察の期間が終わりました。ご協力ありがとうございました。これからの毎日の報告は不要です。体調が悪くなったときは{centre}（{phone}）にご相談ください。',
  en: '[Mimamori] Your health monitoring period has ended. Thank you. You no longer need to report every day. If you feel unwell, please call {centre} ({phone}).',
  'ja-easy': '【みまもり】けんこう チェックは おわりです。ありがとう ございました。ぐあいが わるく なったら {centre}（{phone}）に でんわ して ください。',
};

/** The same, spoken slowly on a short call to a voice-only person (read twice: no keypad, nothing to answer). */
const SPOKEN: Record<'ja' | 'en' | 'ja-easy', string[]> = {
  ja: ['こちらは保健所の健康観察の自動音声です。', '健康観察の期間が終わりました。ご協力ありがとうございました。', 'これからの毎日の報告は必要ありません。', '体調が悪くなったときは、{centre}、電話番号 {phone} にご相談ください。'],
  en: ['This is the automated health check line.', 'Your health monitoring period has ended. Thank you.', 'You no longer need to report every day.', 'If you feel unwell, please call {centre} on {phone}.'],
  'ja-easy': ['ほけんじょの けんこう チェックの でんわです。', 'けんこう チェックは おわりです。ありがとう ございました。', 'ぐあいが わるく なったら、{centre}、でんわ ばんごう {phone} に でんわ して ください。'],
};
/** The spoken lines in any language: each English line through the phrasebook. */
const spokenIn = (lang: Lang): string[] =>
  lang === 'ja' || lang === 'ja-easy' ? SPOKEN[lang] : SPOKEN.en.map((en, i) => localize({ ja: SPOKEN.ja[i] ?? '', en }, lang));

/**
 * The closing message when monitoring ends (planned end reached, or ended by staff), sent
 * once, on the person's own channel: LINE people by LINE, SMS people by SMS, voice people
 * by a short call that says it (they chose voice because they listen rather than read);
 * the other routes when theirs cannot be used (see planNotice). Never in quiet hours.
 */
export const closingNoticeJob = defineJob({
  name: 'rounds.closing-notice',
  queue: 'rounds',
  version: 1,
  payload: z.object({ personId: z.uuid() }),
  jobId: ({ personId }) => `closing:${personId}`,
  handler: async ({ personId }, deps: Deps) => {
    const plan = await withTransaction(deps.db, { actor: systemActor('closing-notice'), now: deps.now() }, async (ctx) => {
      const [p] = await ctx.tx
        .select({ end: persons.monitoringActualEnd, channel: persons.preferredChannel, centre: jurisdictions.nameJa, centreEn: jurisdictions.nameEn, phone: jurisdictions.phone })
        .from(persons)
        .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
        .where(and(eq(persons.id, personId), eq(persons.status, 'monitoring_ended')));
      if (!p) return null; // extended or changed meanwhile
      const fill = (lang: Lang, t: string) => t.replace('{centre}', lang === 'ja' || lang === 'ja-easy' || lang === 'zh-Hans' ? p.centre : p.centreEn).replace('{phone}', p.phone ?? '—');
      return deps.channels.planNotice(deps, ctx, {
        personId,
        kind: 'closing',
        retryKey: `closing:${personId}:${p.end ?? 'ended'}`,
        channel: p.channel,
        text: (who) => fill(who.lang, localize(TEXT, who.lang)),
        spoken: (who) => [...spokenIn(who.lang), ...spokenIn(who.lang).slice(1)].map((line) => fill(who.lang, line)),
      });
    });
    await deps.channels.deliverNotice(deps, plan);
  },
});

/**
 * Persons whose monitoring ended in the last two days and who have no closing message on
 * record yet (whoever ended it: the tick or a nurse): the tick enqueues their notice —
 * outside quiet hours in the person's zone (monitoring ends at local midnight; the message
 * waits for the morning whatever the channel, nothing about it is urgent).
 */
export async function enqueueClosingNotices(deps: Deps, now: Date, limit: number): Promise<number> {
  const quiet = quietHoursSql(sql`j.time_zone`, now, parseQuietHours(deps.env.QUIET_HOURS), sql`j.quiet_hours`);
  const rows = await queryRows<{ id: string }>(
    deps.db,
    sql`select p.id from persons p join jurisdictions j on j.id = p.responsible_centre_id
        where p.status = 'monitoring_ended' and p.updated_at > ${new Date(now.getTime() - 2 * 86_400_000).toISOString()}::timestamptz
          -- (the end date, a local date, is within the same days: the partial index persons_actual_end_idx finds them)
          and p.monitoring_actual_end >= ${new Date(now.getTime() - 3 * 86_400_000).toISOString().slice(0, 10)}::date
          and not ${quiet.inQuiet}
          and not exists (select 1 from outbound_messages o where o.person_id = p.id and o.kind = 'closing')
        limit ${limit}`,
  );
  await deps.jobs.triggerBulk(closingNoticeJob, withJobIds(closingNoticeJob, rows.map((r) => ({ personId: r.id }))));
  return rows.length;
}
