import type { Db } from '../../../db/client';
import type { Mailer } from '../../platform/mail';
import { withTransaction, type Ctx } from '../context';
import { DomainError, ValidationError } from '../errors';
import { RoleForbiddenError } from '../permissions';
import { inviteStaff, type InviteStaffInput } from './invite-staff';
import { mailInvitation } from './invitation-mail';

export interface InvitationOutcome {
  row: number;
  email: string;
  /** The one-time link (shown once; also e-mailed when SMTP_URL is set). */
  url?: string;
  expiresAt?: Date;
  mail?: 'sent' | 'not_configured' | 'failed';
  errors?: { field: string; message: string; messageJa?: string }[];
}

/** The page where a link is used: PUBLIC_BASE_URL/admin/enrol/<token>. */
export const enrolmentUrl = (baseUrl: string, token: string) => `${baseUrl.replace(/\/$/, '')}/admin/enrol/${token}`;

/**
 * Invite one or many staff (a CSV), each row in its own transaction: a refused row is
 * reported with its row number and the rest go ahead. Every link is mailed when a mailer
 * is configured. Used by the console, the API and the CLI alike.
 */
export async function inviteMany(
  db: Db,
  base: Omit<Ctx, 'tx'>,
  rows: { row: number; input: InviteStaffInput }[],
  opts: { mailer?: Mailer; baseUrl: string },
): Promise<InvitationOutcome[]> {
  const out: InvitationOutcome[] = [];
  for (const { row, input } of rows) {
    try {
      const inv = await withTransaction(db, base, (ctx) => inviteStaff({ ctx, input }));
      const url = enrolmentUrl(opts.baseUrl, inv.token);
      const mail = await mailInvitation(opts.mailer, { kind: 'enrol', email: inv.email, displayName: input.displayName, url, expiresAt: inv.expiresAt });
      out.push({ row, email: inv.email, url, expiresAt: inv.expiresAt, mail });
    } catch (err) {
      if (err instanceof RoleForbiddenError) throw err; // the role may not invite at all: 403 for the request
      if (err instanceof ValidationError) out.push({ row, email: input.email ?? '', errors: err.fields });
      else if (err instanceof DomainError) out.push({ row, email: input.email ?? '', errors: [{ field: '(row)', message: err.message, messageJa: err.messageJa }] });
      else throw err;
    }
  }
  return out;
}
