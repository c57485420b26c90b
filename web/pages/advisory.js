// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/advisory.js: one advisory: its scoring on the NCSC matrix, CVSS,
// products, texts and revisions; for staff the next step of its life
// (submit, approve, publish, update, withdraw), changes to a draft as JSON,
// the organizations it reaches and, when it is urgent, their alerts with a
// link to the calling list.

import { h, append, button, clear, facts, field, input, section, table } from '../lib/dom.js';
import { guard, onSubmit, showNotice } from '../lib/alert.js';
import { isStaff } from '../lib/roles.js';
import { fmtTime } from '../lib/time.js';
import { orgNames, orgLink } from '../lib/orgs.js';
import { scoring } from './advisories.js';
import { matrix } from '../lib/matrix.js';
import { alertState, duration } from './calllist.js';

function parse(text, t) {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(t('advisory.bad_json', { message: e.message }));
  }
}

function about(a, t) {
  return facts([
    [t('advisory.number'), a.number],
    [t('advisory.status'), `${a.status}${a.revision ? ` · ${t('advisory.rev', { n: a.revision })}` : ''}`],
    [t('advisory.scoring'), scoring(a)],
    [t('advisory.probability'), [a.probability.level || '—', a.probability.criteria ? ` — ${a.probability.criteria}` : '']],
    [t('advisory.damage'), [a.damage.level || '—', a.damage.criteria ? ` — ${a.damage.criteria}` : '']],
    [t('advisory.cvss'), a.cvss ? `${a.cvss} · ${a.cvss_score} ${a.severity}` : null],
    [t('advisory.tlp'), a.tlp],
    [t('advisory.cves'), a.cves.join(', ')],
    [t('advisory.cwes'), a.cwes.join(', ')],
    [t('advisory.author'), a.author],
    [t('advisory.reviewer'), a.reviewer],
    [t('advisory.published'), a.published ? fmtTime(a.published) : null],
    [t('advisory.withdrawn'), a.withdrawn ? `${fmtTime(a.withdrawn)} — ${a.withdraw_reason}` : null],
  ]);
}

// The alerts of an urgent advisory, one per recipient organization.
function alerts(a, items, names, t) {
  return [
    h('p', null, h('a', { href: `#/advisories/${a.id}/calllist`, class: 'button' }, t('alerts.calllist_link'))),
    table([
      { label: t('advisory.org'), value: (r) => orgLink(r.org_id, names) },
      { label: t('alerts.state'), value: (r) => alertState(r, t) },
      { label: t('alerts.step'), class: 'num', value: (r) => String(r.step) },
      { label: t('alerts.sent'), value: (r) => fmtTime(r.sent_at) },
      { label: t('alerts.acknowledged'), value: (r) => (r.acknowledged_at
        ? `${fmtTime(r.acknowledged_at)} · ${r.acknowledged_by || ''} (${r.how || ''})` : '') },
      { label: t('alerts.time_to_ack'), class: 'num', value: (r) => duration(r.seconds_to_acknowledge, t) },
    ], items, (r) => ({ 'data-alert': r.id }), t('alerts.caption')),
  ];
}

function texts(a, t) {
  const block = (label, text) => (text ? [h('h3', null, label), h('pre', { class: 'text' }, text)] : null);
  return [
    block(t('advisory.summary'), a.summary),
    block(t('advisory.description'), a.description),
    block(t('advisory.remediation'), a.remediation),
    a.references.length ? [h('h3', null, t('advisory.references')),
      h('ul', null, a.references.map((r) => h('li', null, h('a', { href: r, rel: 'noreferrer noopener' }, r))))] : null,
  ];
}

