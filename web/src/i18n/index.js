// zh-CN by default, English on request; the choice is remembered.
import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN.js';
import en from './en.js';

export const kLocales = ['zh-CN', 'en'];
const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('qunying.lang') : null;

export const i18n = createI18n({
  legacy: false,
  locale: kLocales.includes(saved) ? saved : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

export function setLocale(lang) {
  i18n.global.locale.value = lang;
  localStorage.setItem('qunying.lang', lang);
  document.documentElement.lang = lang;
}
