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
const OFFICERS: readonly StaffRole[] = ['prefecture_officer', 'national_officer'];
const CENTRE_STAFF: readonly StaffRole[] = ['nurse', 'centre_admin']; // those who keep a centre's caseloads
// A facility's own staff (施設職員): its round pages and nothing else — no role list above includes it.
const FACILITY: readonly StaffRole[] = ['facility_reporter'];

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
  choosePatientLanguage: NONE, // the patient, for themselves (LINE / SMS language command)
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
  // households and facilities (issue 20)
  createHousehold: CENTRE,
  getHousehold: EVERY,
  addHouseholdMember: CENTRE,
  removeHouseholdMember: CENTRE,
  setHouseholdReporter: CENTRE,
  setHouseholdContact: CENTRE,
  issueHouseholdContactLinkCode: CENTRE, // the contact's LINE link code (household card)
  unlinkHouseholdContactLine: CENTRE,
  issueFacilityContactLinkCode: CENTRE, // a facility contact's LINE link code (facility page)
  actOnHousehold: CENTRE,
  joinReportersHousehold: CENTRE,
  createFacility: CENTRE,
  addFacilityResident: CENTRE,
  removeFacilityResident: CENTRE,
  issueFacilityRoundLink: CENTRE,
  listFacilities: CENTRE,
  getFacility: CENTRE, // names residents: audited
  updateFacility: CENTRE,
  setFacilityActive: CENTRE,
  facilityCandidates: CENTRE, // names persons: audited
  resendFacilityRoundLink: CENTRE, // 「リンクを再送」
  submitFacilityRound: [...CENTRE, ...FACILITY], // the round link (a system actor), the facility's account, or a nurse entering it for them
  listFacilityRounds: FACILITY, // the facility account's landing page: today's and the open rounds of its facility
  openFacilityRound: FACILITY, // one round page of its facility; names residents: audited
  inviteFacilityAccount: CENTRE, // those who manage the facility (updateFacility)
  listFacilityAccounts: CENTRE,
  setFacilityAccountDisabled: CENTRE,
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
  ownAccount: EVERY, // the account page: one's own second factor and tokens
  // operations
  operateJobQueue: ['national_officer'],
  readInboxBacklog: ['national_officer'],
  // FHIR (src/fhir): a client acts as a service account whose role follows its jurisdiction
  // (centre → centre_admin, prefecture → prefecture_officer, nation → national_officer).
  createFhirClient: OFFICERS,
  listFhirClients: OFFICERS,
  revokeFhirClient: OFFICERS,
  issueAccessToken: NONE, // the token endpoint, as the system; the client is the signed assertion
  searchPatients: ADMINS,
  readPatient: ADMINS,
  searchObservations: ADMINS,
  readObservation: ADMINS,
  searchQuestionnaires: ADMINS,
  readQuestionnaire: ADMINS,
  searchQuestionnaireResponses: ADMINS,
  readQuestionnaireResponse: ADMINS,
  searchFlags: ADMINS,
  readFlag: ADMINS,
  searchOrganizations: ADMINS,
  readOrganization: ADMINS,
  startFhirExport: ADMINS,
  getFhirExport: ADMINS,
  cancelFhirExport: ADMINS,
  exportFileFor: ADMINS,
  // jurisdictions (health centres); which centre: centre-access.ts
  listJurisdictions: EVERY,
  centresInScope: EVERY, // the centres offered wherever a centre is chosen
  ownJurisdictionName: EVERY,
  createCentre: OFFICERS,
  updateCentre: ADMINS, // a centre administrator: their own centre's details only
  moveCentrePersons: OFFICERS,
  importCentres: OFFICERS, // each row checked as createCentre / updateCentre
  // medical institutions; which ones: institution-access.ts
  listInstitutions: EVERY,
  createInstitution: ADMINS,
  updateInstitution: ADMINS,
  importInstitutions: ADMINS,
  // notifications (発生届)
  saveNotification: ['clinician'],
  listNotifications: EVERY,
  getNotification: EVERY,
  acceptNotification: CENTRE,
  returnNotification: CENTRE,
  // person imports, duplicates and merging
  createPersonImport: CENTRE,
  previewPersonImport: CENTRE,
  setPersonImportMapping: CENTRE,
  startPersonImport: CENTRE,
  unqueuePersonImport: CENTRE,
  getPersonImport: CENTRE,
  personImportErrorReport: CENTRE,
  listPersonImports: CENTRE,
  listImportDuplicates: CENTRE,
  inviteImportedPersons: CENTRE,
  decideDuplicate: CENTRE,
  mergePersons: CENTRE,
  // caseload (担当): kept by the staff of one centre (teams.ts actorCentreId)
  createTeam: ['centre_admin'],
  setTeamMember: ['centre_admin'],
  setCaseloadSettings: ['centre_admin'],
  listTeams: EVERY, // the caseload page lists no teams for officers and clinicians (actorCentreId's ValidationError)
  assignPersons: CENTRE_STAFF,
  reassignCaseload: CENTRE_STAFF,
  listCaseload: EVERY,
  getPersonCaseload: EVERY,
  recordStaffCall: CENTRE,
  declareLostToFollowUp: CENTRE,
  // monitoring pauses (resumeDuePauses is the tick's, not a verb)
  pauseMonitoring: CENTRE,
  endPause: CENTRE,
  getPersonPauses: EVERY,
  // certificates (the patient issues and downloads theirs through their link: not staff)
  issueCertificate: CENTRE,
  revokeCertificate: CENTRE,
  printCertificate: EVERY,
  getPersonCertificates: EVERY,
  // retention (erasePersons is the job's, not a verb)
  listRetentionDue: ADMINS,
  holdRecord: OFFICERS,
  releaseHold: OFFICERS,
  // escalation and on-call rotas
  listOnCall: CENTRE,
  escalationStates: EVERY, // the triage queue asks it for every role that sees the queue
  addOnCallShift: ADMINS,
  removeOnCallShift: ADMINS,
  onCallWarning: EVERY, // the triage screen asks it for every role; null except for a centre's nurse or administrator
  acknowledgePage: NONE,
  pageCallScript: NONE,
  recordPageDelivery: NONE,
} as const satisfies Record<string, readonly StaffRole[]>;

export type Verb = keyof typeof PERMISSIONS;

/** Where a refusal has its own words (otherwise: 「この操作はあなたの役割では行えません」). */
const REFUSALS: Partial<Record<Verb, { en: string; ja: string }>> = {
  publishFlowVersion: { en: 'only a centre administrator or above may publish a flow or archive a published version', ja: '質問フローの公開（公開中の版のアーカイブを含む）は保健所管理者以上のみが行えます' },
  archiveFlowVersion: { en: 'only a centre administrator or above may publish a flow or archive a published version', ja: '質問フローの公開（公開中の版のアーカイブを含む）は保健所管理者以上のみが行えます' },
  createFlow: { en: 'only a centre administrator or above may create a flow', ja: '質問フローの作成は保健所管理者以上のみが行えます' },
  saveNotification: { en: 'only a clinician of a medical institution files a notification', ja: '発生届を提出できるのは医療機関の医師です' },
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
