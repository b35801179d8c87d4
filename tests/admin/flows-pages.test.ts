import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { getFlowVersion } from '../../src/domain/flows/flow-queries';
import { createTestDeps, type TestDeps } from '../support/deps';
import { Client, ensureCentre, makeStaff } from './support';

let deps: TestDeps;
let admin: Client;
let nurse: Client;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  await ensureCentre(deps, '13-811');
  await makeStaff(deps, { email: 'admin@fpages.jp', role: 'centre_admin', jurisdictionCode: '13-811' });
  await makeStaff(deps, { email: 'nurse@fpages.jp', role: 'nurse', jurisdictionCode: '13-811' });
  await makeStaff(deps, { email: 'nation@fpages.jp', role: 'national_officer', jurisdictionCode: 'JP' });
  admin = new Client(app);
  await admin.signIn('admin@fpages.jp');
  nurse = new Client(app);
  await nurse.signIn('nurse@fpages.jp');
});
afterAll(async () => deps?.close());

const html = async (res: Response) => ({ status: res.status, text: await res.text() });

describe('flow editor pages', () => {
  it('lists flows with their versions and a button for a new draft', async () => {
    const { status, text } = await html(await admin.get('/admin/flows'));
    expect(status).toBe(200);
    expect(text).toContain('毎日の健康観察（患者）');
    expect(text).toContain('action="/admin/flows/patient-daily/drafts"');
    expect(text).toMatch(/id="flow-patient-daily"[\s\S]*?所有: <span class="badge owner-nation">全国<\/span>/);
    expect(text).toContain('src="/admin/assets/flow-editor.js"');
    await admin.get('/admin/lang/en');
    const en = await html(await admin.get('/admin/flows'));
    expect(en.text).toContain('Question flows');
    expect(en.text).toContain('Daily check (patients)');
    await admin.get('/admin/lang/ja');
    const missing = await admin.get('/admin/flows/no-such-flow/versions/1');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('text/html');
    expect((await admin.get('/admin/flows/patient-daily/versions/abc')).status).toBe(404);
  });

  it('creates a draft, shows the structured form, and puts a validation error at its field', async () => {
    const created = await admin.form('/admin/flows/patient-daily/drafts', {});
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe('/admin/flows/patient-daily/versions/2');
    const again = await admin.form('/admin/flows/patient-daily/drafts', {});
    expect(again.headers.get('location')).toBe('/admin/flows/patient-daily/versions/2');
    const page = await html(await admin.get('/admin/flows/patient-daily/versions/2'));
    expect(page.text).toContain('name="s:nodes.temperature.text.ja"');
    expect(page.text).toContain('name="n:nodes.temperature.min"');
    expect(page.text).toContain('href="/api/v1/flows/definition-schema.json"'); // the raw JSON's format
    // A threshold that is not a number: 422, the error beside the field, what was typed kept.
    const fever = /name="n:(rules\.\d+\.gte)"/.exec(page.text)![1]!;
    const bad = await html(await admin.form('/admin/flows/patient-daily/versions/2/form', { [`n:${fever}`]: 'abc', 's:nodes.temperature.text.ja': '<b>今朝の体温</b>' }));
    expect(bad.status).toBe(422);
    const id = `f-${fever.replaceAll('.', '-')}`;
    expect(bad.text).toMatch(new RegExp(`id="${id}"[^>]*aria-invalid="true"`));
    expect(bad.text).toContain(`id="${id}-err"`);
    expect(bad.text).toMatch(new RegExp(`name="n:${fever.replaceAll('.', '\\.')}" value="abc"`));
    expect(bad.text).toContain('&lt;b&gt;今朝の体温&lt;/b&gt;');
    expect(bad.text).not.toContain('<b>今朝の体温</b>');
    expect(((await getFlowVersion(deps.db, 'patient-daily', 2)).definition as { rules: { gte?: number }[] }).rules.some((r) => (r.gte as unknown) === 'abc')).toBe(false);
  });

  it('saves a form edit, shows the diff against the published version, and rejects broken JSON with its message', async () => {
    const ok = await admin.form('/admin/flows/patient-daily/versions/2/form', { 's:nodes.temperature.text.ja': '今朝の体温は？' });
    expect(ok.status).toBe(303);
    const page = await html(await admin.get(ok.headers.get('location')!));
    expect(page.text).toContain('下書きを保存しました');
    expect(page.text).toContain('<code>nodes.temperature.text.ja</code>');
    const broken = await html(await admin.form('/admin/flows/patient-daily/versions/2/json', { definition: '{"spec": 2,' }));
    expect(broken.status).toBe(422);
    expect(broken.text).toContain('JSON の構文エラー');
    expect(broken.text).toContain('{&quot;spec&quot;: 2,');
    const def = (await getFlowVersion(deps.db, 'patient-daily', 2)).definition as Record<string, unknown>;
    const invalid = await html(await admin.form('/admin/flows/patient-daily/versions/2/json', { definition: JSON.stringify({ ...def, start: 'nowhere' }) }));
    expect(invalid.status).toBe(422);
    expect(invalid.text).toContain('data-path="start"');
  });

  it('edits the SMS and voice wordings in the form, every language beside its base wording; an SMS wording over the limit is refused at its field, nothing typed lost', async () => {
    type Def = { nodes: Record<string, { text: { ja: string; channels: Record<string, Record<string, string>> } }> };
    const before = (await getFlowVersion(deps.db, 'patient-daily', 2)).definition as Def;
    const page = await html(await admin.get('/admin/flows/patient-daily/versions/2'));
    // The SMS and voice wordings of a question, in every language, in the same row as its base wording.
    const row = (lang: string) => new RegExp(`<div class="lang-row" data-row="nodes\\.cough\\.text\\.${lang}">([\\s\\S]*?)</div>`).exec(page.text)?.[1] ?? '';
    for (const lang of ['ja', 'en', 'ja-easy', 'vi', 'th']) {
      expect(row(lang)).toContain(`name="s:nodes.cough.text.${lang}"`);
      expect(row(lang)).toContain(`name="s:nodes.cough.text.channels.sms.${lang}"`);
      expect(row(lang)).toContain(`name="s:nodes.cough.text.channels.voice.${lang}"`);
    }
    expect(row('ja')).toContain('SMS用の文言 — 日本語');
    expect(row('ne')).toContain('name="s:nodes.cough.text.channels.sms.ne"');
    expect(row('ne')).not.toContain('channels.voice.ne'); // no Nepali voice: Twilio cannot speak it
    // やさしい日本語 has no SMS wording yet: marked 未翻訳, like the base wordings.
    expect(row('ja-easy')).toMatch(/class="missing-lang lang-field lang-ja-easy channel-field channel-sms"[^>]*>[^<]*<span class="badge missing">未翻訳/);

    // Too long for two SMS parts: 422, a Japanese message at the field, everything typed kept.
    const long = '咳（せき）は出ていますか。'.repeat(11); // 143 characters
    const bad = await html(await admin.form('/admin/flows/patient-daily/versions/2/form', {
      's:nodes.cough.text.channels.sms.ja': long, 's:nodes.cough.text.channels.voice.en': 'Do you have a cough? Press 1 for yes.', 's:nodes.cough.text.channels.sms.ja-easy': 'せき は でますか',
    }));
    expect(bad.status).toBe(422);
    expect(bad.text).toMatch(/id="f-nodes-cough-text-channels-sms-ja"[^>]*aria-invalid="true"/);
    expect(bad.text).toContain('SMS用の文言が長すぎます（143文字、SMS 3通分）。日本語などでは134文字（2通）以内にしてください');
    expect(bad.text).toContain(`>${long}</textarea>`);
    expect(bad.text).toContain('>Do you have a cough? Press 1 for yes.</textarea>');
    expect(bad.text).toContain('>せき は でますか</textarea>');
    expect((await getFlowVersion(deps.db, 'patient-daily', 2)).definition).toEqual(before);

    // Within the limit: saved; only the three wordings changed, the rest of the definition as it was.
    const ok = await admin.form('/admin/flows/patient-daily/versions/2/form', {
      's:nodes.cough.text.channels.sms.ja': '咳は？', 's:nodes.cough.text.channels.voice.en': 'Do you have a cough? Press 1 for yes.', 's:nodes.cough.text.channels.sms.ja-easy': 'せき は でますか',
    });
    expect(ok.status).toBe(303);
    const after = (await getFlowVersion(deps.db, 'patient-daily', 2)).definition as Def;
    const expected = structuredClone(before);
    expected.nodes.cough!.text.channels.sms!.ja = '咳は？';
    expected.nodes.cough!.text.channels.voice!.en = 'Do you have a cough? Press 1 for yes.';
    expected.nodes.cough!.text.channels.sms!['ja-easy'] = 'せき は でますか';
    expect(after).toEqual(expected);
  });

  it('simulates as a LINE chat, an SMS thread and a call transcript, escaping what the patient typed', async () => {
    const line = await html(await admin.form('/admin/flows/patient-daily/versions/2/simulate', { channel: 'line', inputs: '39.4\n<script>alert(1)</script>', lang: 'ja', hasOximeter: '1' }));
    expect(line.status).toBe(200);
    expect(line.text).toContain('class="transcript transcript-line"');
    expect(line.text).toContain('今朝の体温は？');
    expect(line.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(line.text).not.toContain('<script>alert(1)</script>');
    expect(line.text).toMatch(/id="sim-observations"[\s\S]*temperature[\s\S]*39\.4/);
    const sms = await html(await admin.form('/admin/flows/patient-daily/versions/2/simulate', { channel: 'sms', inputs: '36.5' }));
    expect(sms.text).toContain('class="transcript transcript-sms"');
    const voice = await html(await admin.form('/admin/flows/patient-daily/versions/2/simulate', { channel: 'voice', inputs: '365' }));
    expect(voice.text).toContain('class="transcript transcript-voice"');
    expect(voice.text).toContain('ボタン:</b> 365');
  });

  it('lets a nurse and a centre_admin draft but not publish a national flow; a national officer publishes', async () => {
    for (const who of [nurse, admin]) {
      const draftPage = await html(await who.get('/admin/flows/patient-daily/versions/2'));
      expect(draftPage.text).toContain('公開できるのは国の担当者のみです');
      expect(draftPage.text).not.toContain('id="publish"');
      const denied = await html(await who.form('/admin/flows/patient-daily/versions/2/publish', {}));
      expect(denied.status).toBe(403);
      expect(denied.text).toContain('質問フローは全国共通のため');
    }
    // A centre administrator may still discard a draft: its archive button is there.
    expect((await html(await admin.get('/admin/flows/patient-daily/versions/2'))).text).toContain('action="/admin/flows/patient-daily/versions/2/archive"');
    const nation = new Client(app);
    await nation.signInWithTotp('nation@fpages.jp');
    const noCsrf = await nation.form('/admin/flows/patient-daily/versions/2/publish', {}, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect((await getFlowVersion(deps.db, 'patient-daily', 2)).status).toBe('draft');
    const ok = await nation.form('/admin/flows/patient-daily/versions/2/publish', {});
    expect(ok.status).toBe(303);
    const page = await html(await nation.get(ok.headers.get('location')!));
    expect(page.text).toContain('第2版を公開しました');
    expect(page.text).not.toContain('name="s:nodes.temperature.text.ja"');
    expect((await getFlowVersion(deps.db, 'patient-daily', 2)).status).toBe('published');
    // A published version's archive button is the national officer's only.
    expect((await html(await admin.get('/admin/flows/patient-daily/versions/2'))).text).not.toContain('versions/2/archive');
    expect((await html(await nation.get('/admin/flows/patient-daily/versions/2'))).text).toContain('versions/2/archive');
  });

  it('creates a flow owned by the centre from the list page; its administrator publishes it', async () => {
    const list = await html(await admin.get('/admin/flows'));
    expect(list.text).toContain('新しい質問フローを作成');
    expect(list.text).toContain('<form method="post" action="/admin/flows"');
    expect((await html(await nurse.get('/admin/flows'))).text).not.toContain('id="new-flow"');
    const bad = await html(await admin.form('/admin/flows', { key: 'Bad Key<b>', nameJa: '', nameEn: 'Minato', from: 'patient-daily' }));
    expect(bad.status).toBe(422);
    expect(bad.text).toMatch(/id="new-flow-key"[^>]*aria-invalid="true"/);
    expect(bad.text).toContain('id="new-flow-key-err">英小文字・数字・ハイフンで');
    expect(bad.text).toContain('id="new-flow-nameJa-err">入力してください');
    expect(bad.text).toContain('value="Bad Key&lt;b&gt;"');
    const created = await admin.form('/admin/flows', { key: 'fpages-811', nameJa: '811保健所の健康観察', nameEn: 'Centre 811 daily', from: 'contact-daily' });
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe('/admin/flows/fpages-811/versions/1');
    const draft = await html(await admin.get('/admin/flows/fpages-811/versions/1'));
    expect(draft.text).toContain('所有: <span class="badge owner-health_centre">13-811保健所</span>');
    expect(draft.text).toContain('id="publish"');
    const forNurse = await html(await nurse.get('/admin/flows/fpages-811/versions/1'));
    expect(forNurse.text).not.toContain('id="publish"');
    expect(forNurse.text).toContain('この質問フローを所有する13-811保健所の保健所管理者以上の担当者です');
    const ok = await admin.form('/admin/flows/fpages-811/versions/1/publish', {});
    expect(ok.status).toBe(303);
    expect((await html(await admin.get(ok.headers.get('location')!))).text).toContain('第1版を公開しました');
    expect((await html(await admin.get('/admin/flows'))).text).toMatch(/id="flow-fpages-811"[\s\S]*?13-811保健所/);
  });

  it('offers the centre\'s flow on the person form; another centre\'s nurse cannot put a person on it', async () => {
    const blank = await html(await nurse.get('/admin/persons/new'));
    expect(blank.text).toContain('<option value="" selected="">分類に応じた既定のフロー（全国）</option>');
    expect(blank.text).toContain('<option value="fpages-811">811保健所の健康観察 — 13-811保健所</option>');
    const res = await nurse.form('/admin/persons', { caseNumber: 'FP-1', name: '見守 次郎', classification: 'confirmed', flowKey: 'fpages-811' });
    expect(res.status).toBe(303);
    const id = /\/admin\/persons\/([0-9a-f-]{36})/.exec(res.headers.get('location')!)![1]!;
    const edit = await html(await nurse.get(`/admin/persons/${id}/edit`));
    expect(edit.text).toContain('<option value="fpages-811" selected="">');
    expect(edit.text).not.toContain('分類に応じた既定のフロー');
    const back = await nurse.form(`/admin/persons/${id}/edit`, { caseNumber: 'FP-1', name: '見守 次郎', classification: 'confirmed', flowKey: 'patient-daily' });
    expect(back.status).toBe(303);
    expect((await html(await nurse.get(`/admin/persons/${id}/edit`))).text).toContain('<option value="patient-daily" selected="">');

    await ensureCentre(deps, '13-812');
    await makeStaff(deps, { email: 'nurse2@fpages.jp', role: 'nurse', jurisdictionCode: '13-812' });
    const other = new Client(app);
    await other.signIn('nurse2@fpages.jp');
    expect((await html(await other.get('/admin/persons/new'))).text).not.toContain('fpages-811');
    expect((await other.get('/admin/flows/fpages-811/versions/1')).status).toBe(404);
    const refused = await html(await other.form('/admin/persons', { caseNumber: 'FP-2', name: '見守 三郎', classification: 'confirmed', flowKey: 'fpages-811' }));
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('id="err-flowKey">全国共通の質問フローか、担当保健所またはその都道府県の質問フローを指定してください');
  });
});
