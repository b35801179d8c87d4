import { STAFF_ROLES, type StaffRole } from '../../db/schema';
import { systemActor, withTransaction } from '../domain/context';
import { createStaff } from '../domain/staff/create-staff';
import { CliUsageError, requireFlag, type CliCommand } from './command';
import { refuseSecretFlag, type CliSecret } from './read-secret';

const PASSWORD: CliSecret = {
  refusedFlag: 'password',
  envVar: 'STAFF_PASSWORD',
  prompt: 'パスワード / Password: ',
  confirm: 'パスワード（確認） / Password again: ',
};

export const createStaffCommand: CliCommand = {
  name: 'create-staff',
  summary: 'create a staff user; the password is asked for (not echoed), or read from stdin or STAFF_PASSWORD',
  usage: `create-staff --email a@b.jp --name 表示名 --role ${STAFF_ROLES.join('|')} (--jurisdiction <code> | --institution <code>)`,
  secret: PASSWORD,
  async run(args, deps, out) {
    refuseSecretFlag(PASSWORD, args);
    const role = requireFlag(args, 'role') as StaffRole;
    if (!STAFF_ROLES.includes(role)) throw new CliUsageError(`--role must be one of ${STAFF_ROLES.join(', ')}`);
    if (args.secret === undefined) throw new CliUsageError('no password given: type it at the prompt, pipe it on stdin, or set STAFF_PASSWORD');
    const { id } = await withTransaction(deps.db, { actor: systemActor('cli'), now: deps.now() }, (ctx) =>
      createStaff({
        ctx,
        input: {
          email: requireFlag(args, 'email'),
          displayName: requireFlag(args, 'name'),
          password: args.secret!,
          role,
          jurisdictionCode: typeof args.flags.jurisdiction === 'string' ? args.flags.jurisdiction : null,
          institutionCode: typeof args.flags.institution === 'string' ? args.flags.institution : null,
        },
      }),
    );
    out(`created staff user ${id}`);
  },
};
