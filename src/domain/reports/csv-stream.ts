import { pipeline, Readable, Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { stringify } from 'csv-stringify';
import iconv from 'iconv-lite';

export const EXPORT_ENCODINGS = ['utf-8', 'shift_jis'] as const;
export type ExportEncoding = (typeof EXPORT_ENCODINGS)[number];

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell as text, safe to open in a spreadsheet: a value starting with = + - @ tab or CR
 * would be run as a formula by Excel (CSV injection), so it gets a leading single quote.
 * That includes what a patient typed (comments, raw answers) and E.164 phone numbers.
 */
export function safeCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/**
 * Records → CSV bytes, streamed: csv-stringify quotes, then either UTF-8 with a BOM (so
 * Excel detects it) or Shift_JIS — CP932 / Windows-31J, the variant Excel in Japan opens
 * directly (it has ①, ～, NEC/IBM extensions that plain Shift_JIS lacks). Characters CP932
 * cannot hold become '?'. Line endings CRLF, as Excel writes them.
 */
export function csvStream(header: string[], records: AsyncIterable<unknown[]>, encoding: ExportEncoding): Readable {
  async function* cells() {
    yield header.map(safeCell);
    for await (const r of records) yield r.map(safeCell);
  }
  const encoder = encoding === 'shift_jis' ? toCp932() : utf8WithBom();
  // pipeline: an error anywhere (a failed read, a closed client) destroys every stage.
  pipeline(Readable.from(cells()), stringify({ record_delimiter: 'windows' }), encoder, () => {});
  return encoder;
}

/** UTF-8 bytes → CP932 bytes; the decoder keeps a character split across chunks whole. */
function toCp932(): Transform {
  const decoder = new StringDecoder('utf8');
  return new Transform({
    transform(chunk: Buffer | string, _enc, done) {
      done(null, iconv.encode(typeof chunk === 'string' ? chunk : decoder.write(chunk), 'cp932'));
    },
    flush(done) {
      const rest = decoder.end();
      done(null, rest ? iconv.encode(rest, 'cp932') : undefined);
    },
  });
}

function utf8WithBom(): Transform {
  let first = true;
  return new Transform({
    transform(chunk: Buffer | string, _enc, done) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      if (!first) return done(null, buf);
      first = false;
      done(null, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), buf]));
    },
  });
}
