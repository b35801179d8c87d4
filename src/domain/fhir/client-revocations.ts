import { sql } from 'drizzle-orm';
import { listenChannel, type DbHandle, type DbOrTx } from '../../../db/client';

/** A FHIR client was revoked: a NOTIFY on this channel (the client id) tells every process. */
export const FHIR_CLIENTS_CHANNEL = 'mimamori_fhir_clients';

// Bumped whenever any client is revoked (here or, through the NOTIFY, in another process) and
// whenever the listening connection (re)connects: verified tokens kept from an older
// generation are looked up again, so a revoked client's held token stops working at once.
let generation = 0;

/** The current revocation generation (src/fhir/token-cache.ts keeps it with each entry). */
export function revocationGeneration(): number {
  return generation;
}

/** Drop every verified token this process kept (a revocation here or elsewhere). */
export function forgetVerifiedTokens(): void {
  generation += 1;
}

/** In the revoking transaction: forget here, tell the others (delivered on commit). */
export async function announceFhirClientRevoked(db: DbOrTx, clientId: string): Promise<void> {
  forgetVerifiedTokens();
  await db.execute(sql`select pg_notify(${FHIR_CLIENTS_CHANNEL}, ${clientId})`);
}

/**
 * LISTEN for revocations on this process's database (started by src/boot.ts beside the flow
 * publications); a process that does not listen (tests, the CLI) still forgets its own.
 */
export async function watchFhirClientRevocations(handle: DbHandle, onError: (err: Error) => void): Promise<void> {
  try {
    await listenChannel(handle, FHIR_CLIENTS_CHANNEL, () => forgetVerifiedTokens(), () => forgetVerifiedTokens());
  } catch (err) {
    onError(err as Error);
  }
}
