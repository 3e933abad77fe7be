// Just enough of XLSX to preview a group roster export in the browser: the
// zip container (stored or deflated entries, through the platform's
// DecompressionStream), the workbook's first sheet, shared and inline
// strings. Cells come back as strings, placed by their column letters.
// The server reads XLSX itself; this only lets the operator see and map
// the columns first (tests/xlsx.test.js).

const kLocalHeader = 0x04034b50;
const kCentralHeader = 0x02014b50;
const kEndOfDirectory = 0x06054b50;

export class XlsxError extends Error {}

// name → { method, offset, size } from the zip's central directory.
function zipEntries(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--) {
    if (view.getUint32(i, true) === kEndOfDirectory) { end = i; break; }
  }
  if (end < 0) throw new XlsxError('not a zip file (no end of central directory)');
  const count = view.getUint16(end + 10, true);
  let p = view.getUint32(end + 16, true);
  const entries = new Map();
  const names = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== kCentralHeader) {
      throw new XlsxError('damaged zip central directory');
    }
    const method = view.getUint16(p + 10, true);
    const size = view.getUint32(p + 20, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const offset = view.getUint32(p + 42, true);
    const name = names.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    entries.set(name, { method, offset, size });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return { entries, view };
}

async function inflate(data) {
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function readEntry(bytes, zip, name) {
  const e = zip.entries.get(name);
  if (!e) return null;
  if (zip.view.getUint32(e.offset, true) !== kLocalHeader) throw new XlsxError(`damaged zip entry ${name}`);
  const start = e.offset + 30 + zip.view.getUint16(e.offset + 26, true) + zip.view.getUint16(e.offset + 28, true);
  const data = bytes.subarray(start, start + e.size);
  if (e.method === 0) return new TextDecoder().decode(data);
  if (e.method === 8) return new TextDecoder().decode(await inflate(data));
  throw new XlsxError(`unsupported zip compression ${e.method} in ${name}`);
}

function parseXml(text, name) {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) throw new XlsxError(`${name} is not well-formed XML`);
  return doc;
}

const byTag = (node, tag) => Array.from(node.getElementsByTagName(tag));
const textOf = (node) => byTag(node, 't').map((t) => t.textContent).join('');

// "C12" → 2 (zero-based column).
export function columnIndex(ref) {
  const letters = /^[A-Z]+/.exec(ref || '')?.[0] ?? '';
  return letters.split('').reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
}

// The first sheet's path inside the package, from the workbook's relations.
function firstSheetPath(workbook, rels) {
  const sheet = byTag(workbook, 'sheet')[0];
  if (!sheet) throw new XlsxError('the workbook has no sheet');
  const id = sheet.getAttribute('r:id');
  const rel = byTag(rels, 'Relationship').find((r) => r.getAttribute('Id') === id);
  const target = rel?.getAttribute('Target') ?? 'worksheets/sheet1.xml';
  return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
}

// Bytes of an .xlsx → rows of strings (the first sheet).
export async function readXlsx(bytes) {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const zip = zipEntries(data);
  const workbookXml = await readEntry(data, zip, 'xl/workbook.xml');
  if (!workbookXml) throw new XlsxError('not a workbook (no xl/workbook.xml)');
  const relsXml = (await readEntry(data, zip, 'xl/_rels/workbook.xml.rels')) ?? '<Relationships/>';
  const path = firstSheetPath(parseXml(workbookXml, 'workbook.xml'), parseXml(relsXml, 'workbook.xml.rels'));
  const sheetXml = await readEntry(data, zip, path);
  if (!sheetXml) throw new XlsxError(`the first sheet (${path}) is missing`);
  const sharedXml = await readEntry(data, zip, 'xl/sharedStrings.xml');
  const shared = sharedXml ? byTag(parseXml(sharedXml, 'sharedStrings.xml'), 'si').map(textOf) : [];
  const rows = [];
  for (const row of byTag(parseXml(sheetXml, path), 'row')) {
    const cells = [];
    byTag(row, 'c').forEach((c, i) => {
      const col = c.getAttribute('r') ? columnIndex(c.getAttribute('r')) : i;
      const type = c.getAttribute('t');
      const v = byTag(c, 'v')[0]?.textContent ?? '';
      cells[col] = type === 's' ? shared[Number(v)] ?? '' : type === 'inlineStr' ? textOf(c) : v;
    });
    const filled = Array.from(cells, (x) => x ?? '');
    if (filled.some((x) => x !== '')) rows.push(filled);
  }
  return rows;
}

// An Excel date serial (days since 1899-12-30, wall-clock time) → the text
// "YYYY-MM-DD HH:MM" the roster CSV reader takes; other text unchanged.
export function serialToDate(text) {
  if (!/^\d{5}(\.\d+)?$/.test(text)) return text;
  const serial = Number(text);
  const ms = Math.round((serial - 25569) * 86400) * 1000;  // 25569: 1970-01-01.
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

// Rows → CSV text (quoted where needed), the form the upload sends.
export function toCsv(rows) {
  const cell = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return rows.map((r) => r.map((v) => cell(String(v ?? ''))).join(',')).join('\n') + '\n';
}
