// Roster files in the browser: decode (UTF-8 with or without BOM, UTF-16
// with a BOM as Excel's "Unicode text", else GB18030), parse enough
// delimited text (comma, tab or semicolon) for a preview, guess which column is which,
// and rewrite the header with the operator's mapping before upload. The
// server does the real parsing and checking (dates, nicknames, identities).

// The columns the server understands, with the headers it recognises.
export const kRosterFields = {
  group_nickname: ['群昵称', '群名片', 'group_nickname'],
  nickname: ['昵称', '微信昵称', 'nickname', 'name'],
  wechat_id: ['微信号', 'wechat_id', 'wechat', 'wxid'],
  unionid: ['unionid', 'union_id'],
  joined_at: ['入群时间', 'joined_at', 'join_time'],
};

// Bytes → text; `encoding` says which decoder worked.
export function decodeRoster(bytes) {
  let data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
  for (const [b0, b1, encoding] of [[0xff, 0xfe, 'utf-16le'], [0xfe, 0xff, 'utf-16be']]) {
    if (data[0] === b0 && data[1] === b1) {
      return { text: new TextDecoder(encoding).decode(data.subarray(2)), encoding };
    }
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(data), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(data), encoding: 'gb18030' };
  }
}

// The delimiter of the text, as the server sniffs it: whichever of ',',
// tab and ';' occurs most often outside quotes in the first line; ',' on
// a tie or when none does.
export function sniffDelimiter(text) {
  const counts = { ',': 0, '\t': 0, ';': 0 };
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    if (quoted) continue;
    if (c === '\n' || c === '\r') break;
    if (c in counts) counts[c]++;
  }
  return Object.keys(counts).reduce((best, c) => (counts[c] > counts[best] ? c : best), ',');
}

// RFC 4180 CSV → rows of strings (quotes, doubled quotes, CRLF). Stops
// after `maxRows` rows when given.
export function parseCsv(text, maxRows = Infinity, delimiter = ',') {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < maxRows; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') {
      quoted = true;
    } else if (c === delimiter) {
      row.push(cell); cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); cell = '';
      if (row.some((v) => v !== '')) rows.push(row);
      row = [];
    } else {
      cell += c;
    }
  }
  if ((cell !== '' || row.length) && rows.length < maxRows) {
    row.push(cell);
    if (row.some((v) => v !== '')) rows.push(row);
  }
  return rows;
}

// For each header, the field it maps to ('' to ignore it), by the names
// the server knows; each field is taken by at most one column.
export function guessMapping(headers) {
  const taken = new Set();
  return headers.map((h) => {
    const name = String(h).trim().toLowerCase();
    for (const [field, names] of Object.entries(kRosterFields)) {
      if (!taken.has(field) && names.some((n) => n.toLowerCase() === name)) {
        taken.add(field);
        return field;
      }
    }
    return '';
  });
}

// What is wrong with a mapping, or '' when it can be uploaded.
export function mappingProblem(mapping) {
  const used = mapping.filter(Boolean);
  if (!used.includes('nickname') && !used.includes('group_nickname')) return 'needNickname';
  if (new Set(used).size !== used.length) return 'duplicateField';
  return '';
}

function csvCell(v) {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

// The file's text with its header row replaced by the mapped field names
// (ignored columns get a name the server skips).
export function applyMapping(text, mapping) {
  const body = text.replace(/^\uFEFF/, '');
  let end = 0;
  let quoted = false;
  for (; end < body.length; end++) {
    const c = body[end];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
  }
  const header = mapping.map((f, i) => csvCell(f || `ignored_${i + 1}`)).join(',');
  return header + body.slice(end);
}
