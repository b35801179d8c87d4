import { and, eq, isNull } from 'drizzle-orm';
import { personImportPersons, persons, type ChannelKind } from '../../../db/schema';
import type { Env } from '../../config/env';
import { parsePhoneNumber } from '../../platform/text/phone-number';
import { requireRoleAtLeast } from '../access';
import { writeAudit } from '../audit';
import type { VerbArgs } from '../context';
import { DomainError } from '../errors';
import { issueLinkCode } from '../persons/issue-link-code';
import { sendCheckNow } from '../persons/send-check-now';
import { importInScope } from './import-scope';
import { requirePermission } from '../permissions';

export interface InviteLetter {
  personId: string;
  caseNumber: string;
  name: string;
  address: string | null;
  code: string;
  expiresAt: Date;
}

export interface InviteResult {
  /** LINE link codes to print as letters (shown once: only their hashes are kept). */
  letters: InviteLetter[];
  /** First checks started: SMS with the web link (mobiles), automated calls (landline only); the door enqueues their dispatch. */
  dispatched: { personId: string; sessionId: string; channel: ChannelKind }[];
  skipped: { caseNumber: string; reasonJa: string }[];
}

/**
 * 「一括で案内」: invite everyone an import created and nobody has invited yet, each the
 * way they can be reached — LINE persons (and those without a mobile) get a link code
 * printed on a letter with its QR code; mobile numbers an SMS — the link to the web check,
 * or for SMS persons their first check by SMS (through sendCheckNow); landline-only persons an automated call
 * (the first check by voice). Each person stands alone: one who cannot be reached is
 * listed with the reason and the others go ahead. Roles: nurse and up, within scope.
 */
export async function inviteImportedPersons({ ctx, input, env }: VerbArgs<{ importId: string }> & { env: Pick<Env, 'APP_SECRET'> }): Promise<InviteResult> {
  requirePermission(ctx.actor, 'inviteImportedPersons');
  requireRoleAtLeast(ctx.actor, 'nurse');
  const imp = await importInScope(ctx, input.importId);
  const rows = await ctx.tx
    .select({ id: persons.id, caseNumber: persons.caseNumber, name: persons.name, address: persons.address, phone: persons.phone, channel: persons.preferredChannel })
    .from(personImportPersons)
    .innerJoin(persons, eq(persons.id, personImportPersons.personId))
    .where(and(eq(personImportPersons.importId, imp.id), eq(personImportPersons.outcome, 'created'), isNull(personImportPersons.invitedAt)))
    .orderBy(persons.caseNumber)
    .limit(5000);
  const out: InviteResult = { letters: [], dispatched: [], skipped: [] };
  for (const p of rows) {
    const kind = p.phone ? parsePhoneNumber(p.phone)?.kind : undefined;
    try {
      await ctx.tx.transaction(async (tx) => {
        const sp = { ...ctx, tx };
        if (p.channel === 'line' || !p.phone) {
          const { code, expiresAt } = await issueLinkCode({ ctx: sp, input: { personId: p.id }, env });
          out.letters.push({ personId: p.id, caseNumber: p.caseNumber, name: p.name, address: p.address, code, expiresAt });
        } else {
          const channel: ChannelKind = kind === 'mobile' ? (p.channel === 'sms' ? 'sms' : 'web') : 'voice';
          const { sessionId } = await sendCheckNow({ ctx: sp, input: { personId: p.id, channel } });
          out.dispatched.push({ personId: p.id, sessionId, channel });
        }
        await tx.update(personImportPersons).set({ invitedAt: ctx.now }).where(and(eq(personImportPersons.importId, imp.id), eq(personImportPersons.personId, p.id)));
      });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      out.skipped.push({ caseNumber: p.caseNumber, reasonJa: err.messageJa ?? '案内できませんでした' });
    }
  }
  await writeAudit(ctx, { action: 'invite', entity: 'person_import', entityId: imp.id, details: { letters: out.letters.length, dispatched: out.dispatched.length, skipped: out.skipped.length } });
  return out;
}
