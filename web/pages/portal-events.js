// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/portal-events.js: the events the partner's organization receives
// (#/portal/events), filtered by type, feed and time, a page at a time,
// with a CSV download of the same rows; and for a liaison organization
// one member's events (#/portal/events/ID): the liaison's rows about that
// member, as TLP let them through. The filters live in the hash
// (#/portal/events?type=scanner&since=7d), so a view can be bookmarked.

import { h, clear, table, field, select, input, link, section } from '../lib/dom.js';
import { query } from '../lib/api.js';
import { fmtTime } from '../lib/time.js';

const SPANS = ['', '24h', '7d', '30d', '90d'];
const PAGE = 500;
const FILTERS = ['type', 'feed', 'since', 'until'];

function when(ev) {
  return ev['time.source'] || ev['time.observation'] || ev['schakel.received'];
}

function where(ev) {
  const parts = [];
  if (ev['source.ip']) parts.push(ev['source.port'] ? `${ev['source.ip']} :${ev['source.port']}` : ev['source.ip']);
  if (ev['source.fqdn']) parts.push(ev['source.fqdn']);
  if (ev['source.url']) parts.push(ev['source.url']);
  return parts.join(' · ') || '—';
}

const TLP_TAG = { RED: 'tag bad', 'AMBER+STRICT': 'tag warn', AMBER: 'tag warn', GREEN: 'tag ok', CLEAR: 'tag' };

function tlpBadge(label) {
  const l = String(label || '').replace(/^TLP:/, '').toUpperCase();
  const shown = l === 'WHITE' ? 'CLEAR' : l;
  return shown ? h('span', { class: TLP_TAG[shown] || 'tag' }, `TLP:${shown}`) : '—';
}

// The organization a row is about: the member for a liaison's row, else
// the organization that received it.
function aboutOrg(ev) {
  const r = ev['schakel.recipient'] || {};
  return r.member_id || r.org_id || '';
}

async function render(main, params, ctx) {
  const { me, api, t, navigate } = ctx;
  const own = me.org.id;
  const memberId = params.org !== undefined ? Number(params.org) : own;
  if (!Number.isInteger(memberId) || memberId < 1) throw new Error(t('portal.events.bad_org', { id: params.org }));
  const forMember = memberId !== own;
  // A member's page: the organization must be one the partner may read
  // (the server answers 404 for any other), and a member of its liaison.
  let member = null;
  const names = new Map();
  if (forMember) {
    member = await api('GET', `/orgs/${memberId}`);
    if (!ctx.current()) return;
  } else if (me.org.is_liaison) {
    for (const o of (await api('GET', `/orgs/${own}/members?limit=1000`)).items) names.set(o.id, o.name);
    if (!ctx.current()) return;
  }
  const filters = {};
  for (const k of FILTERS) if (params[k]) filters[k] = params[k];
  const base = forMember ? `/portal/events/${memberId}` : '/portal/events';

  main.append(
    h('h1', null, forMember ? t('portal.events.member_title', { name: member.name }) : t('portal.events.title')),
    h('p', { class: 'lead' }, forMember ? t('portal.events.member_lead', { liaison: me.org.name }) : t('portal.events.lead')));

  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('portal.events.filters') },
    field(t('portal.events.type'), input('type', { value: filters.type || '', placeholder: 'scanner', list: 'event-types' })),
    h('datalist', { id: 'event-types' }, ['infected-system', 'vulnerable-system', 'scanner', 'brute-force', 'phishing', 'malware-distribution', 'ddos', 'system-compromise']
      .map((v) => h('option', { value: v }))),
    field(t('portal.events.feed'), input('feed', { value: filters.feed || '' })),
    field(t('portal.events.since'), select('since', SPANS.map((s) => [s, t(`portal.events.span.${s || 'all'}`)]),
      SPANS.includes(filters.since || '') ? filters.since || '' : '')),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('portal.events.apply')),
      h('a', { href: `#${base}` }, t('portal.events.reset'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const data = Object.fromEntries(new FormData(form).entries());
    const next = {};
    for (const k of FILTERS) if (data[k] && String(data[k]).trim()) next[k] = String(data[k]).trim();
    navigate(`#${query(base, next)}`);
  });
  main.append(form);

  const apiFilters = Object.assign({ org: own }, filters);
  const csv = `/api/v1${query('/events', Object.assign({}, apiFilters, { format: 'csv', limit: 100000 }))}`;
  const tools = h('p', null,
    h('a', { href: csv, download: `events-${own}.csv`, id: 'events-csv' }, t('portal.events.csv')),
    forMember ? h('small', { class: 'hint' }, ' ', t('portal.events.csv_member')) : null);

  const started = performance.now();
  const rows = [];
  let cursor = null;
  const box = h('div');
  const count = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'quiet', hidden: true }, t('portal.events.more'));

  const columns = [
    { label: t('portal.events.col.time'), class: 'nowrap', value: (e) => h('time', { datetime: when(e) }, fmtTime(when(e))) },
    { label: t('portal.events.col.type'), class: 'nowrap', value: (e) => e['classification.type'] || '—' },
    { label: t('portal.events.col.feed'), value: (e) => e['feed.name'] || '—' },
    { label: t('portal.events.col.source'), value: (e) => h('span', { class: 'mono' }, where(e)) },
    { label: t('portal.events.col.tlp'), value: (e) => tlpBadge(e.tlp) },
  ];
  if (me.org.is_liaison && !forMember) {
    columns.push({
      label: t('portal.events.col.about'),
      value: (e) => {
        const r = e['schakel.recipient'] || {};
        if (!r.member_id || r.member_id === own) return t('portal.events.own');
        return [link(`#/portal/events/${r.member_id}`, names.get(r.member_id) || `#${r.member_id}`),
          r.reason ? h('small', { class: 'hint' }, ` (${r.reason})`) : null];
      },
    });
  }

  const show = () => {
    clear(box).append(table(columns, rows,
      (e) => ({ 'data-org-id': aboutOrg(e), 'data-event-id': e['schakel.id'] })));
    count.textContent = t(cursor ? 'portal.events.count_more' : 'portal.events.count', { n: rows.length });
    more.hidden = !cursor;
  };

  const fetchPage = async () => {
    const page = await api('GET', query('/events', Object.assign({}, apiFilters, { limit: PAGE, cursor: cursor || undefined })));
    const items = forMember
      ? page.items.filter((e) => ((e['schakel.recipient'] || {}).member_id) === memberId)
      : page.items;
    rows.push(...items);
    cursor = page.next || null;
  };

  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      await fetchPage();
      if (ctx.current()) show();
    } finally {
      more.disabled = false;
    }
  });

  await fetchPage();
  if (!ctx.current()) return;
  main.append(section(t('portal.events.results'), count, tools, box, more));
  show();
  main.dataset.loadMs = String(Math.round(performance.now() - started));
}

export default {
  path: '/portal/events',
  title: 'portal.nav.events',
  nav: true,
  allow: (me) => me.role === 'partner' && !!me.org,
  render,
};

// One member's events, for a liaison organization.
export const memberEvents = {
  path: '/portal/events/:org',
  title: 'portal.nav.events',
  nav: false,
  allow: (me) => me.role === 'partner' && !!me.org,
  render,
};
