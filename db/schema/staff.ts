import { relations } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from './columns';
import { facilities } from './households';
import { jurisdictions, medicalInstitutions } from './jurisdictions';

/**
 * 'facility_reporter' is a facility's own staff (施設職員, issue 20): an account bound to one
 * facility (staff_users.facility_id) that reaches only that facility's round pages.
 */
export const STAFF_ROLES = ['nurse', 'centre_admin', 'prefecture_officer', 'national_officer', 'clinician', 'facility_reporter'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Staff of health centres, prefectures, the nation and medical institutions. */
export const staffUsers = pgTable(
  'staff_users',
  {
    id: id(),
    email: text('email').notNull(), // stored lower-case
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(), // argon2id PHC string
    role: text('role', { enum: STAFF_ROLES }).notNull(),
    // Scope: a jurisdiction (centre, prefecture or nation) or, for clinicians, an institution.
    jurisdictionId: uuid('jurisdiction_id').references(() => jurisdictions.id),
    institutionId: uuid('institution_id').references(() => medicalInstitutions.id),
    // facility_reporter only: the one facility whose round pages the account reaches.
    facilityId: uuid('facility_id').references(() => facilities.id),
    totpSecret: text('totp_secret'),
    totpLastStep: integer('totp_last_step'), // a TOTP code is accepted once
    disabled: boolean('disabled').notNull().default(false),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: tstz('locked_until'),
    // Why the account is locked: 'password' (guesses from many addresses; the second factor unlocks it) or 'totp' (code guesses; it does not).
    lockReason: text('lock_reason', { enum: ['password', 'totp'] }),
    passwordChangedAt: tstz('password_changed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('staff_users_email_uq').on(t.email), index('staff_users_jurisdiction_idx').on(t.jurisdictionId), index('staff_users_facility_idx').on(t.facilityId)],
);

/** Bearer tokens for the API; only the SHA-256 of the token is stored. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: id(),
    staffUserId: uuid('staff_user_id')
      .notNull()
      .references(() => staffUsers.id),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    prefix: text('prefix').notNull(), // first characters, to recognise a token in the console
    createdAt: createdAt(),
    lastUsedAt: tstz('last_used_at'),
    // Every token expires (API_TOKEN_DAYS, at most API_TOKEN_MAX_DAYS); null only for tokens made before expiry existed.
    expiresAt: tstz('expires_at'),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [uniqueIndex('api_tokens_hash_uq').on(t.tokenHash), index('api_tokens_staff_idx').on(t.staffUserId)],
);

/** Console sessions, server-side; the cookie holds a random id whose SHA-256 is the key. */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    id: text('id').primaryKey(), // sha256(cookie value)
    staffUserId: uuid('staff_user_id')
      .notNull()
      .references(() => staffUsers.id),
    csrfToken: text('csrf_token').notNull(),
    mfaPassed: boolean('mfa_passed').notNull().default(false),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    lastSeenAt: tstz('last_seen_at').notNull().defaultNow(),
    expiresAt: tstz('expires_at').notNull(),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [index('staff_sessions_user_idx').on(t.staffUserId)],
);

/**
 * Failed sign-ins per (e-mail, source address) and, for e-mails that are no staff account,
 * per e-mail, counted exactly like
 * staff_users.failed_logins / locked_until: an unknown address then locks (423) after the
 * same number of tries, so the answers do not tell which accounts exist. Keyed by a hash
 * of the e-mail, never the e-mail itself.
 */
export const signInFailures = pgTable('sign_in_failures', {
  emailKey: text('email_key').primaryKey(),
  failedLogins: integer('failed_logins').notNull().default(0),
  lockedUntil: tstz('locked_until'),
  updatedAt: updatedAt(),
});

export const staffUsersRelations = relations(staffUsers, ({ one, many }) => ({
  jurisdiction: one(jurisdictions, { fields: [staffUsers.jurisdictionId], references: [jurisdictions.id] }),
  institution: one(medicalInstitutions, { fields: [staffUsers.institutionId], references: [medicalInstitutions.id] }),
  tokens: many(apiTokens),
}));

export const INVITATION_KINDS = ['enrol', 'password_reset'] as const;

/**
 * One-time links to a staff account (issue 15, staff onboarding; issue 18, reset by an
 * administrator): 'enrol' creates the account when the invitee sets a password (then
 * enrols TOTP); 'password_reset' lets an existing user set a new password. Valid 72 h,
 * used once; only the SHA-256 of the token is stored. No administrator ever sets or sees
 * the password.
 */
export const staffInvitations = pgTable(
  'staff_invitations',
  {
    id: id(),
    kind: text('kind', { enum: INVITATION_KINDS }).notNull(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: STAFF_ROLES }).notNull(),
    jurisdictionId: uuid('jurisdiction_id').references(() => jurisdictions.id),
    institutionId: uuid('institution_id').references(() => medicalInstitutions.id),
    facilityId: uuid('facility_id').references(() => facilities.id),
    // password_reset: the account whose password is reset.
    staffUserId: uuid('staff_user_id').references(() => staffUsers.id),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by').references(() => staffUsers.id),
    createdAt: createdAt(),
    expiresAt: tstz('expires_at').notNull(),
    usedAt: tstz('used_at'),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [uniqueIndex('staff_invitations_token_uq').on(t.tokenHash), index('staff_invitations_email_idx').on(t.email)],
);

/** TOTP recovery codes, shown once at enrolment; each works once instead of a code (hash only). */
export const staffRecoveryCodes = pgTable(
  'staff_recovery_codes',
  {
    id: id(),
    staffUserId: uuid('staff_user_id')
      .notNull()
      .references(() => staffUsers.id),
    codeHash: text('code_hash').notNull(),
    createdAt: createdAt(),
    usedAt: tstz('used_at'),
  },
  (t) => [index('staff_recovery_codes_staff_idx').on(t.staffUserId)],
);
