import yauzl from 'yauzl';
import { TableError, type TableLimits } from './table-error';

// Parts exceljs keeps whole in memory while streaming the sheets: inflated once here, with
// yauzl checking that they are no larger than their central-directory sizes say.
const CACHED_PARTS = new Set(['xl/sharedStrings.xml', 'xl/styles.xml', 'xl/workbook.xml']);
// Below this an entry's ratio does not matter (tiny XML parts compress 50:1 and more).
const RATIO_FLOOR = 1024 * 1024;

/**
 * Check an .xlsx file before any XML is parsed: a real workbook (xl/workbook.xml), without
 * macros (xl/vbaProject.bin), whose parts unpack to no more than `maxUnpackedBytes` in
 * total and no part to more than `maxRatio` times its compressed size — what a zip bomb
 * (a few KB that inflate to gigabytes) cannot pass. Sizes come from the central
 * directory; the parts read whole are inflated and held to the sizes declared.
 */
export async function inspectWorkbookZip(bytes: Buffer, limits: TableLimits): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false });
  } catch {
    throw new TableError('unreadable', { kind: 'Excel (.xlsx)' });
  }
  let total = 0;
  let entries = 0;
  let hasWorkbook = false;
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) break;
      entries++;
      const name = entry.fileName;
      if (/vbaProject\.bin$/i.test(name) || /vbaProjectSignature/i.test(name)) throw new TableError('macro_workbook');
      if (name === 'xl/workbook.xml') hasWorkbook = true;
      total += entry.uncompressedSize;
      if (entries > 10_000 || total > limits.maxUnpackedBytes) throw new TableError('zip_bomb');
      if (entry.uncompressedSize > RATIO_FLOOR && entry.uncompressedSize > limits.maxRatio * Math.max(1, entry.compressedSize)) throw new TableError('zip_bomb');
      if (CACHED_PARTS.has(name)) await drain(zip, entry);
    }
  } catch (err) {
    if (err instanceof TableError) throw err;
    // yauzl: "too many bytes in the stream" and the like — a part larger than it claims.
    throw new TableError(/bytes|size/i.test((err as Error).message) ? 'zip_bomb' : 'unreadable', { kind: 'Excel (.xlsx)' });
  } finally {
    zip.close();
  }
  if (!hasWorkbook) throw new TableError('unreadable', { kind: 'Excel (.xlsx)' });
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: yauzl.Entry) => (cleanup(), resolve(e));
    const onEnd = () => (cleanup(), resolve(null));
    const onError = (err: Error) => (cleanup(), reject(err));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

async function drain(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<void> {
  const stream = await zip.openReadStreamPromise(entry);
  for await (const _ of stream) {
    // counted and checked against the declared size by yauzl
  }
}
