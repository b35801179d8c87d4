import type { notifications } from '../../../db/schema';
import type { NotificationFields } from './notification-input';

export interface NotificationSummary {
  id: string;
  status: string;
  name: string | null;
  nameKana: string | null;
  diagnosisClass: string | null;
  institution: { code: string; name: string };
  centre: { code: string; nameJa: string; nameEn: string } | null; // 届出先 (居住地管轄)
  reportingCentreCode: string;
  /** Why it stayed with the reporting centre: the address named no one centre of residence. */
  routingNote: string | null;
  personId: string | null;
  reply: string | null;
  submittedAt: string | null;
  decidedAt: string | null;
  updatedAt: string;
}

type Row = typeof notifications.$inferSelect;

export function notificationSummary(
  n: Row,
  institution: { code: string; name: string },
  centre: { code: string; nameJa: string; nameEn: string } | null,
  reportingCentreCode: string,
): NotificationSummary {
  const f = n.fields as NotificationFields;
  return {
    id: n.id,
    status: n.status,
    name: f.name ?? null,
    nameKana: f.nameKana ?? null,
    diagnosisClass: f.diagnosisClass ?? null,
    institution,
    centre,
    reportingCentreCode,
    routingNote: n.routingNote,
    personId: n.personId,
    reply: n.reply,
    submittedAt: n.submittedAt?.toISOString() ?? null,
    decidedAt: n.decidedAt?.toISOString() ?? null,
    updatedAt: n.updatedAt.toISOString(),
  };
}
