// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/feeds.js: what was ingested per day and feed, events per
// organization, and one organization's latest events.

import { h, append, field, select, section, table, swap, inlineForm } from '../lib/dom.js';
import { query } from '../lib/api.js';
import { guard, onSubmit } from '../lib/alert.js';
import { isStaff } from '../lib/roles.js';
import { fmtDay, fmtTime } from '../lib/time.js';
import { orgNames, orgLink } from '../lib/orgs.js';
import { eventsTable } from '../lib/events.js';

const EVENTS = 100;

// A bar 0..10 steps wide, the number beside it carries the value.
function bar(n, max) {
  const w = max ? Math.ceil((n / max) * 10) : 0;
  return [h('span', { class: `bar w${w}`, 'aria-hidden': 'true' }), String(n)];
}

export default {
  path: '/feeds',
  title: 'nav.feeds',
  nav: true,
  allow: (me) => isStaff(me),
  async render(main, params, ctx) {
    const { t, api } = ctx;
    const days = ['7', '14', '30', '90'].includes(params.days) ? params.days : '14';
    const names = await orgNames(api);
    const orgs = [['', t('feeds.no_org')], ...[...names].map(([id, n]) => [String(id), n])];
    const form = inlineForm([
      field(t('feeds.days'), select('days', ['7', '14', '30', '90'].map((d) => [d, t('feeds.last_days', { n: d })]), days)),
      field(t('feeds.org'), select('org', orgs, params.org || '')),
    ], t('common.show'));
    onSubmit(form, async (d) => ctx.navigate(query('#/feeds', { days: d.days, org: d.org })));
    let ingest = h('p', { class: 'muted' }, t('common.loading'));
    let perOrg = h('p', { class: 'muted' }, t('common.loading'));
    let events = h('div');
    append(main, h('h1', null, t('nav.feeds')), form,
      h('div', { class: 'grid' }, section(t('feeds.ingest'), ingest), section(t('feeds.per_org'), perOrg)),
      params.org ? section(t('feeds.events_of', { org: names.get(Number(params.org)) || params.org }), events) : null);

    await Promise.all([
      guard(async () => {
        const res = await api('GET', query('/stats/ingest', { days }));
        const max = Math.max(0, ...res.items.map((r) => r.events));
        ingest = swap(ingest, table([
          { label: t('feeds.day'), class: 'nowrap', value: (r) => fmtDay(r.day) },
          { label: t('feeds.feed'), value: (r) => r.feed },
          { label: t('feeds.events'), class: 'nowrap', value: (r) => bar(r.events, max) },
          { label: t('feeds.recipients'), class: 'num', value: (r) => String(r.recipients) },
        ], res.items));
      }),
      guard(async () => {
        const res = await api('GET', query('/stats/orgs', { days }));
        perOrg = swap(perOrg, table([
          { label: t('org.name'), value: (r) => orgLink(r.org_id, names, r.org) },
          { label: t('feeds.events'), class: 'num', value: (r) => h('a', {
            href: query('#/feeds', { days, org: r.org_id }), 'aria-label': t('feeds.show_events', { n: r.events, org: r.org }),
          }, String(r.events)) },
          { label: t('feeds.last'), class: 'nowrap', value: (r) => fmtTime(r.last) },
        ], res.items));
      }),
      params.org ? guard(async () => {
        const res = await api('GET', query('/events', { org: params.org, limit: EVENTS }));
        events = swap(events, h('div', null, eventsTable(res.items),
          res.next ? h('p', { class: 'muted' }, t('feeds.first_n', { n: EVENTS })) : null));
      }) : null,
    ]);
  },
};
