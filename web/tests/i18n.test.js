// Every string goes through i18n: both locales have the same keys, every
// key the pages use exists, and no Chinese text is written into a template
// (language names in the switch excepted).
import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import zh from '../src/i18n/zh-CN.js';
import en from '../src/i18n/en.js';
import { setLocale } from '../src/i18n/index.js';
import { describeError } from '../src/lib/session.js';

const src = path.resolve(__dirname, '../src');

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(vue|js)$/.test(f) ? [p] : [];
  });
}

function keys(obj, prefix = '') {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]);
}

function lookup(messages, key) {
  return key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), messages);
}

const sources = files(src).filter((f) => !f.includes(`${path.sep}i18n${path.sep}`));

describe('i18n', () => {
  test('both locales have exactly the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort());
  });

  test('every key a page uses exists in both locales', () => {
    const used = new Set();
    const prefixes = new Set();
    for (const f of sources) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/\bt\(`([a-zA-Z0-9_.]+)\.\$\{/g)) prefixes.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(50);
    for (const key of used) {
      expect(typeof lookup(zh, key), key).toBe('string');
      expect(typeof lookup(en, key), key).toBe('string');
    }
    for (const p of prefixes) {
      expect(typeof lookup(zh, p), p).toBe('object');
      expect(typeof lookup(en, p), p).toBe('object');
    }
  });

  test('no message is left unused', () => {
    const text = sources.map((f) => readFileSync(f, 'utf8')).join('\n');
    const dynamic = [...text.matchAll(/\bt\(`([a-zA-Z0-9_.]+)\.\$\{/g)].map((m) => `${m[1]}.`);
    dynamic.push('errors.');  // Looked up by code in lib/session.js.
    const unused = keys(zh).filter((k) => !text.includes(`'${k}'`) && !dynamic.some((p) => k.startsWith(p)));
    expect(unused).toEqual([]);
  });

  test('templates hold no Chinese text of their own', () => {
    const offenders = [];
    for (const f of sources.filter((s) => s.endsWith('.vue'))) {
      const template = /<template>([\s\S]*)<\/template>/.exec(readFileSync(f, 'utf8'))?.[1] ?? '';
      const stripped = template.replace(/<!--[\s\S]*?-->/g, '').replace(/中文/g, '');
      const hit = /[\u4e00-\u9fff]/.exec(stripped);
      if (hit) offenders.push(`${path.basename(f)}: …${stripped.slice(Math.max(0, hit.index - 20), hit.index + 10)}…`);
    }
    expect(offenders).toEqual([]);
  });

  test('every error code of the contract has words in both languages', async () => {
    for (const code of [40001, 40101, 40301, 40401, 40901, 41301, 41501, 42901, 50001, 50301]) {
      expect(typeof zh.errors[code], String(code)).toBe('string');
      expect(typeof en.errors[code], String(code)).toBe('string');
    }
  });

  test('errors read in the chosen language, with the server words kept', () => {
    setLocale('zh-CN');
    expect(describeError(40001, 'days must be 1–366')).toBe('输入有误: days must be 1–366');
    setLocale('en');
    expect(describeError(40401, 'lead not found')).toBe('Not found: lead not found');
    expect(describeError(12345, 'odd')).toBe('odd');
    setLocale('zh-CN');
  });

  test('messages with placeholders keep them in both languages', () => {
    for (const key of keys(zh)) {
      const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(lookup(en, key)), key).toEqual(names(lookup(zh, key)));
    }
  });
});
