// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// app.js: the console's shell. Finds the session, builds the navigation
// from the pages the user may see, routes #/path hashes to page modules
// and keeps the header (language, sign-out) in step.

import { api, session, setSession } from './lib/api.js';
import { h, clear } from './lib/dom.js';
import { t, lang, loadLang, setLang } from './lib/i18n.js';
import { zoneName } from './lib/time.js';
import { clearAlert, guard, showError } from './lib/alert.js';
import { isStaff } from './lib/roles.js';
import { pages } from './pages/index.js';

const $ = (id) => document.getElementById(id);
const main = $('main');
const NEXT = 'schakel.next';
let view = null;
let loaded = false;
let timers = [];

const routes = pages.map((page) => {
  const names = [];
  const src = page.path.replace(/:(\w+)/g, (m, n) => { names.push(n); return '([^/]+)'; });
  return { page, names, re: new RegExp(`^${src}$`) };
});

function me() {
  const s = session();
  return s ? s.user : null;
}

function home() {
  return isStaff(me()) ? '#/queue' : '#/portal/org';
}

function match(path, qs) {
  for (const r of routes) {
    const m = r.re.exec(path);
    if (!m) continue;
    const params = Object.fromEntries(new URLSearchParams(qs || ''));
    r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
    return { page: r.page, params };
  }
  return null;
}

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function stopTimers() {
  timers.forEach((id) => clearInterval(id));
  timers = [];
}

function signedIn(s) {
  setSession(s);
  shell();
  const next = sessionStorage.getItem(NEXT);
  sessionStorage.removeItem(NEXT);
  navigate(next && next !== '#/signin' ? next : home());
}

async function signOut() {
  await guard(async () => {
    await api('DELETE', '/session');
    setSession(null);
    shell();
    navigate('#/signin');
  });
}

function shell() {
  const user = me();
  $('skip').textContent = t('common.skip');
  $('lang-label').textContent = t('common.language');
  $('lang').value = lang();
  $('signout').textContent = t('nav.signout');
  $('signout').hidden = !user;
  $('who').hidden = !user;
  $('who').textContent = user ? `${user.name} · ${user.org ? user.org.name : t(`role.${user.role}`)}` : '';
  $('zone').textContent = t('common.zone', { zone: zoneName() });
  $('brand').setAttribute('href', user ? home() : '#/signin');
  const nav = $('nav');
  nav.setAttribute('aria-label', t('nav.label'));
  nav.hidden = !user;
  clear($('nav-list')).append(...(user ? pages.filter((p) => p.nav && p.allow(user)) : [])
    .map((p) => h('li', null, h('a', { href: `#${p.path}`, 'data-path': p.path }, t(p.title)))));
}

// The navigation marks the page shown, or the one it belongs under (a
// ticket under the queue, an organization under the organizations).
function markNav(path, page) {
  const at = page && page.under ? page.under : path;
  for (const a of $('nav-list').querySelectorAll('a')) {
    const p = a.dataset.path;
    const here = at === p || at.startsWith(`${p}/`);
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

async function route() {
  const raw = location.hash.slice(1) || '/';
  if (!raw.startsWith('/')) return;
  const [path, qs] = raw.split('?');
  const user = me();
  if (!user && path !== '/signin') {
    if (path !== '/') sessionStorage.setItem(NEXT, `#${raw}`);
    location.replace('#/signin');
    return;
  }
  if (path === '/' || (user && path === '/signin')) {
    location.replace(home());
    return;
  }
  stopTimers();
  clearAlert();
  shell();
  const m = match(path, qs);
  markNav(path, m && m.page);
  const box = h('div', { class: 'page' });
  view = box;
  clear(main).append(box);
  // After a navigation the focus moves to the new content; on the first
  // load it stays at the top, where the skip link comes first.
  if (loaded) main.focus();
  loaded = true;
  if (!m) {
    document.title = `${t('common.not_found')} — schakel`;
    box.append(h('h1', null, t('common.not_found')));
    return;
  }
  document.title = `${t(m.page.title)} — schakel`;
  if (m.page.path !== '/signin' && !m.page.allow(user)) {
    box.append(h('h1', null, t('common.not_available')), h('p', null, t('common.not_available_text')));
    return;
  }
  const ctx = {
    me: user, api, t, navigate, signedIn,
    current: () => view === box,
    every(ms, fn) {
      const id = setInterval(() => { if (view === box) fn(); }, ms);
      timers.push(id);
      return id;
    },
  };
  try {
    await m.page.render(box, m.params, ctx);
  } catch (err) {
    if (view === box) showError(err);
  }
}

async function start() {
  await loadLang();
  $('lang').addEventListener('change', async (ev) => {
    await setLang(ev.target.value);
    route();
  });
  $('signout').addEventListener('click', signOut);
  $('skip').addEventListener('click', (ev) => {
    ev.preventDefault();
    main.focus();
  });
  try {
    setSession(await api('GET', '/session'));
  } catch (err) {
    setSession(null);
    if (err.status !== 401) showError(err);
  }
  shell();
  window.addEventListener('hashchange', route);
  route();
}

start();
