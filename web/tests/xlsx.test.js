// The browser's XLSX preview reader, on workbooks built here byte by byte
// (one part deflated, the rest stored, as real exports mix them).
import { describe, expect, test } from 'vitest';
import { columnIndex, readXlsx, serialToDate, toCsv, XlsxError } from '../src/lib/xlsx.js';
import { workbookXlsx, zip } from './zip.js';

const workbook = workbookXlsx;

describe('xlsx preview', () => {
  test('shared, rich, inline and plain cells land in their columns', async () => {
    const shared = '<si><t>群昵称</t></si><si><t>微信号</t></si><si><t>入群时间</t></si>' +
      '<si><r><t>王小明</t></r><r><t>妈妈</t></r></si>';
    const sheet = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>' +
      '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="C2"><v>46082.84375</v></c></row>' +
      '<row r="3"><c r="A3" t="inlineStr"><is><t>李欣怡 &amp; 妈妈</t></is></c><c r="B3" t="str"><v>wx_2</v></c></row>' +
      '<row r="4"></row>';
    const rows = await readXlsx(workbook(sheet, shared));
    expect(rows).toEqual([
      ['群昵称', '微信号', '入群时间'],
      ['王小明妈妈', '', '46082.84375'],
      ['李欣怡 & 妈妈', 'wx_2'],
    ]);
  });
  test('date serials become wall-clock times the CSV reader takes', () => {
    expect(serialToDate('46082.84375')).toBe('2026-03-01 20:15');
    expect(serialToDate('46082')).toBe('2026-03-01 00:00');
    expect(serialToDate('2026-03-01')).toBe('2026-03-01');
    expect(serialToDate('王小明')).toBe('王小明');
  });
  test('column letters count from A', () => {
    expect(columnIndex('A1')).toBe(0);
    expect(columnIndex('Z9')).toBe(25);
    expect(columnIndex('AA10')).toBe(26);
  });
  test('rows become CSV with quoting', () => {
    expect(toCsv([['a,b', 'say "hi"'], ['x', '']])).toBe('"a,b","say ""hi"""\nx,\n');
  });
  test('what is not a workbook is a clear error', async () => {
    await expect(readXlsx(new TextEncoder().encode('nickname\n小明\n'))).rejects.toThrow(XlsxError);
    await expect(readXlsx(zip([['hello.txt', 'hi']]))).rejects.toThrow(/not a workbook/);
    const broken = zip([['xl/workbook.xml', '<workbook><sheets>']]);
    await expect(readXlsx(broken)).rejects.toThrow(XlsxError);
  });
});
