// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// lib/i18n.js: English, Dutch and French. The console's strings are in
// i18n/{en,nl,fr}.json, the partner portal's in i18n/portal-{en,nl,fr}.json;
// both are loaded at start and on a change of language. A key without a
// translation shows the key itself.

export const LANGS = ['en', 'nl', 'fr'];
const KEY = 'schakel.lang';
let code = 'en';
let dict = {};

function initial() {
  let stored = null;
  try {
    stored = localStorage.getItem(KEY);
  } catch (e) {
    stored = null;
  }
  if (LANGS.includes(stored)) return stored;
  for (const l of navigator.languages || [navigator.language || 'en']) {
    const base = String(l).slice(0, 2).toLowerCase();
    if (LANGS.includes(base)) return base;
  }
  return 'en';
}

async function load(file) {
  try {
    const res = await fetch(`/i18n/${file}.json`, { credentials: 'same-origin' });
    return res.ok ? await res.json() : {};
  } catch (e) {
    return {};
  }
}

export async function loadLang(c) {
  code = LANGS.includes(c) ? c : initial();
  const [own, portal] = await Promise.all([load(code), load(`portal-${code}`)]);
  dict = Object.assign({}, portal, own);
  document.documentElement.lang = code;
}

export function lang() {
  return code;
}

export async function setLang(c) {
  if (!LANGS.includes(c)) return;
  try {
    localStorage.setItem(KEY, c);
  } catch (e) {
    // private windows may refuse storage; the choice lasts this page only
  }
  await loadLang(c);
}

// t('queue.count', {n: 4}) with "{n} open tickets" in the dictionary.
export function t(key, vars) {
  const s = Object.prototype.hasOwnProperty.call(dict, key) ? dict[key] : key;
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}
