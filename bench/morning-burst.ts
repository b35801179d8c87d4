/**
 * Morning burst: while the 09:00 round is still being dispatched to the LINE stand-in,
 * simulated patients answer it at --rate signed webhook events/s for --seconds; each
 * patient answers the close-contact check one question at a time, sending the next answer
 * only when the app's reply reached their phone (the stand-in), and 1 % answer
 * 「息苦しさ: はい」, which the default flow rates red. A nurse's console (national admin,
 * signed in over HTTP) listens to the triage server-sent-event stream. Figures: red answer
 * webhook → alert notice on the stream p50/p99, events lost, duplicates.
 * Run: npx tsx bench/morning-burst.ts [--persons 100000] [--rate 1000] [--seconds 60]
 */
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { queryRows } from '../db/client';
import { parseArgs } from '../src/cli/command';
import { runTick } from '../src/jobs/tick';
import { createBenchNurse, startBenchApp } from './support/bench-app';
import { listenToTriage, signIn } from './support/console-client';
import { machineInfo } from './support/machine';
import { AnsweringPatients, answerEvent, buttonsIn, CONTACT_ANSWERS as ANSWERS, RED_STEP, type Patient } from './support/answering-patients';
import { generatePersons } from './support/round-data';
import { startLineStandIn, type LineDelivery } from './stand-ins/line-api';

const args = parseArgs(process.argv.slice(2));
const persons = Number(args.flags.persons ?? 100_000);
const rate = Number(args.flags.rate ?? 1000);
const seconds = Number(args.flags.seconds ?? 60);
const redShare = Number(args.flags.red ?? 0.01);
const SECRET = 'bench-burst-secret';
const at = Date.parse('2026-12-01T00:00:00Z'); // 09:00 in Tokyo
const started = Date.now();
const now = () => new Date(at + (Date.now() - started)); // the bench's clock: 09:00 JST, running in real time

