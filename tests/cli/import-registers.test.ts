import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, jurisdictions, medicalInstitutions } from '../../db/schema';
import { parseArgs } from '../../src/cli/command';
import { importInstitutionsCommand, importJurisdictionsCommand } from '../../src/cli/import-registers';
import { createTestDeps, type TestDeps } from '../support/deps';

const dir = mkdtempSync(path.join(tmpdir(), 'mimamori-registers-'));
let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(async () => {
  await deps?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(command: typeof importJurisdictionsCommand, file: string) {
  const lines: string[] = [];
  const code = await command.run(parseArgs([file]), deps, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

describe('npm run cli -- import-jurisdictions / import-institutions', () => {
  it('imports centres from a Shift_JIS CSV with Japanese headers; bad rows reported by line; a second run changes nothing', async () => {
    const csv = [
      '保健所コード,都道府県コード,名称,英語名称,電話番号,夜間休日電話番号,開庁時間,患者の観察時刻,接触者の観察時刻,送信停止時間帯',
      '13-cli-a,13,ＣＬＩ区保健所,CLI Ward HC,03-1000-2000,03-1000-2999,月-金 08:30-17:15,09:00 15:00,10:00,21:00-08:00',
      '14-cli-b,14,横浜テスト保健所,Yokohama Test HC,045-000-0000,,,,,',
      'bad code,13,壊れた保健所,Broken,,,,,,',
      '13-cli-c,99,存在しない県,Nowhere,,,,,,',
      '13-cli-d,13,時刻誤り保健所,Bad Rounds,,,,25:00,,',
    ].join('\r\n');
    const file = path.join(dir, 'centres-sjis.csv');
    writeFileSync(file, iconv.encode(csv, 'CP932'));
    const first = await run(importJurisdictionsCommand, file);
    expect(first.code).toBe(2);
    expect(first.out).toContain('5行: 新規 2、更新 0、変更なし 0、エラー 3');
    expect(first.out).toMatch(/4行目 \[bad code\] code（保健所コード）: 保健所コードは英数字/);
    expect(first.out).toMatch(/5行目 \[13-cli-c\] parent_code（都道府県コード）: 都道府県コード/);
    expect(first.out).toMatch(/6行目 \[13-cli-d\] 観察時刻/);
    const [a] = await deps.db.select().from(jurisdictions).where(eq(jurisdictions.code, '13-cli-a'));
    expect(a).toMatchObject({ nameJa: 'ＣＬＩ区保健所', afterHoursPhone: '03-1000-2999', roundTimes: { patient: ['09:00', '15:00'], contact: ['10:00'] }, quietHours: '21:00-08:00', path: '/JP/13/13-cli-a/' });
    expect(JSON.parse(a!.openingHours!)).toEqual({ days: [1, 2, 3, 4, 5], open: '08:30', close: '17:15' });

    const second = await run(importJurisdictionsCommand, file);
    expect(second.out).toContain('5行: 新規 0、更新 0、変更なし 2、エラー 3');
    // A changed phone is an update, nothing else moves.
    writeFileSync(file, iconv.encode(csv.replace('03-1000-2000', '03-1000-2001'), 'CP932'));
    expect((await run(importJurisdictionsCommand, file)).out).toContain('新規 0、更新 1、変更なし 1');
    const imports = await deps.db.select().from(auditLog).where(and(eq(auditLog.entity, 'jurisdiction'), eq(auditLog.action, 'import')));
    expect(imports).toHaveLength(3);
    expect(imports[0]!.details).toMatchObject({ total: 5, created: 2, failed: 3, fileSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('imports institutions from UTF-8 with a BOM, validating the 医療機関コード', async () => {
    const csv = '\ufeffcode,name,address,phone,centre_code\n1310000011,CLI医院,東京都,03-0000-1111,13-cli-a\n1350000011,獣医,東京都,,13-cli-a\n13100000,短い,東京都,,13-cli-a\n1440000014,横浜薬局,横浜市,,14-cli-b\n';
    const file = path.join(dir, 'institutions.csv');
    writeFileSync(file, csv);
    const first = await run(importInstitutionsCommand, file);
    expect(first.out).toContain('4行: 新規 2、更新 0、変更なし 0、エラー 2');
    expect(first.out).toContain('3行目 [1350000011] code（医療機関コード）: 医療機関コードの3桁目は点数表番号');
    expect(first.out).toContain('4行目 [13100000] code（医療機関コード）: 医療機関コードは10桁の数字です');
    expect((await deps.db.select().from(medicalInstitutions).where(eq(medicalInstitutions.code, '1440000014'))).length).toBe(1);
    expect((await run(importInstitutionsCommand, file)).out).toContain('新規 0、更新 0、変更なし 2、エラー 2');
  });

  it('refuses an empty file or a header only, in Japanese, storing nothing', async () => {
    const file = path.join(dir, 'empty.csv');
    writeFileSync(file, 'code,name\n');
    await expect(run(importInstitutionsCommand, file)).rejects.toThrow(/見出し行しかありません/);
  });
});
