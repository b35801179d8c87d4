import { runTick } from '../jobs/tick';
import { CliUsageError, type CliCommand } from './command';

/**
 * Run one tick of the rounds by hand (operators, tests): create the due sessions, enqueue
 * their dispatch, the reminder chain and the sweeper, exactly as the scheduled tick does.
 * The workers (npm start) do the sending.
 */
export const runRoundCommand: CliCommand = {
  name: 'run-round',
  summary: 'run one scheduler tick now (or as if at --at): due rounds, dispatch, reminders, end of monitoring, sweeper',
  usage: 'run-round [--at 2026-11-24T09:00:00+09:00]',
  async run(args, deps, out) {
    const raw = args.flags.at;
    let at = deps.now();
    if (raw !== undefined) {
      if (typeof raw !== 'string' || Number.isNaN(Date.parse(raw))) throw new CliUsageError('--at must be an ISO time such as 2026-11-24T09:00:00+09:00');
      at = new Date(raw);
    }
    const s = await runTick(deps, at);
    out(`tick at ${s.at}`);
    out(`  sessions created: ${s.created} (waiting for the end of quiet hours: ${s.createdWaitingForQuietHours}), dispatch jobs: ${s.dispatchJobs}, re-sent: ${s.resent}`);
    out(`  reminders: ${s.reminders}, calls: ${s.calls}, non-responder alerts: ${s.nonResponderAlerts}, closed as missed: ${s.expired} (never sent, alerted: ${s.notSentAlerts})`);
    out(`  monitoring ended: ${s.monitoringEnded}, planned ends filled: ${s.plannedEndsFilled}, inbound events re-enqueued: ${s.inboundSwept}`);
    if (s.enqueueFailed) out('  Redis did not take every job; the next tick enqueues the rest from PostgreSQL.');
    return s.enqueueFailed ? 2 : 0;
  },
};
