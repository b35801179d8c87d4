import { lineInboundJob, lineUrgentInboundJob } from './line-inbound';
import { lineOutboundJob } from './line-outbound';
import { processTwilioSms } from './twilio-sms-inbound';
import { processTwilioStatus } from './twilio-status-inbound';
import type { JobDefinition } from './define';
import { DISPATCH_JOBS } from './dispatch';
import { closingNoticeJob } from './closing-notice';
import { certificateNoticeJob } from './certificate-notice';
import { facilityRoundLinkJob } from './facility-round-link';
import { retentionEraseJob, retentionSweepJob } from './retention';
import { fhirExportCleanupJob, fhirExportJob } from './fhir-export';
import { followUpCallJob, nonResponderJob } from './follow-ups';
import { personImportJob } from './person-import';
import { tickJob } from './tick';

/** Every job the workers know. Add a job here when you add its file. */
export const ALL_JOBS: readonly JobDefinition[] = [
  // rounds, dispatch and the reminder chain (src/jobs/tick.ts)
  tickJob,
  ...Object.values(DISPATCH_JOBS),
  followUpCallJob,
  nonResponderJob,
  closingNoticeJob,
  certificateNoticeJob, // 療養証明書 link by LINE / SMS
  facilityRoundLinkJob, // a facility round's link to its staff contacts (SMS / LINE / mail)
  // deletion after RETENTION_DAYS (src/jobs/retention.ts)
  retentionSweepJob,
  retentionEraseJob,
  // LINE webhook events (src/bot/line)
  lineInboundJob,
  lineUrgentInboundJob, // the urgent lane: a tapped red answer
  lineOutboundJob,
  // Twilio SMS and status callbacks (src/bot/sms, src/bot/twilio)
  processTwilioSms,
  processTwilioStatus,
  // Bulk person imports (src/domain/imports)
  personImportJob,
  // FHIR Bulk Data exports (src/fhir)
  fhirExportJob,
  fhirExportCleanupJob,
];
