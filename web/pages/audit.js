// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/audit.js: the audit log, filtered by actor, action, object and
// time, a page at a time.

import { h, button, field, input, swap, inlineForm } from '../lib/dom.js';
import { query } from '../lib/api.js';
import { guard, onSubmit } from '../lib/alert.js';
import { may } from '../lib/roles.js';
import { historyTable } from '../lib/audit.js';

const LIMIT = 50;
const KEYS = ['actor', 'action', 'object', 'object_id', 'since', 'until'];

// A datetime-local value ("2026-12-08T03:00") as UTC ISO 8601.
function iso(local) {
  if (!local) return '';
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}

export default {
  path: '/audit',
  title: 'nav.audit',
  nav: true,
  allow: (me) => may(me, 'audit'),
  async render(main, params, ctx) {
    const { t } = ctx;
    const f = Object.fromEntries(KEYS.map((k) => [k, params[k] || '']));
    let offset = Math.max(0, Number(params.offset) || 0);
    const form = inlineForm([
      field(t('audit.actor'), input('actor', { value: f.actor, placeholder: 'api:alice' })),
      field(t('audit.action'), input('action', { value: f.action })),
      field(t('audit.object'), input('object', { value: f.object, placeholder: 'ticket' })),
      field(t('audit.object_id'), input('object_id', { value: f.object_id, inputmode: 'numeric' })),
      field(t('audit.since'), input('since', { type: 'datetime-local', value: f.since })),
      field(t('audit.until'), input('until', { type: 'datetime-local', value: f.until })),
    ], t('common.filter'), { search: t('audit.filters') });
    let list = h('p', { class: 'muted' }, t('common.loading'));
    const info = h('p', { class: 'muted', 'aria-live': 'polite' });
    const prev = button(t('common.previous'), () => guard(() => go(offset - LIMIT)));
    const next = button(t('common.next'), () => guard(() => go(offset + LIMIT)));
    main.append(h('h1', null, t('nav.audit')), form, info, list, h('div', { class: 'pager' }, prev, next));

    async function go(to) {
      offset = Math.max(0, to);
      const page = await ctx.api('GET', query('/audit', {
        ...f, since: iso(f.since), until: iso(f.until), limit: LIMIT, offset,
      }));
      if (!ctx.current()) return;
      history.replaceState(null, '', query('#/audit', { ...f, offset: offset || '' }));
      list = swap(list, historyTable(page.items, true));
      const total = page.total || 0;
      info.textContent = total ? t('audit.range', { from: offset + 1, to: offset + page.items.length, total }) : '';
      prev.disabled = offset === 0;
      next.disabled = offset + page.items.length >= total;
    }
    onSubmit(form, async (d) => {
      KEYS.forEach((k) => { f[k] = (d[k] || '').trim(); });
      await go(0);
    });
    await go(offset);
  },
};
