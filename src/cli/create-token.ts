import { systemActor, withTransaction } from '../domain/context';
import { createApiToken } from '../domain/staff/create-api-token';
import { CliUsageError, requireFlag, type CliCommand } from './command';

export const createTokenCommand: CliCommand = {
  name: 'create-token',
  summary: 'create an API bearer token for a staff user (printed once; expires after --days, default API_TOKEN_DAYS)',
  usage: 'create-token --email a@b.jp [--name integration] [--days 90]',
  async run(args, deps, out) {
    const daysFlag = args.flags.days;
    const days = typeof daysFlag === 'string' ? Number(daysFlag) : undefined;
    if (days !== undefined && !Number.isInteger(days)) throw new CliUsageError('--days must be a whole number of days');
    const { token, expiresAt } = await withTransaction(deps.db, { actor: systemActor('cli'), now: deps.now() }, (ctx) =>
      createApiToken({ ctx, input: { staffEmail: requireFlag(args, 'email'), name: typeof args.flags.name === 'string' ? args.flags.name : 'cli', days }, env: deps.env }),
    );
    out(`expires ${expiresAt.toISOString()}; the token (last line, shown once):`);
    out(token);
  },
};
