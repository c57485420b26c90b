// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/portal-members.js: #/portal/members, the members of a liaison
// organization, each with a link to the events the liaison receives
// about it.

import { h, table, link } from '../lib/dom.js';

export default {
  path: '/portal/members',
  title: 'portal.nav.members',
  nav: true,
  allow: (me) => me.role === 'partner' && !!me.org && !!me.org.is_liaison,
  async render(main, params, ctx) {
    const { me, api, t } = ctx;
    const members = await api('GET', `/orgs/${me.org.id}/members?limit=1000`);
    if (!ctx.current()) return;
    main.append(
      h('h1', null, t('portal.members.title')),
      h('p', { class: 'lead' }, t('portal.members.lead', { name: me.org.name, n: members.total })),
      table([
        { label: t('portal.members.name'), value: (o) => o.name },
        { label: t('portal.org.class'), value: (o) => t(`portal.class.${o.class}`) },
        { label: t('portal.org.sector'), value: (o) => o.sector },
        { label: t('portal.org.status'), value: (o) => t(`portal.status.${o.status}`) },
        { label: t('portal.members.events'), value: (o) => link(`#/portal/events/${o.id}`, t('portal.members.see_events', { name: o.name })) },
      ], members.items, (o) => ({ 'data-org-id': o.id })));
  },
};