const step = (what: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${what}\n`);
const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : null);

async function main() {
  // Answering the next question as soon as the reply arrives, as a person with the chat open
  // does: they go before those still to start, so a red answer at step 3 happens in the burst.
  const phones = new AnsweringPatients();
  const { patients, continuing, replyTokens, repliesPerToken } = phones;
  const ready: Patient[] = []; // reached by the round's multicast, first answer still to give
  let readyHead = 0;
  let startedPatients = 0;
  let lastMulticastAt = 0;
  const onDelivery = (d: LineDelivery) => {
    if (d.endpoint === 'multicast') {
      lastMulticastAt = Date.now();
      for (const userId of d.to) {
        const p: Patient = { userId, step: 0, red: false, awaiting: false, buttons: buttonsIn(d.messages) };
        patients.set(userId, p);
        ready.push(p);
      }
      return;
    }
    phones.onReply(d);
  };
  const line = await startLineStandIn({ channelSecret: SECRET, recordDeliveries: false, recordRecipients: false, onDelivery });
  const app = await startBenchApp({ now, workers: true, env: { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: 'bench', LINE_API_BASE_URL: line.url } });
  const { deps } = app;
  const webhookUrl = `${app.url}/webhooks/line`;
  let console_: { close: () => void } | undefined;
  try {
    step('app started; generating persons');
    await generatePersons(deps.db, persons);
    step('signing in to the console');
    await deps.db.execute(sql`analyze`);
    const firstNotice = new Map<string, number>();
    const raisedNotices = new Map<string, number>();
    const nurse = await createBenchNurse(deps, '13-bench');
    const cookie = await signIn(app.url, nurse.email, nurse.password);
    step('signed in; opening the triage stream');
    console_ = await listenToTriage(app.url, cookie, (n) => {
      if (!firstNotice.has(n.alertId)) firstNotice.set(n.alertId, n.at);
      if (n.event === 'raised') raisedNotices.set(n.alertId, (raisedNotices.get(n.alertId) ?? 0) + 1);
    });

    step('console stream open; the round starts');
    // The round: sessions created and multicasts enqueued; the dispatch workers send them meanwhile.
    const roundStart = Date.now();
    const tickP = runTick(deps, now());

    const redSentAt = new Map<string, number>();
    let redTapped = 0; // red answers sent as a tap on the button marked red (u=1): the urgent lane
    const accepted = new Set<string>();
    const intakeMs: number[] = [];
    let sent = 0;
    let refused = 0;
    let failed = 0;
    const failures = new Map<string, number>();
    let starved = 0;
    const inFlight = new Set<Promise<void>>();
    await new Promise<void>((r) => setTimeout(r, 0));
    while (ready.length === 0) await new Promise((r) => setTimeout(r, 5)); // the first prompt reached a phone
    step('first prompt delivered; patients answer');
    const burstStart = Date.now();
    while (Date.now() - burstStart < seconds * 1000) {
      const due = Math.floor(((Date.now() - burstStart) / 1000) * rate);
      // Never past the end: if this process cannot keep up, the shortfall is reported, not sent late.
      while (sent < due && Date.now() - burstStart < seconds * 1000) {
        const p = continuing.length > 0 ? continuing.shift() : readyHead < ready.length ? ready[readyHead++] : undefined;
        if (!p) {
          starved += due - sent;
          sent = due; // the rate is kept: a second with nobody ready counts as missed, not sent later
          break;
        }
        if (p.step === 0) p.red = startedPatients++ % Math.round(1 / redShare) === 0;
        const red = p.red && p.step === RED_STEP;
        const event = answerEvent(p, red ? 'はい' : ANSWERS[p.step]!, now().getTime());
        replyTokens.set(event.replyToken, p.userId);
        p.awaiting = true;
        sent++;
        const t = Date.now();
        if (red && 'postback' in event && event.postback.data.endsWith('&u=1')) redTapped++;
        if (red) redSentAt.set(p.userId, t);
        const f = line.sendWebhook(event, { url: webhookUrl }).then(
          (r) => {
            intakeMs.push(r.ms);
            if (r.status === 200) accepted.add(event.webhookEventId);
            else refused++;
          },
          (err: Error) => {
            failed++;
            const why = (err.cause as Error | undefined)?.message ?? err.message;
            failures.set(why, (failures.get(why) ?? 0) + 1);
          },
        );
        inFlight.add(f);
        void f.finally(() => inFlight.delete(f));
      }
      if (readyHead > 100_000) {
        ready.splice(0, readyHead);
        readyHead = 0;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const burstSeconds = (Date.now() - burstStart) / 1000;
    const burstEnd = Date.now();
    const behind = Math.max(0, Math.floor(seconds * rate) - sent);
    await Promise.all([...inFlight]);
    const tick = await tickP;
    step('burst over; draining');
    // Drain: every accepted event processed, every red answer's alert on the stream (≤ 90 s).
    const drainStart = Date.now();
    let unprocessed = -1;
    while (Date.now() - drainStart < 90_000) {
      [{ n: unprocessed }] = (await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from inbound_events where processed_at is null`)) as [{ n: number }];
      if (unprocessed === 0 && firstNotice.size >= redSentAt.size) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const drainSeconds = (Date.now() - drainStart) / 1000;

    const stored = await queryRows<{ id: string; processed: boolean }>(deps.db, sql`select provider_event_id as id, processed_at is not null as processed from inbound_events where provider = 'line'`);
    const processedIds = new Set(stored.filter((r) => r.processed).map((r) => r.id));
    // Lost: answered 200 but not stored (a stored event is processed later, whatever happens to
    // this process); still unprocessed when the drain gave up is reported apart.
    const storedIds = new Set(stored.map((r) => r.id));
    const lost = [...accepted].filter((id) => !storedIds.has(id)).length;
    const notYetProcessed = [...accepted].filter((id) => storedIds.has(id) && !processedIds.has(id)).length;
    const [dup] = await queryRows<{ events: number; observations: number; alerts: number }>(deps.db, sql`select
      (select count(*) - count(distinct provider_event_id) from inbound_events)::int as events,
      (select count(*) from (select 1 from observations group by session_id, question_id having count(*) > 1) d)::int as observations,
      (select count(*) from (select 1 from alerts where session_id is not null group by session_id having count(*) > 1) d)::int as alerts`);
    const alertUsers = await queryRows<{ id: string; userId: string; severity: string }>(deps.db, sql`select a.id, pc.address as "userId", a.severity from alerts a join person_channels pc on pc.person_id = a.person_id and pc.kind = 'line'`);
    const latencies: number[] = [];
    let redAlerts = 0;
    for (const a of alertUsers) {
      if (a.severity !== 'red') continue;
      redAlerts++;
      const sentAt = redSentAt.get(a.userId);
      const seen = firstNotice.get(a.id);
      if (sentAt !== undefined && seen !== undefined) latencies.push(seen - sentAt);
    }
    latencies.sort((a, b) => a - b);
    intakeMs.sort((a, b) => a - b);
    // What the workers got through while the answers were coming in (the sustainable rate);
    // processed_at is on the app's clock, the bench's 09:00 running in real time.
    const [throughput] = await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from inbound_events
      where processed_at >= ${new Date(at + burstStart - started).toISOString()}::timestamptz and processed_at < ${new Date(at + burstEnd - started).toISOString()}::timestamptz`);
    const [prompted] = await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from check_sessions where status <> 'pending'`);
    const figures = {
      bench: 'morning-burst',
      ...machineInfo(),
      loadAverage1m: os.loadavg()[0],
      persons,
      targetEventsPerSecond: rate,
      seconds,
      eventsSent: accepted.size + refused + failed,
      eventsPerSecond: Math.round((accepted.size + refused + failed) / burstSeconds),
      eventsMissedNobodyReady: starved,
      eventsMissedGeneratorBehind: behind,
      webhookAccepted: accepted.size,
      webhookRefused: refused,
      webhookFailed: failed,
      webhookFailures: Object.fromEntries(failures),
      webhookP50Ms: Math.round(pct(intakeMs, 50) ?? 0),
      webhookP99Ms: Math.round(pct(intakeMs, 99) ?? 0),
      roundSessions: tick.created,
      roundLastPromptAcceptedSeconds: lastMulticastAt ? (lastMulticastAt - roundStart) / 1000 : null,
      roundStillDispatchingWhenBurstEnded: lastMulticastAt > burstStart + seconds * 1000,
      sessionsPromptedOrAnswered: prompted!.n,
      patientsStarted: startedPatients,
      answersReplied: [...repliesPerToken.keys()].length,
      redAnswers: redSentAt.size,
      redAnswersTappedUrgent: redTapped,
      redAlerts,
      redAlertsSeenOnStream: latencies.length,
      redToConsoleP50Ms: pct(latencies, 50),
      redToConsoleP99Ms: pct(latencies, 99),
      redToConsoleMaxMs: latencies.at(-1) ?? null,
      processedPerSecondDuringBurst: Math.round(throughput!.n / burstSeconds),
      drainSeconds,
      eventsLost: lost,
      acceptedNotYetProcessedAfterDrain: notYetProcessed,
      duplicateEvents: dup!.events,
      duplicateObservations: dup!.observations,
      duplicateAlerts: dup!.alerts,
      duplicateAlertNotices: [...raisedNotices.values()].filter((n) => n > 1).length,
      duplicateReplies: phones.sentTwice(),
      line429: line.stats.rejected429,
    };
    console.log(JSON.stringify(figures));
    console.log(
      [
        `morning burst: ${figures.eventsSent.toLocaleString()} LINE answers in ${burstSeconds.toFixed(0)} s (${figures.eventsPerSecond}/s of ${rate}/s asked) while a round of ${persons.toLocaleString()} was dispatched (${figures.cpus} CPUs, node ${figures.node}, ${figures.revision}, load ${(figures.loadAverage1m ?? 0).toFixed(1)})`,
        `  webhook answered: p50 ${figures.webhookP50Ms} ms, p99 ${figures.webhookP99Ms} ms; ${refused} refused, ${failed} failed; round's last prompt accepted ${figures.roundLastPromptAcceptedSeconds?.toFixed(1)} s after its start`,
        `  answers processed during the burst: ${figures.processedPerSecondDuringBurst}/s (flow engine, observations, alerts, reply)`,
        `  red answers ${redSentAt.size} (${redTapped} tapped on the button marked red: the urgent lane), red alerts ${redAlerts}, seen on the console stream ${latencies.length}: p50 ${figures.redToConsoleP50Ms} ms, p99 ${figures.redToConsoleP99Ms} ms`,
        `  lost ${lost} (accepted, not stored), still unprocessed when the drain stopped ${notYetProcessed}; duplicates: events ${dup!.events}, observations ${dup!.observations}, alerts ${dup!.alerts}, stream notices ${figures.duplicateAlertNotices}, replies ${figures.duplicateReplies}; drained in ${drainSeconds.toFixed(1)} s`,
      ].join('\n'),
    );
  } finally {
    console_?.close();
    await app.close();
    await line.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
