// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/portal-reports.js: #/portal/reports, the tickets the partner's
// organization opened by reporting (by mail or through the portal), with
// their status, newest first.

import { h, table } from '../lib/dom.js';
import { fmtTime } from '../lib/time.js';

const STATUS_TAG = { new: 'tag warn', open: 'tag', resolved: 'tag ok', rejected: 'tag' };

export default {
  path: '/portal/reports',
  title: 'portal.nav.reports',
  nav: true,
  allow: (me) => me.role === 'partner' && !!me.org && !(me.may && me.may.report === false),
  async render(main, params, ctx) {
    const { api, t } = ctx;
    const list = await api('GET', '/reports?limit=200');
    if (!ctx.current()) return;
    const status = (s) => {
      const key = `portal.ticket.status.${s}`;
      const shown = t(key);
      return h('span', { class: STATUS_TAG[s] || 'tag' }, shown === key ? s : shown);
    };
    main.append(
      h('h1', null, t('portal.reports.title')),
      h('p', { class: 'lead' }, t('portal.reports.lead', { n: list.total }),
        ' ', h('a', { href: '#/portal/report' }, t('portal.reports.new'))),
      table([
        { label: t('portal.reports.number'), value: (r) => h('span', { class: 'mono' }, `#${r.number || r.id}`) },
        { label: t('portal.reports.subject'), value: (r) => r.subject },
        { label: t('portal.reports.status'), value: (r) => status(r.status) },
        { label: t('portal.reports.created'), value: (r) => h('time', { datetime: r.created }, fmtTime(r.created)) },
        { label: t('portal.reports.updated'), value: (r) => h('time', { datetime: r.updated }, fmtTime(r.updated)) },
      ], list.items, (r) => ({ 'data-ticket-id': r.id, 'data-ticket-number': r.number || r.id })));
  },
};
