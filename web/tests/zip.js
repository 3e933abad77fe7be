// Builds zip and XLSX files byte by byte for tests (Vitest and the browser
// tests): entries stored or deflated, no CRC (the readers do not check it).
import { deflateRawSync } from 'node:zlib';

// A zip of (name, text) parts; `deflate` names the parts to compress.
export function zip(parts, deflate = new Set()) {
  const enc = new TextEncoder();
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, text] of parts) {
    const nameBytes = enc.encode(name);
    const raw = enc.encode(text);
    const method = deflate.has(name) ? 8 : 0;
    const data = method ? new Uint8Array(deflateRawSync(raw)) : raw;
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(8, method, true);
    local.setUint32(18, data.length, true);
    local.setUint32(22, raw.length, true);
    local.setUint16(26, nameBytes.length, true);
    const central = new DataView(new ArrayBuffer(46));
    central.setUint32(0, 0x02014b50, true);
    central.setUint16(10, method, true);
    central.setUint32(20, data.length, true);
    central.setUint32(24, raw.length, true);
    central.setUint16(28, nameBytes.length, true);
    central.setUint32(42, offset, true);
    locals.push(new Uint8Array(local.buffer), nameBytes, data);
    centrals.push(new Uint8Array(central.buffer), nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const dirSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, parts.length, true);
  end.setUint16(10, parts.length, true);
  end.setUint32(12, dirSize, true);
  end.setUint32(16, offset, true);
  const all = [...locals, ...centrals, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((n, b) => n + b.length, 0));
  let p = 0;
  for (const b of all) { out.set(b, p); p += b.length; }
  return out;
}


const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';

// A workbook whose first sheet (at a non-default path) holds `sheet` rows
// and `shared` strings; the sheet part is deflated.
export function workbookXlsx(sheet, shared) {
  return zip([
    ['[Content_Types].xml', '<Types/>'],
    ['xl/workbook.xml', `<workbook ${ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="群成员" sheetId="1" r:id="rId7"/></sheets></workbook>`],
    ['xl/_rels/workbook.xml.rels', '<Relationships><Relationship Id="rId7" Target="worksheets/members.xml"/></Relationships>'],
    ['xl/sharedStrings.xml', `<sst ${ns}>${shared}</sst>`],
    ['xl/worksheets/members.xml', `<worksheet ${ns}><sheetData>${sheet}</sheetData></worksheet>`],
  ], new Set(['xl/worksheets/members.xml']));
}

// A roster workbook: a header row and one row per [nickname, serial date].
export function rosterXlsx(rows) {
  const strings = ['群昵称', '入群时间', ...rows.map((r) => r[0])];
  const shared = strings.map((x) => `<si><t>${x}</t></si>`).join('');
  const sheet = ['<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
    ...rows.map((r, i) => `<row r="${i + 2}"><c r="A${i + 2}" t="s"><v>${i + 2}</v></c><c r="B${i + 2}"><v>${r[1]}</v></c></row>`)];
  return workbookXlsx(sheet.join(''), shared);
}
