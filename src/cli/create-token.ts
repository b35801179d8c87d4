import { systemActor, withTransaction } from '../domain/context';
import { createApiToken } from '../domain/staff/create-api-token';
import { requireFlag, type CliCommand } from './command';

export const createTokenCommand: CliCommand = {
  name: 'create-token',
  summary: 'create an API bearer token for a staff user (printed once)',
  usage: 'create-token --email a@b.jp [--name integration]',
  async run(args, deps, out) {
    const { token } = await withTransaction(deps.db, { actor: systemActor('cli'), now: deps.now() }, (ctx) =>
      createApiToken({ ctx, input: { staffEmail: requireFlag(args, 'email'), name: typeof args.flags.name === 'string' ? args.flags.name : 'cli' } }),
    );
    out(token);
  },
};
