import { Hono } from 'hono';
import type { Deps } from '../../../deps';
import { assignPersons, reassignCaseload } from '../../../domain/caseload/assign-persons';
import { declareLostToFollowUp } from '../../../domain/caseload/declare-lost-to-follow-up';
import { listCaseload } from '../../../domain/caseload/list-caseload';
import { recordStaffCall, setCaseloadSettings } from '../../../domain/caseload/staff-calls';
import { createTeam, listTeams, setTeamMember } from '../../../domain/caseload/teams';
import { ValidationError } from '../../../domain/errors';
import { idParam, runVerb } from '../../auth/run-verb';
import type { AdminContext, AdminEnv } from '../../auth/types';
import { t } from '../../ui/i18n';
import { Layout } from '../../ui/layout';
import { page } from '../../ui/render';
import { formOf, runAction } from './refusal-page';

const VIEWS = ['mine', 'unassigned', 'staff', 'team'] as const;

/** 担当: the caseload lists, bulk and round-robin assignment, reassignment, teams; and the person page's call forms. */
export function createCaseloadRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();

  const teamsOrNone = async (c: AdminContext) => {
    try {
      return await runVerb(deps, c, (ctx) => listTeams({ ctx, input: null }));
    } catch (err) {
      if (err instanceof ValidationError) return { teams: [], staff: [] }; // officers and clinicians keep no caseloads
      throw err;
    }
  };

  app.get('/caseload', async (c) => {
    const lang = c.get('lang');
    const q = c.req.query();
    const view = (VIEWS as readonly string[]).includes(q.view ?? '') ? (q.view as (typeof VIEWS)[number]) : 'mine';
    const { teams, staff } = await teamsOrNone(c);
    const list = await runVerb(deps, c, (ctx) => listCaseload({ ctx, input: { view, staffId: q.staffId || undefined, teamId: q.teamId || undefined } })).catch((err) => {
      if (err instanceof ValidationError) return { view, persons: [] };
      throw err;
    });
    const csrf = <input type="hidden" name="_csrf" value={c.get('csrfToken')} />;
    const isAdmin = c.get('actor').role === 'centre_admin';
    const staffOptions = staff.map((s) => <option value={s.id}>{s.name}</option>);
    const teamOptions = teams.map((tm) => <option value={tm.id}>{tm.name}</option>);
    return page(
      c,
      <Layout title={t(lang, 'caseload.title')} actor={c.get('actor')} lang={lang} csrf={c.get('csrfToken')} active="caseload" userName={c.get('displayName')}>
        {q.assigned && <p class="flash" role="status">{t(lang, 'caseload.assigned', { n: Number(q.assigned) || 0 })}</p>}
        <form method="get" action="/admin/caseload" class="filters" id="caseload-view">
          <select name="view">{VIEWS.map((v) => <option value={v} selected={v === view}>{t(lang, `caseload.view.${v}`)}</option>)}</select>
          <select name="staffId"><option value="">{t(lang, 'caseload.staff')}</option>{staff.map((s) => <option value={s.id} selected={q.staffId === s.id}>{s.name}</option>)}</select>
          <select name="teamId"><option value="">{t(lang, 'caseload.team')}</option>{teams.map((tm) => <option value={tm.id} selected={q.teamId === tm.id}>{tm.name}</option>)}</select>
          <button type="submit" class="secondary">{t(lang, 'common.filter')}</button>
        </form>
        <form method="post" action="/admin/caseload/assign" id="bulk-assign">
          {csrf}
          {list.persons.length ? (
            <table id="caseload">
              <thead><tr><th>{t(lang, 'caseload.select')}</th><th>{t(lang, 'col.person')}</th><th>{t(lang, 'field.caseNumber')}</th><th>{t(lang, 'field.status')}</th><th>{t(lang, 'caseload.assignee')}</th></tr></thead>
              <tbody>
                {list.persons.map((p) => (
                  <tr data-person-id={p.id}>
                    <td><input type="checkbox" name="personIds" value={p.id} aria-label={t(lang, 'caseload.select')} /></td>
                    <td><a href={`/admin/persons/${p.id}`}>{p.name ?? p.caseNumber}</a></td>
                    <td>{p.caseNumber}</td>
                    <td>{t(lang, `pstatus.${p.status}`)}</td>
                    <td>{[p.staff?.name, p.team?.name].filter(Boolean).join(' / ') || t(lang, 'caseload.none')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : <p class="muted">{t(lang, 'caseload.empty')}</p>}
          {staff.length > 0 && (
            <div class="card">
              <label>{t(lang, 'caseload.staff')}<select name="staffId"><option value="">—</option>{staffOptions}</select></label>
              <label>{t(lang, 'caseload.team')}<select name="teamId"><option value="">—</option>{teamOptions}</select></label>
              <label class="check"><input type="checkbox" name="roundRobin" value="1" /> {t(lang, 'caseload.roundRobin')}</label>
              <button type="submit">{t(lang, 'caseload.assign')}</button>
            </div>
          )}
        </form>
        {staff.length > 0 && (
          <form method="post" action="/admin/caseload/reassign" class="card" id="reassign">
            {csrf}
            <h2>{t(lang, 'caseload.reassign')}</h2>
            <label>{t(lang, 'caseload.from')}<select name="fromStaffId" required>{staffOptions}</select></label>
            <label>{t(lang, 'caseload.staff')}<select name="staffId"><option value="">—</option>{staffOptions}</select></label>
            <label>{t(lang, 'caseload.team')}<select name="teamId"><option value="">—</option>{teamOptions}</select></label>
            <label class="check"><input type="checkbox" name="roundRobin" value="1" /> {t(lang, 'caseload.roundRobin')}</label>
            <button type="submit" class="secondary">{t(lang, 'common.save')}</button>
          </form>
        )}
        {isAdmin && (
          <section class="card" id="teams">
            <h2>{t(lang, 'caseload.teams')}</h2>
            <ul>{teams.map((tm) => <li>{tm.name}: {tm.members.map((m) => m.name).join('、') || t(lang, 'common.none')}</li>)}</ul>
            <form method="post" action="/admin/caseload/teams">{csrf}<label>{t(lang, 'caseload.newTeam')}<input name="name" maxlength={60} required /></label><button type="submit" class="secondary">{t(lang, 'common.save')}</button></form>
            {teams.length > 0 && (
              <form method="post" action="/admin/caseload/members">{csrf}
                <label>{t(lang, 'caseload.team')}<select name="teamId">{teamOptions}</select></label>
                <label>{t(lang, 'caseload.staff')}<select name="staffId">{staffOptions}</select></label>
                <button type="submit" class="secondary">{t(lang, 'caseload.addMember')}</button>
              </form>
            )}
            <form method="post" action="/admin/caseload/settings">{csrf}<label>{t(lang, 'caseload.settings')}<input type="number" name="unsuccessfulCallsBeforeLost" min={1} max={20} required /></label><button type="submit" class="secondary">{t(lang, 'common.save')}</button></form>
          </section>
        )}
      </Layout>,
    );
  });

  const opt = (v: string | undefined) => (v ? v : undefined);
  app.post('/caseload/assign', async (c) => {
    const body = await c.req.parseBody({ all: true });
    const ids = ([] as unknown[]).concat(body.personIds ?? []).filter((v): v is string => typeof v === 'string');
    const one = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
    return runAction(c, '/admin/caseload', undefined, async () => {
      const r = await runVerb(deps, c, (ctx) => assignPersons({ ctx, input: { personIds: ids, staffId: opt(one('staffId')), teamId: opt(one('teamId')), roundRobin: one('roundRobin') === '1' } }));
      return `/admin/caseload?assigned=${r.assigned.length}`;
    });
  });
  app.post('/caseload/reassign', async (c) => {
    const b = await formOf(c);
    return runAction(c, '/admin/caseload', undefined, async () => {
      const r = await runVerb(deps, c, (ctx) => reassignCaseload({ ctx, input: { fromStaffId: b.fromStaffId ?? '', staffId: opt(b.staffId), teamId: opt(b.teamId), roundRobin: b.roundRobin === '1' } }));
      return `/admin/caseload?assigned=${r.assigned.length}`;
    });
  });
  app.post('/caseload/teams', async (c) => {
    const b = await formOf(c);
    return runAction(c, '/admin/caseload', undefined, async () => (await runVerb(deps, c, (ctx) => createTeam({ ctx, input: { name: b.name } })), '/admin/caseload'));
  });
  app.post('/caseload/members', async (c) => {
    const b = await formOf(c);
    return runAction(c, '/admin/caseload', undefined, async () => (await runVerb(deps, c, (ctx) => setTeamMember({ ctx, input: { teamId: b.teamId ?? '', staffId: b.staffId ?? '', member: true } })), '/admin/caseload'));
  });
  app.post('/caseload/settings', async (c) => {
    const b = await formOf(c);
    return runAction(c, '/admin/caseload', undefined, async () => (await runVerb(deps, c, (ctx) => setCaseloadSettings({ ctx, input: { unsuccessfulCallsBeforeLost: b.unsuccessfulCallsBeforeLost } })), '/admin/caseload'));
  });

  // Posted from the person page's 電話連絡 card.
  app.post('/persons/:id/calls', async (c) => {
    const id = idParam(c, 'id', 'person');
    const b = await formOf(c);
    return runAction(c, `/admin/persons/${id}`, b.note, async () => (await runVerb(deps, c, (ctx) => recordStaffCall({ ctx, input: { personId: id, outcome: b.outcome, note: b.note } })), `/admin/persons/${id}#person-caseload`));
  });
  app.post('/persons/:id/lost', async (c) => {
    const id = idParam(c, 'id', 'person');
    const b = await formOf(c);
    return runAction(c, `/admin/persons/${id}`, b.note, async () => (await runVerb(deps, c, (ctx) => declareLostToFollowUp({ ctx, input: { personId: id, note: b.note } })), `/admin/persons/${id}#person-caseload`));
  });
  return app;
}
