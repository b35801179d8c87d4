import { Hono } from 'hono';
import type { Deps } from '../../../deps';
import { actOnHousehold, addHouseholdMember, createHousehold, removeHouseholdMember, setHouseholdReporter } from '../../../domain/households/household-verbs';
import { setHouseholdContact } from '../../../domain/households/household-contact';
import { issueHouseholdContactLinkCode, unlinkHouseholdContactLine } from '../../../domain/households/household-contact-line';
import { fmtDateTime } from '../../ui/format';
import { t } from '../../ui/i18n';
import { withQr } from './actions';
import { linkCodePage } from './link-code-page';
import { DISPATCH_JOBS } from '../../../jobs/dispatch';
import { idParam, runVerb } from '../../auth/run-verb';
import type { AdminContext, AdminEnv } from '../../auth/types';
import { formOf, runAction } from '../lifecycle/refusal-page';

/** The person page's household forms: create, add a member, move one out, change the reporter, the contact (and her LINE link code), act on everyone. */
export function createHouseholdRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();
  const back = (personId: string) => `/admin/persons/${personId}#person-household`;
  // After an action the page of the person the nurse came from (the Referer's path), else the household's reporter.
  const from = (c: AdminContext, fallback: string) => {
    const ref = c.req.header('referer');
    const m = ref ? /\/admin\/persons\/([0-9a-f-]{36})/.exec(ref) : null;
    return m ? back(m[1]!) : back(fallback);
  };

  app.post('/persons/:id/household', async (c) => {
    const id = idParam(c, 'id', 'person');
    const b = await formOf(c);
    return runAction(c, back(id), undefined, async () => {
      await runVerb(deps, c, (ctx) => createHousehold({ ctx, input: { reporterPersonId: id, reporterRelation: b.relation || undefined, householdNumber: b.householdNumber || undefined } }));
      return back(id);
    });
  });
  app.post('/households/:hid/members', async (c) => {
    const hid = idParam(c, 'hid', 'household');
    const b = await formOf(c);
    return runAction(c, from(c, ''), undefined, async () => {
      const { personId } = await runVerb(deps, c, (ctx) => addHouseholdMember({ ctx, input: { householdId: hid, member: { caseNumber: b.caseNumber, relation: b.relation || undefined } } }));
      return from(c, personId);
    });
  });
  app.post('/households/:hid/remove', async (c) => {
    const hid = idParam(c, 'hid', 'household');
    const b = await formOf(c);
    return runAction(c, from(c, b.personId ?? ''), undefined, async () => {
      await runVerb(deps, c, (ctx) => removeHouseholdMember({ ctx, input: { householdId: hid, personId: b.personId ?? '' } }));
      return from(c, b.personId ?? '');
    });
  });
  app.post('/households/:hid/reporter', async (c) => {
    const hid = idParam(c, 'hid', 'household');
    const b = await formOf(c);
    return runAction(c, from(c, b.personId ?? ''), undefined, async () => {
      await runVerb(deps, c, (ctx) => setHouseholdReporter({ ctx, input: { householdId: hid, personId: b.personId ?? '' } }));
      return from(c, b.personId ?? '');
    });
  });
  app.post('/households/:hid/contact', async (c) => {
    const hid = idParam(c, 'hid', 'household');
    const b = await formOf(c);
    return runAction(c, from(c, ''), undefined, async () => {
      await runVerb(deps, c, (ctx) => setHouseholdContact({ ctx, input: { householdId: hid, contact: { name: b.contactName ?? '', relation: b.contactRelation, language: b.contactLanguage || undefined, channel: b.contactChannel, address: b.contactAddress } } }));
      return from(c, '');
    });
  });
  // The contact's LINE link code, shown once on the page that answers the POST (never in a URL).
  app.post('/households/:hid/contact/link-code', async (c) => {
    const hid = idParam(c, 'hid', 'household');
    const back = from(c, '');
    try {
      const issued = await withQr(deps, await runVerb(deps, c, (ctx) => issueHouseholdContactLinkCode({ ctx, input: { householdId: hid }, env: deps.env })));
      return linkCodePage(c, issued, { back, active: 'persons', help: t(c.get('lang'), 'household.contactLinkHelp', { until: fmtDateTime(issued.expiresAt, c.get('lang')) }) });
    } catch (err) {
      return runAction(c, back, undefined, () => Promise.reject(err));
    }
  });
  app.post('/households/:hid/contact/unlink-line', async (c) => {
    const hid = idParam(c, 'hid', 'household');
    return runAction(c, from(c, ''), undefined, async () => {
      await runVerb(deps, c, (ctx) => unlinkHouseholdContactLine({ ctx, input: { householdId: hid } }));
      return from(c, '');
    });
  });
  app.post('/households/:hid/act', async (c) => {
    const hid = idParam(c, 'hid', 'household');
    const b = await formOf(c);
    return runAction(c, from(c, ''), undefined, async () => {
      const action = b.action === 'set_channel' ? { action: 'set_channel', channel: b.channel } : b.action === 'end_monitoring' ? { action: 'end_monitoring', reason: 'ended_by_staff' } : { action: b.action };
      const done = await runVerb(deps, c, (ctx) => actOnHousehold({ ctx, input: { householdId: hid, action } }));
      // The reporter's check goes out now (its job id is the session: a double click sends one); the others ride in its conversation.
      for (const s of done.sessions) await deps.jobs.trigger(DISPATCH_JOBS[s.channel], { sessionIds: [s.sessionId], kind: 'prompt' }, { jobId: `dispatch:${s.channel}:prompt:${s.sessionId}` });
      return from(c, done.personIds[0] ?? '');
    });
  });
  return app;
}
