import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { inspectTable, openTable } from '../../../src/platform/tabular/read-table';
import { DEFAULT_TABLE_LIMITS, TableError } from '../../../src/platform/tabular/table-error';

const CSV = '氏名,フリガナ,生年月日\r\n山田 太郎,ヤマダ タロウ,昭和23年4月1日\r\n,,\r\n髙橋 ①子,タカハシ イチコ,1950/1/2\r\n';

async function rowsOf(bytes: Buffer, fileName?: string) {
  const t = await openTable(bytes, { fileName });
  const rows = [];
  for await (const r of t.rows()) rows.push(r);
  return { header: t.header, kind: t.kind, encoding: t.encoding, rows };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TableError);
    expect((err as TableError).messageJa).toMatch(/[ぁ-んァ-ン一-龯]/);
    return (err as TableError).code;
  }
  throw new Error('not refused');
}

async function workbook(fill: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  fill(wb.addWorksheet('名簿'));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('CSV', () => {
  it('reads UTF-8 with and without BOM, and Shift_JIS (CP932) as Excel saves it, with the same rows', async () => {
    const plain = await rowsOf(Buffer.from(CSV, 'utf8'));
    const bom = await rowsOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CSV, 'utf8')]));
    const sjis = await rowsOf(iconv.encode(CSV, 'cp932'));
    expect(plain.header).toEqual(['氏名', 'フリガナ', '生年月日']);
    expect(plain.rows).toEqual([
      { row: 2, cells: ['山田 太郎', 'ヤマダ タロウ', '昭和23年4月1日'] },
      { row: 4, cells: ['髙橋 ①子', 'タカハシ イチコ', '1950/1/2'] },
    ]);
    expect(bom.header).toEqual(plain.header);
    expect(bom.rows).toEqual(plain.rows);
    expect(sjis).toMatchObject({ encoding: 'shift_jis', header: plain.header, rows: plain.rows });
  });

  it('detects Shift_JIS in a file larger than the sample the guess is made from', async () => {
    const big = iconv.encode(`氏名,生年月日\r\n${'山田 太郎,昭和23年4月1日\r\n'.repeat(20_000)}`, 'cp932');
    expect(big.length).toBeGreaterThan(256 * 1024);
    const summary = await inspectTable(big);
    expect(summary).toMatchObject({ encoding: 'shift_jis', header: ['氏名', '生年月日'], rowCount: 20_000 });
  });

  it('refuses an empty file, a header only, a binary file, an old .xls, too many rows and too many bytes', async () => {
    expect(await refusal(inspectTable(Buffer.alloc(0)))).toBe('empty');
    expect(await refusal(inspectTable(Buffer.from('\r\n\r\n')))).toBe('empty');
    expect(await refusal(inspectTable(Buffer.from('氏名,生年月日\r\n,\r\n')))).toBe('header_only');
    expect(await refusal(inspectTable(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1])))).toBe('unsupported_type');
    expect(await refusal(inspectTable(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])))).toBe('legacy_xls');
    const limits = { ...DEFAULT_TABLE_LIMITS, maxRows: 3, maxBytes: 1000 };
    expect(await refusal(inspectTable(Buffer.from('a\n1\n2\n3\n4\n'), { limits }))).toBe('too_many_rows');
    expect(await refusal(inspectTable(Buffer.alloc(1001, 0x61), { limits }))).toBe('too_large');
    expect((await inspectTable(Buffer.from('a\n1\n2\n3\n'), { limits })).rowCount).toBe(3);
  });
});

describe('XLSX', () => {
  it('reads the first sheet: formulas as their cached values (never evaluated), dates as dates, numbers as text', async () => {
    const bytes = await workbook((ws) => {
      ws.addRow(['氏名', '生年月日', '電話番号', '年齢']);
      ws.addRow(['山田 太郎', new Date(Date.UTC(1948, 3, 1)), 9012345678, { formula: 'NOW()-1', result: 77 }]);
      ws.addRow([]);
      ws.addRow([{ richText: [{ text: '佐藤 ' }, { text: '花子' }] }, '昭和25年1月2日', '03-1234-5678', { formula: 'A1', result: undefined }]);
    });
    const t = await rowsOf(bytes, 'list.xlsx');
    expect(t.kind).toBe('xlsx');
    expect(t.header).toEqual(['氏名', '生年月日', '電話番号', '年齢']);
    expect(t.rows).toEqual([
      { row: 2, cells: ['山田 太郎', '1948-04-01', '9012345678', '77'] },
      { row: 4, cells: ['佐藤 花子', '昭和25年1月2日', '03-1234-5678', ''] },
    ]);
  });

  it('refuses a macro workbook, a zip bomb, a zip that is no workbook, and a header-only sheet', async () => {
    const plain = await workbook((ws) => ws.addRow(['氏名']));
    expect(await refusal(inspectTable(plain))).toBe('header_only');
    expect(await refusal(inspectTable(plain, { fileName: 'macro.xlsm' }))).toBe('macro_workbook');
    const zip = await JSZip.loadAsync(plain);
    zip.file('xl/vbaProject.bin', Buffer.from('VBA'));
    expect(await refusal(inspectTable(await zip.generateAsync({ type: 'nodebuffer' })))).toBe('macro_workbook');

    const bomb = await JSZip.loadAsync(plain);
    bomb.file('xl/worksheets/sheet1.xml', Buffer.alloc(30 * 1024 * 1024, 0x20));
    const bombBytes = await bomb.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
    expect(bombBytes.length).toBeLessThan(200 * 1024);
    expect(await refusal(inspectTable(bombBytes))).toBe('zip_bomb');
    expect(await refusal(inspectTable(bombBytes, { limits: { ...DEFAULT_TABLE_LIMITS, maxRatio: 1e6, maxUnpackedBytes: 10 * 1024 * 1024 } }))).toBe('zip_bomb');

    const notWorkbook = new JSZip();
    notWorkbook.file('readme.txt', 'hello');
    expect(await refusal(inspectTable(await notWorkbook.generateAsync({ type: 'nodebuffer' })))).toBe('unreadable');
  });
});