function steps(a, ctx, draw) {
  const { t } = ctx;
  const post = (what, body, done) => guard(async () => {
    const res = await ctx.api('POST', `/advisories/${a.id}/${what}`, body || {});
    showNotice(done);
    draw(res.advisory || res);
  });
  const out = [];
  if (a.status === 'draft') out.push(button(t('advisory.submit'), () => post('submit', null, t('advisory.submitted')), 'primary'));
  if (a.status === 'review' && !a.reviewer && a.author !== ctx.me.name) out.push(button(t('advisory.approve'), () => post('approve', null, t('advisory.approved')), 'primary'));
  if (a.status === 'draft' || a.status === 'review') out.push(button(t('advisory.publish'), () => post('publish', null, t('advisory.published_now'))));
  if (a.status === 'published') {
    const upd = h('form', { id: 'form-advisory-update' },
      field(t('advisory.change'), input('summary', { required: true })),
      field(t('advisory.changes'), h('textarea', { name: 'changes', rows: '6', spellcheck: 'false' }), t('advisory.changes_hint')),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('advisory.update'))));
    onSubmit(upd, async (d) => {
      const body = { summary: d.summary };
      if (d.changes.trim()) body.changes = parse(d.changes, t);
      const res = await ctx.api('POST', `/advisories/${a.id}/update`, body);
      showNotice(t('advisory.updated_now', { n: res.advisory.revision }));
      draw(res.advisory);
    });
    const wd = h('form', { id: 'form-advisory-withdraw' },
      field(t('advisory.reason'), input('reason', { required: true })),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger' }, t('advisory.withdraw'))));
    onSubmit(wd, async (d) => {
      draw(await ctx.api('POST', `/advisories/${a.id}/withdraw`, { reason: d.reason }));
      showNotice(t('advisory.withdrawn_now'));
    });
    out.push(upd, wd);
  }
  if (a.status === 'draft' || a.status === 'review') {
    const edit = h('form', { id: 'form-advisory-edit' },
      field(t('advisory.changes'), h('textarea', { name: 'changes', rows: '6', required: true, spellcheck: 'false' }), t('advisory.changes_hint')),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('advisory.save'))));
    onSubmit(edit, async (d) => {
      draw(await ctx.api('PATCH', `/advisories/${a.id}`, parse(d.changes, t)));
      showNotice(t('advisory.saved'));
    });
    out.push(edit);
  }
  return out;
}

export default {
  path: '/advisories/:id',
  title: 'advisory.title_page',
  under: '/advisories',
  nav: false,
  allow: (me) => !!me,
  async render(main, params, ctx) {
    const { t } = ctx;
    const id = Number(params.id);
    const staff = isStaff(ctx.me);
    const names = staff ? await orgNames(ctx.api) : null;
    const body = h('div');
    main.append(body);

    const draw = async (a) => {
      const revs = (await ctx.api('GET', `/advisories/${a.id}/revisions`)).items || [];
      const aud = staff ? (await ctx.api('GET', `/advisories/${a.id}/audience`)).items || [] : null;
      const urgent = a.label === 'Urgent' && a.status !== 'draft' && a.status !== 'review';
      const al = staff && urgent ? (await ctx.api('GET', `/alerts?advisory=${a.id}`)).items || [] : null;
      if (!ctx.current()) return;
      append(clear(body),
        h('h1', null, a.title),
        section(t('advisory.about'), h('div', { class: 'about-matrix' }, matrix(a), about(a, t))),
        al ? section(t('alerts.title'), alerts(a, al, names, t)) : null,
        section(t('advisory.products'), table([
          { label: t('advisory.vendor'), value: (p) => p.vendor || '' },
          { label: t('advisory.product'), value: (p) => p.product || '' },
          { label: t('advisory.versions'), value: (p) => p.versions || '*' },
          { label: t('advisory.name'), value: (p) => p.cpe || p.purl || '' },
        ], a.products)),
        section(t('advisory.text'), texts(a, t)),
        section(t('advisory.revisions'), table([
          { label: t('advisory.revision'), class: 'num', value: (r) => String(r.revision) },
          { label: t('advisory.date'), value: (r) => fmtTime(r.date) },
          { label: t('advisory.change'), value: (r) => r.summary },
        ], revs)),
        staff ? section(t('advisory.audience'), table([
          { label: t('advisory.org'), value: (r) => orgLink(r.org_id, names) },
          { label: t('advisory.relation'), value: (r) => r.relation },
          { label: t('advisory.for_member'), value: (r) => (r.member_id ? orgLink(r.member_id, names) : '') },
        ], aud)) : null,
        staff ? section(t('advisory.next'), steps(a, ctx, draw)) : null,
      );
    };
    await draw(await ctx.api('GET', `/advisories/${id}`));
  },
};
