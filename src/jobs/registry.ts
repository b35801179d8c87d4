import { lineInboundJob } from '../bot/line/inbound-job';
import { lineOutboundJob } from '../bot/line/outbound-job';
import { processTwilioSms } from '../bot/sms/inbound-job';
import { processTwilioStatus } from '../bot/twilio/status-job';
import type { JobDefinition } from './define';
import { DISPATCH_JOBS } from './dispatch';
import { closingNoticeJob } from './closing-notice';
import { fhirExportCleanupJob, fhirExportJob } from './fhir-export';
import { followUpCallJob, nonResponderJob } from './follow-ups';
import { tickJob } from './tick';

/** Every job the workers know. Add a job here when you add its file. */
export const ALL_JOBS: readonly JobDefinition[] = [
  // rounds, dispatch and the reminder chain (src/jobs/tick.ts)
  tickJob,
  ...Object.values(DISPATCH_JOBS),
  followUpCallJob,
  nonResponderJob,
  closingNoticeJob,
  // LINE webhook events (src/bot/line)
  lineInboundJob,
  lineOutboundJob,
  // Twilio SMS and status callbacks (src/bot/sms, src/bot/twilio)
  processTwilioSms,
  processTwilioStatus,
  // FHIR Bulk Data exports (src/fhir)
  fhirExportJob,
  fhirExportCleanupJob,
];
