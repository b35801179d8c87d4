import type { CliCommand } from './command';

/** Migrations and reference data are applied when deps are created; this just reports it. */
export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'apply database migrations, the 47 prefectures and the default flows',
  usage: 'migrate',
  async run(_args, deps, out) {
    out(`migrations applied (${deps.dbHandle.kind})`);
  },
};
