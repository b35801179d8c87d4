import { readFile } from 'node:fs/promises';
import { systemActor } from '../domain/context';
import { parseInvitationCsv } from '../domain/staff/invitation-csv';
import { inviteMany } from '../domain/staff/invite-many';
import { CliUsageError, requireFlag, type CliCommand } from './command';

/**
 * `npm run cli -- invite-staff --email a@b.jp --name "保健 花子" --role nurse --jurisdiction 13-101`
 * or `invite-staff --csv staff.csv`: one-time enrolment links (72 h), printed once and
 * e-mailed when SMTP_URL is set. The invitee sets their own password.
 */
export const inviteStaffCommand: CliCommand = {
  name: 'invite-staff',
  summary: 'invite staff (one, or a CSV of many): prints each one-time enrolment link (72 h), e-mailed too when SMTP_URL is set',
  usage: 'invite-staff --email a@b.jp --name NAME --role nurse|centre_admin|prefecture_officer|national_officer|clinician (--jurisdiction CODE | --institution CODE) | invite-staff --csv FILE',
  async run(args, deps, out) {
    const flag = (k: string) => (typeof args.flags[k] === 'string' ? (args.flags[k] as string) : undefined);
    let rows;
    if (flag('csv')) {
      const parsed = parseInvitationCsv(await readFile(flag('csv')!, 'utf8'));
      if (parsed.errors.length) throw new CliUsageError(parsed.errors.map((e) => `row ${e.row} ${e.field}: ${e.message}`).join('\n'));
      rows = parsed.rows;
    } else {
      rows = [{ row: 1, input: { email: requireFlag(args, 'email'), displayName: requireFlag(args, 'name'), role: requireFlag(args, 'role'), jurisdictionCode: flag('jurisdiction'), institutionCode: flag('institution') } }];
    }
    const outcomes = await inviteMany(deps.db, { actor: systemActor('cli'), now: deps.now() }, rows, { mailer: deps.mailer, baseUrl: deps.env.PUBLIC_BASE_URL });
    for (const o of outcomes) {
      if (o.url) out(`${o.email}\t${o.url}\t(valid until ${o.expiresAt!.toISOString()}; mail: ${o.mail})`);
      else out(`row ${o.row} ${o.email}: refused — ${(o.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    }
    return outcomes.some((o) => o.errors) ? 1 : 0;
  },
};
