import { readFile } from 'node:fs/promises';
import { systemActor, withTransaction } from '../domain/context';
import { createFhirClient } from '../domain/fhir/create-fhir-client';
import { CliUsageError, requireFlag, type CliCommand } from './command';

export const createFhirClientCommand: CliCommand = {
  name: 'create-fhir-client',
  summary: 'register a SMART Backend Services client of the FHIR API (prints its client id)',
  usage: 'create-fhir-client --name NAME --jurisdiction CODE --scope "system/Patient.rs system/Observation.rs" --jwks FILE',
  async run(args, deps, out) {
    const file = requireFlag(args, 'jwks');
    let jwks: unknown;
    try {
      jwks = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new CliUsageError(`--jwks ${file}: not a readable JSON file (${(err as Error).message})`);
    }
    const { clientId } = await withTransaction(deps.db, { actor: systemActor('cli'), now: deps.now() }, (ctx) =>
      createFhirClient({ ctx, input: { name: requireFlag(args, 'name'), jurisdictionCode: requireFlag(args, 'jurisdiction'), scope: requireFlag(args, 'scope'), jwks } }),
    );
    out(clientId);
  },
};
