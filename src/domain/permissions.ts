import type { StaffRole } from '../../db/schema';
import type { Actor } from './context';
import { ForbiddenError } from './errors';

/**
 * The one table of which staff role may perform each domain verb (issue 19.4). Every verb
 * calls requirePermission(ctx.actor, '<verb>') first; scope (which persons, which centre)
 * is checked after that by the verb itself (access.ts). Actors that are not staff — the
 * system (jobs, sign-in, CLI), a patient on a channel, a webhook — are not limited here:
 * the doors that build them decide what they may reach.
 *
 * Clinicians (医療機関) report persons and their test results and read what they
 * reported; everything that acts for the health centre — triage, notes, link codes,
 * sending checks, status, transfers — is the centre's. tests/security/verb-permissions
 * calls every verb of this table as every role, and fails when a verb is missing here.
 */
const CENTRE: readonly StaffRole[] = ['nurse', 'centre_admin', 'prefecture_officer', 'national_officer'];
const ADMINS: readonly StaffRole[] = ['centre_admin', 'prefecture_officer', 'national_officer'];
const EVERY: readonly StaffRole[] = [...CENTRE, 'clinician'];
const NONE: readonly StaffRole[] = []; // system, patients and webhooks only

export const PERMISSIONS = {
  // alerts
  listAlerts: EVERY,
  getAlert: EVERY,
  alertReasons: EVERY,
  assignableStaff: CENTRE,
  acknowledgeAlert: CENTRE,
  assignAlert: CENTRE,
  noteAlert: CENTRE,
  resolveAlert: CENTRE,
  raiseAlert: CENTRE,
  // checks
  startCheck: CENTRE,
  beginSession: NONE,
  answerCheck: NONE,
  issueWebLink: CENTRE,
  // persons
  registerPerson: EVERY,
  listPersons: EVERY,
  getPerson: EVERY,
  personObservations: EVERY,
  updatePerson: CENTRE,
  changePersonStatus: CENTRE,
  addPersonNote: CENTRE,
  addContact: CENTRE,
  updateContact: CENTRE,
  removeContact: CENTRE,
  addTestRecord: EVERY,
  updateTestRecord: EVERY,
  issueLinkCode: CENTRE,
  linkLineUser: NONE,
  sendCheckNow: CENTRE,
  transferPerson: CENTRE,
  sharePerson: CENTRE,
  // rounds
  endMonitoring: CENTRE,
  extendMonitoring: CENTRE,
  raiseNonResponder: NONE,
  raiseNotSent: NONE,
  // flows
  createFlow: ADMINS,
  createDraft: CENTRE,
  updateDraft: CENTRE,
  publishFlowVersion: ADMINS,
  archiveFlowVersion: ADMINS,
  // reports and audit
  getStats: EVERY,
  browseAuditLog: ADMINS,
  // staff
  listStaff: ADMINS,
  createStaff: ADMINS,
  updateStaff: ADMINS,
  changeStaffRole: ADMINS,
  setStaffDisabled: ADMINS,
  inviteStaff: ADMINS,
  listAssignableScopes: ADMINS,
  resetStaffPassword: ADMINS,
  resetStaffTotp: ADMINS,
  peekInvitation: NONE,
  acceptInvitation: NONE,
  signIn: NONE,
  changePassword: EVERY,
  beginTotpEnrolment: EVERY,
  checkTotp: EVERY,
  issueRecoveryCodes: EVERY,
  createApiToken: EVERY,
  revokeApiToken: EVERY,
  // operations
  operateJobQueue: ['national_officer'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Verb = keyof typeof PERMISSIONS;

/** Where a refusal has its own words (otherwise: 「この操作はあなたの役割では行えません」). */
const REFUSALS: Partial<Record<Verb, { en: string; ja: string }>> = {
  publishFlowVersion: { en: 'only a centre administrator or above may publish a flow or archive a published version', ja: '質問フローの公開（公開中の版のアーカイブを含む）は保健所管理者以上のみが行えます' },
  archiveFlowVersion: { en: 'only a centre administrator or above may publish a flow or archive a published version', ja: '質問フローの公開（公開中の版のアーカイブを含む）は保健所管理者以上のみが行えます' },
  createFlow: { en: 'only a centre administrator or above may create a flow', ja: '質問フローの作成は保健所管理者以上のみが行えます' },
};

/** The refusal of a role (as opposed to scope or state): 403 with the Japanese message. */
export class RoleForbiddenError extends ForbiddenError {
  constructor(readonly verb: Verb) {
    super(REFUSALS[verb]?.en, REFUSALS[verb]?.ja);
  }
}

export function mayPerform(actor: Actor, verb: Verb): boolean {
  if (actor.kind !== 'staff') return true;
  return (PERMISSIONS[verb] as readonly StaffRole[]).includes(actor.role);
}

/** First line of every verb: throws RoleForbiddenError when the actor's role may not perform it. */
export function requirePermission(actor: Actor, verb: Verb): void {
  if (!mayPerform(actor, verb)) throw new RoleForbiddenError(verb);
}
