// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/calllist.js: the duty officer's calling list of an urgent
// advisory (GET /advisories/{id}/calllist): the organizations nobody
// acknowledged for, in the order to call them, with their 24x7 phone
// numbers as tel: links, the calls made so far and a form per row to
// record a call (POST /alerts/{id}/calls). It refreshes itself every 30 s
// unless a call is being typed in.

import { h, field, input, select, swap, table } from '../lib/dom.js';
import { onSubmit, showNotice } from '../lib/alert.js';
import { isStaff } from '../lib/roles.js';
import { fmtTime } from '../lib/time.js';

const REFRESH_MS = 30000;

export function alertState(r, t) {
  return h('span', { class: `state-${r.state}` }, t(`alerts.state.${r.state}`));
}

// 754 -> "12 min 34 s"; null -> "—".
export function duration(secs, t) {
  if (secs === null || secs === undefined) return '—';
  const m = Math.floor(secs / 60), s = secs % 60;
  if (m >= 60) return t('alerts.hours', { h: Math.floor(m / 60), m: m % 60 });
  return m ? t('alerts.minutes', { m, s }) : t('alerts.seconds', { s });
}

// "SOC: +31 20 555 0001; Night desk: -" -> tel: links.
function phones(text) {
  const parts = (text || '').split('; ').filter(Boolean);
  return h('ul', { class: 'phones' }, parts.map((p) => {
    const at = p.lastIndexOf(': ');
    const name = at >= 0 ? p.slice(0, at) : '';
    const num = at >= 0 ? p.slice(at + 2) : p;
    const dial = num.replace(/[^+0-9]/g, '');
    return h('li', null, name ? `${name}: ` : '', dial ? h('a', { href: `tel:${dial}` }, num) : num);
  }));
}

function lastCall(calls, t) {
  if (!calls || !calls.length) return '—';
  const c = calls[calls.length - 1];
  return h('div', null,
    h('div', null, fmtTime(c.at), ' · ', c.reached ? t('calllist.reached_yes') : t('calllist.reached_no'),
      c.who ? ` · ${c.who}` : ''),
    h('small', { class: 'muted' }, t('calllist.by', { by: c.by, n: calls.length }), c.notes ? ` — ${c.notes}` : ''));
}

function callForm(row, ctx, refresh) {
  const { t } = ctx;
  const f = h('form', { class: 'call', 'data-alert': row.alert.id, 'aria-label': t('calllist.record_for', { org: row.alert.org }) },
    field(t('calllist.reached'), select('reached', [['no', t('calllist.reached_no')], ['yes', t('calllist.reached_yes')]], 'no')),
    field(t('calllist.who'), input('who', { autocomplete: 'off' })),
    field(t('calllist.notes'), input('notes', { autocomplete: 'off' })),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, t('calllist.record'))));
  onSubmit(f, async (d) => {
    await ctx.api('POST', `/alerts/${row.alert.id}/calls`, { reached: d.reached === 'yes', who: d.who, notes: d.notes });
    showNotice(t('calllist.recorded', { org: row.alert.org }));
    await refresh(true);
  });
  return f;
}

export default {
  path: '/advisories/:id/calllist',
  title: 'calllist.title',
  under: '/advisories',
  nav: false,
  allow: (me) => isStaff(me),
  async render(main, params, ctx) {
    const { t } = ctx;
    const id = Number(params.id);
    const a = await ctx.api('GET', `/advisories/${id}`);
    const stamp = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
    let list = h('p', { class: 'muted' }, t('common.loading'));
    main.append(
      h('h1', null, t('calllist.heading', { number: a.number })),
      h('p', null, h('a', { href: `#/advisories/${a.id}` }, a.title)),
      h('p', { class: 'hint' }, t('calllist.lead')),
      stamp, list);

    const refresh = async (force) => {
      // A call being typed in is not wiped out by the refresh.
      const busy = [...list.querySelectorAll('form.call')].some((f) => f.contains(document.activeElement)
        || [...f.querySelectorAll('input')].some((i) => i.value));
      if (busy && !force) return;
      const page = await ctx.api('GET', `/advisories/${id}/calllist`);
      if (!ctx.current()) return;
      list = swap(list, table([
        { label: t('advisory.org'), value: (r) => h('a', { href: `#/orgs/${r.alert.org_id}` }, r.alert.org) },
        { label: t('calllist.class'), value: (r) => r.class },
        { label: t('alerts.state'), value: (r) => alertState(r.alert, t) },
        { label: t('calllist.phones'), value: (r) => phones(r.phones) },
        { label: t('calllist.last_call'), value: (r) => lastCall(r.calls, t) },
        { label: t('alerts.sent'), value: (r) => fmtTime(r.alert.sent_at) },
        { label: t('calllist.record_call'), value: (r) => callForm(r, ctx, refresh) },
      ], page.items || [], (r) => ({ 'data-alert': r.alert.id }), t('calllist.caption')));
      stamp.textContent = t('calllist.refreshed', { time: fmtTime(new Date().toISOString()) });
    };
    await refresh(true);
    ctx.every(REFRESH_MS, () => refresh(false).catch(() => {
      stamp.textContent = t('calllist.refresh_failed');
    }));
  },
};
