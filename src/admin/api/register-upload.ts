import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { ValidationError } from '../../domain/errors';
import type { RegisterRow } from '../../domain/registers/import-rows';
import { readKeyedTable } from '../../platform/tabular/read-keyed-table';
import { TableError } from '../../platform/tabular/table-error';

const MAX_BYTES = 5 * 1024 * 1024; // registers are small: 47 prefectures' centres, tens of thousands of clinics at most

/**
 * A register CSV sent to the API or the console: multipart field `file`, or the body
 * itself (text/csv). Returns its rows and SHA-256; an unreadable or oversized file is a
 * 422 on `file` with a Japanese message, and nothing is stored.
 */
export async function registerUpload(c: Context): Promise<{ rows: RegisterRow[]; fileSha256: string }> {
  const type = c.req.header('content-type') ?? '';
  let bytes: Uint8Array;
  if (type.startsWith('multipart/form-data')) {
    const body = await c.req.parseBody();
    const file = body.file;
    if (!(file instanceof File)) throw refusal('a CSV file is required in the field "file"', 'CSVファイルを選んでください');
    if (file.size > MAX_BYTES) throw refusal('the file is larger than 5 MB', 'ファイルが大きすぎます（5 MBまで）');
    bytes = new Uint8Array(await file.arrayBuffer());
  } else {
    const buf = await c.req.arrayBuffer();
    if (buf.byteLength > MAX_BYTES) throw refusal('the file is larger than 5 MB', 'ファイルが大きすぎます（5 MBまで）');
    bytes = new Uint8Array(buf);
  }
  try {
    return { rows: (await readKeyedTable(bytes)).rows, fileSha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (err) {
    if (err instanceof TableError) throw refusal(err.message, err.messageJa);
    throw err;
  }
}

const refusal = (message: string, messageJa: string) => new ValidationError([{ field: 'file', message, messageJa }]);
