import { STAFF_ROLES, type StaffRole } from '../../db/schema';
import { systemActor, withTransaction } from '../domain/context';
import { createStaff } from '../domain/staff/create-staff';
import { CliUsageError, requireFlag, type CliCommand } from './command';

export const createStaffCommand: CliCommand = {
  name: 'create-staff',
  summary: 'create a staff user',
  usage: `create-staff --email a@b.jp --name 表示名 --role ${STAFF_ROLES.join('|')} (--jurisdiction <code> | --institution <code>) --password <pw>`,
  async run(args, deps, out) {
    const role = requireFlag(args, 'role') as StaffRole;
    if (!STAFF_ROLES.includes(role)) throw new CliUsageError(`--role must be one of ${STAFF_ROLES.join(', ')}`);
    const { id } = await withTransaction(deps.db, { actor: systemActor('cli'), now: deps.now() }, (ctx) =>
      createStaff({
        ctx,
        input: {
          email: requireFlag(args, 'email'),
          displayName: requireFlag(args, 'name'),
          password: requireFlag(args, 'password'),
          role,
          jurisdictionCode: typeof args.flags.jurisdiction === 'string' ? args.flags.jurisdiction : null,
          institutionCode: typeof args.flags.institution === 'string' ? args.flags.institution : null,
        },
      }),
    );
    out(`created staff user ${id}`);
  },
};
