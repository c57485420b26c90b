// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/portal-advisories.js: #/portal/advisories, the security advisories
// and publications addressed to the partner's organization, newest first;
// and #/portal/advisories/:id, one advisory with its NCSC matrix cell and,
// when it is urgent and its organization has an open alert, the button
// that acknowledges it (POST /alerts/{id}/ack).

import { h, append, button, clear, facts, section, table } from '../lib/dom.js';
import { guard, showNotice } from '../lib/alert.js';
import { fmtTime } from '../lib/time.js';
import { matrix } from '../lib/matrix.js';
import { scoring } from './advisories.js';

const isPartner = (me) => me.role === 'partner' && !!me.org;

export const portalAdvisories = {
  path: '/portal/advisories',
  title: 'portal.nav.advisories',
  nav: true,
  allow: isPartner,
  async render(main, params, ctx) {
    const { t } = ctx;
    const [adv, pubs] = await Promise.all([
      ctx.api('GET', '/advisories?status=published'),
      ctx.api('GET', '/publications?status=published'),
    ]);
    if (!ctx.current()) return;
    main.append(
      h('h1', null, t('portal.advisories.title')),
      h('p', { class: 'lead' }, t('portal.advisories.lead')),
      section(t('portal.advisories.advisories'), table([
        { label: t('portal.advisories.number'), value: (a) => h('a', { href: `#/portal/advisories/${a.id}` }, a.number) },
        { label: t('portal.advisories.subject'), value: (a) => a.title },
        { label: t('portal.advisories.scoring'), value: scoring },
        { label: 'TLP', value: (a) => a.tlp },
        { label: t('portal.advisories.published'), value: (a) => h('time', { datetime: a.published }, fmtTime(a.published)) },
      ], adv.items || [], (a) => ({ 'data-advisory': a.number }))),
      section(t('portal.advisories.publications'), table([
        { label: t('portal.advisories.number'), value: (p) => h('a', { href: `#/publications/${p.id}` }, p.number) },
        { label: t('portal.advisories.subject'), value: (p) => p.title },
        { label: 'TLP', value: (p) => p.tlp },
        { label: t('portal.advisories.published'), value: (p) => h('time', { datetime: p.published }, fmtTime(p.published)) },
      ], pubs.items || [], (p) => ({ 'data-publication': p.number }))));
  },
};

// The open alert of the partner's organization for advisory id, or null
// when there is none (or the server does not tell partners their alerts).
async function ownAlert(ctx, id) {
  try {
    const res = await ctx.api('GET', `/alerts?advisory=${id}`);
    return (res.items || []).find((x) => x.org_id === ctx.me.org.id) || null;
  } catch (err) {
    if (err.status === 403 || err.status === 404) return null;
    throw err;
  }
}

export const portalAdvisory = {
  path: '/portal/advisories/:id',
  title: 'portal.advisory.title',
  under: '/portal/advisories',
  nav: false,
  allow: isPartner,
  async render(main, params, ctx) {
    const { t } = ctx;
    const id = Number(params.id);
    const body = h('div');
    main.append(body);
    const draw = async () => {
      const a = await ctx.api('GET', `/advisories/${id}`);
      const al = a.label === 'Urgent' ? await ownAlert(ctx, id) : null;
      if (!ctx.current()) return;
      let ack = null;
      if (al && al.state === 'acknowledged') {
        ack = h('p', { class: 'notice ok', 'data-alert-state': 'acknowledged' },
          t('portal.advisory.acknowledged', { when: fmtTime(al.acknowledged_at), who: al.acknowledged_by || '' }));
      } else if (al) {
        ack = h('div', { class: 'card urgent', 'data-alert-state': al.state },
          h('p', null, h('strong', null, t('portal.advisory.alert')), ' ', t('portal.advisory.alert_text')),
          button(t('portal.advisory.acknowledge'), () => guard(async () => {
            await ctx.api('POST', `/alerts/${al.id}/ack`);
            showNotice(t('portal.advisory.acknowledged_now'));
            await draw();
          }), 'primary'));
      }
      const block = (label, text) => (text ? [h('h3', null, label), h('pre', { class: 'text' }, text)] : null);
      append(clear(body),
        h('h1', null, a.title),
        ack,
        section(t('portal.advisory.scoring'), matrix(a), facts([
          [t('portal.advisories.number'), a.number],
          [t('portal.advisories.scoring'), scoring(a)],
          ['CVSS', a.cvss ? `${a.cvss} · ${a.cvss_score} ${a.severity}` : null],
          ['TLP', a.tlp],
          ['CVE', (a.cves || []).join(', ')],
          [t('portal.advisories.published'), a.published ? fmtTime(a.published) : null],
        ])),
        section(t('portal.advisory.text'),
          block(t('portal.advisory.summary'), a.summary),
          block(t('portal.advisory.description'), a.description),
          block(t('portal.advisory.remediation'), a.remediation),
          table([
            { label: t('portal.advisory.product'), value: (p) => [p.vendor || '', ' ', p.product || ''] },
            { label: t('portal.advisory.versions'), value: (p) => p.versions || '*' },
            { label: 'CPE / purl', value: (p) => p.cpe || p.purl || '' },
          ], a.products || [])));
    };
    await draw();
  },
};
