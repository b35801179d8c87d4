import { systemActor, withTransaction } from '../domain/context';
import { inviteFacilityAccount } from '../domain/facilities/facility-accounts';
import { mailInvitation } from '../domain/staff/invitation-mail';
import { enrolmentUrl } from '../domain/staff/invite-many';
import { requireFlag, type CliCommand } from './command';

/**
 * `npm run cli -- invite-facility-account --facility <id> --email staff@care.example --name "さくら苑 日勤"`:
 * a facility's own account (role facility_reporter), as the facility page's 「施設アカウントを招待」;
 * prints the one-time enrolment link (72 h), e-mailed too when SMTP_URL is set.
 */
export const inviteFacilityAccountCommand: CliCommand = {
  name: 'invite-facility-account',
  summary: "invite a facility's own account (its round pages only): prints the one-time enrolment link (72 h), e-mailed too when SMTP_URL is set",
  usage: 'invite-facility-account --facility FACILITY_ID --email a@b.jp --name NAME',
  async run(args, deps, out) {
    const displayName = requireFlag(args, 'name');
    const inv = await withTransaction(deps.db, { actor: systemActor('cli'), now: deps.now() }, (ctx) =>
      inviteFacilityAccount({ ctx, input: { facilityId: requireFlag(args, 'facility'), email: requireFlag(args, 'email'), displayName } }),
    );
    const url = enrolmentUrl(deps.env.PUBLIC_BASE_URL, inv.token);
    const mail = await mailInvitation(deps.mailer, { kind: 'enrol', email: inv.email, displayName, url, expiresAt: inv.expiresAt, facilityName: inv.facilityName });
    out(`${inv.email}\t${url}\t(valid until ${inv.expiresAt.toISOString()}; mail: ${mail})`);
    return 0;
  },
};
