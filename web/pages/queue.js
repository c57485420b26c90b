// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/queue.js: the open tickets by priority, then next due, with their
// SLA clocks. Refetches every 30 s; the clocks tick every second.

import { h, field, select, input, table, swap, inlineForm } from '../lib/dom.js';
import { query } from '../lib/api.js';
import { clearAlert, onSubmit, showError } from '../lib/alert.js';
import { isStaff } from '../lib/roles.js';
import { fmtTime } from '../lib/time.js';
import { prio, clock, tick, step, breachedTag } from '../lib/sla.js';
import { CLASSES, TICKET_TYPES, ALL_TICKET_STATUSES, withAny } from '../lib/vocab.js';

const FILTERS = ['status', 'owner', 'class', 'type'];
const LIMIT = 200;

function columns(t) {
  return [
    { label: t('ticket.priority'), value: (r) => prio(r.priority) },
    { label: t('ticket.number'), class: 'nowrap', value: (r) => h('a', { href: `#/tickets/${r.id}` }, `#${r.id}`) },
    { label: t('ticket.next'), class: 'nowrap', value: (r) => (r.next ? [step(r.next), h('br'), clock(r.due, r.breached && r.breached.length)] : clock(null)) },
    { label: t('ticket.subject'), class: 'wide', value: (r) => [h('a', { href: `#/tickets/${r.id}` }, r.subject || t('ticket.no_subject')), ' ', breachedTag(r.breached)] },
    { label: t('ticket.status'), value: (r) => `${r.type} · ${r.status}` },
    { label: t('ticket.class'), value: (r) => r.class },
    { label: t('ticket.owner'), value: (r) => r.owner || h('span', { class: 'muted' }, t('ticket.nobody')) },
    { label: t('ticket.tlp'), class: 'nowrap', value: (r) => r.tlp },
    { label: t('ticket.created'), class: 'nowrap', value: (r) => fmtTime(r.created) },
  ];
}

export default {
  path: '/queue',
  title: 'nav.queue',
  nav: true,
  allow: (me) => isStaff(me),
  async render(main, params, ctx) {
    const { t } = ctx;
    const filters = Object.fromEntries(FILTERS.map((k) => [k, params[k] || '']));
    const form = inlineForm([
      field(t('ticket.status'), select('status', withAny(ALL_TICKET_STATUSES, t('common.any')), filters.status)),
      field(t('ticket.owner'), input('owner', { value: filters.owner, placeholder: t('queue.owner_hint') })),
      field(t('ticket.class'), select('class', withAny(CLASSES, t('common.any')), filters.class)),
      field(t('ticket.type'), select('type', withAny(TICKET_TYPES, t('common.any')), filters.type)),
    ], t('common.filter'), { search: t('queue.filters') });
    const info = h('p', { class: 'muted' });
    let failed = false;
    let list = h('p', { class: 'muted' }, t('common.loading'));
    main.append(h('div', { class: 'head' }, h('h1', null, t('nav.queue')), info), form, list);

    const load = async () => {
      const page = await ctx.api('GET', query('/tickets', { order: 'queue', open: 'true', limit: LIMIT, ...filters }));
      if (!ctx.current()) return;
      const rows = page.items || [];
      list = swap(list, table(columns(t), rows, (r) => ({
        'data-ticket-id': r.id,
        'data-priority': r.priority,
        class: r.breached && r.breached.length ? 'breached' : null,
      }), t('queue.caption')));
      const shown = rows.length < (page.total || 0) ? t('queue.shown', { n: rows.length, total: page.total }) : t('queue.count', { n: rows.length });
      const late = rows.filter((r) => r.breached && r.breached.length).length;
      // A pinned tab shows the breached count in its title.
      document.title = `${late ? `(${t('queue.breached', { n: late })}) ` : ''}${t('nav.queue')} — schakel`;
      info.textContent = [shown, late ? t('queue.breached', { n: late }) : null,
        t('queue.refreshed', { time: fmtTime(new Date().toISOString()) })].filter(Boolean).join(' · ');
    };
    onSubmit(form, async (data) => {
      FILTERS.forEach((k) => { filters[k] = (data[k] || '').trim(); });
      history.replaceState(null, '', query('#/queue', filters));
      await load();
    });
    await load();
    ctx.every(1000, () => tick(main));
    // A failed refresh goes to the alert region; the next good one clears it.
    ctx.every(30000, () => load().then(() => {
      if (failed) clearAlert();
      failed = false;
    }, (err) => {
      failed = true;
      showError(new Error(t('queue.refresh_failed', { message: err.code === 'network' ? t('common.network') : err.message })));
    }));
  },
};
