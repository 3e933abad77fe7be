import { describe, expect, test } from 'vitest';
import { applyMapping, decodeRoster, guessMapping, mappingProblem, parseCsv, sniffDelimiter } from '../src/lib/roster.js';

describe('roster files', () => {
  test('UTF-8 with a BOM is decoded and the BOM dropped', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('群昵称\n小明妈妈\n')]);
    const { text, encoding } = decodeRoster(bytes);
    expect(encoding).toBe('utf-8');
    expect(text).toBe('群昵称\n小明妈妈\n');
  });
  test('GB18030 is recognised when the bytes are not UTF-8', () => {
    // "群昵称" in GB18030.
    const bytes = new Uint8Array([0xc8, 0xba, 0xea, 0xc7, 0xb3, 0xc6]);
    const { text, encoding } = decodeRoster(bytes);
    expect(encoding).toBe('gb18030');
    expect(text).toBe('群昵称');
  });
  test("Excel's Unicode text (UTF-16 with a BOM) is decoded", () => {
    const le = new Uint8Array([0xff, 0xfe, 0xa4, 0x7f, 0x09, 0x00, 0x61, 0x00]);  // "群\ta"
    expect(decodeRoster(le)).toEqual({ text: '群\ta', encoding: 'utf-16le' });
    const be = new Uint8Array([0xfe, 0xff, 0x7f, 0xa4]);
    expect(decodeRoster(be)).toEqual({ text: '群', encoding: 'utf-16be' });
  });
  test('the delimiter is sniffed from the header line, as the server does', () => {
    expect(sniffDelimiter('群昵称\t微信号\nA,B,C\n')).toBe('\t');
    expect(sniffDelimiter('昵称;微信号\n')).toBe(';');
    expect(sniffDelimiter('nickname,备注;说明\n')).toBe(',');
    expect(sniffDelimiter('"a;b;c",nickname')).toBe(',');
    expect(sniffDelimiter('nickname')).toBe(',');
    expect(parseCsv('a\tb\n"x, y"\tz\n', Infinity, '\t')).toEqual([['a', 'b'], ['x, y', 'z']]);
  });
  test('CSV quotes, doubled quotes, CRLF and blank lines', () => {
    const rows = parseCsv('a,b\r\n"x, y","say ""hi"""\r\n\r\nlast,\n');
    expect(rows).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['last', '']]);
    expect(parseCsv('a\nb\nc', 2)).toEqual([['a'], ['b']]);
    expect(parseCsv('no newline')).toEqual([['no newline']]);
  });
  test('headers are mapped by the names the server knows, each field once', () => {
    expect(guessMapping(['群昵称', '微信号', '备注', '入群时间', 'Nickname'])).toEqual(
      ['group_nickname', 'wechat_id', '', 'joined_at', 'nickname']);
    expect(guessMapping(['昵称', 'name'])).toEqual(['nickname', '']);
  });
  test('a mapping needs a nickname column and no field twice', () => {
    expect(mappingProblem(['wechat_id', ''])).toBe('needNickname');
    expect(mappingProblem(['nickname', 'nickname'])).toBe('duplicateField');
    expect(mappingProblem(['', 'group_nickname'])).toBe('');
  });
  test('the mapping rewrites only the header row', () => {
    const text = '\uFEFF"名字, 群",手机\n"王小明妈妈",138\n';
    expect(applyMapping(text, ['nickname', ''])).toBe('nickname,ignored_2\n"王小明妈妈",138\n');
  });
});
