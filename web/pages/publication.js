// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/publication.js: one publication: what it is, its Markdown body as
// text, its attachments as downloads; for staff the next step of its life
// (submit, approve, publish, withdraw). Partners reach it from the portal.

import { h, append, button, clear, facts, field, input, section, table } from '../lib/dom.js';
import { guard, onSubmit, showNotice } from '../lib/alert.js';
import { isStaff } from '../lib/roles.js';
import { fmtTime } from '../lib/time.js';

function steps(p, ctx, draw) {
  const { t } = ctx;
  const post = (what, done) => guard(async () => {
    const res = await ctx.api('POST', `/publications/${p.id}/${what}`);
    showNotice(done);
    draw(res);
  });
  const out = [];
  if (p.status === 'draft') out.push(button(t('advisory.submit'), () => post('submit', t('advisory.submitted')), 'primary'));
  if (p.status === 'review' && !p.reviewer && p.author !== ctx.me.name) out.push(button(t('advisory.approve'), () => post('approve', t('advisory.approved')), 'primary'));
  if (p.status === 'draft' || p.status === 'review') out.push(button(t('advisory.publish'), () => post('publish', t('advisory.published_now'))));
  if (p.status === 'published') {
    const wd = h('form', { id: 'form-publication-withdraw' },
      field(t('advisory.reason'), input('reason', { required: true })),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger' }, t('advisory.withdraw'))));
    onSubmit(wd, async (d) => {
      draw(await ctx.api('POST', `/publications/${p.id}/withdraw`, { reason: d.reason }));
      showNotice(t('advisory.withdrawn_now'));
    });
    out.push(wd);
  }
  return out.length ? out : h('p', { class: 'muted' }, t('common.none'));
}

export function publicationView(p, t) {
  return [
    section(t('advisory.about'), facts([
      [t('advisory.number'), p.number],
      [t('publication.kind'), t(`publication.kind.${p.kind}`)],
      [t('advisory.status'), p.status],
      [t('advisory.tlp'), p.tlp],
      [t('advisory.summary'), p.summary],
      [t('advisory.author'), p.author],
      [t('advisory.reviewer'), p.reviewer],
      [t('advisory.published'), p.published ? fmtTime(p.published) : null],
      [t('advisory.withdrawn'), p.withdrawn ? `${fmtTime(p.withdrawn)} — ${p.withdraw_reason || ''}` : null],
    ])),
    section(t('publication.body'), h('pre', { class: 'text' }, p.body || '')),
    section(t('publication.attachments'), table([
      { label: t('publication.file'), value: (f) => h('a', { href: `/api/v1/publications/${p.id}/attachments/${encodeURIComponent(f.name)}`, download: f.name }, f.name) },
      { label: t('publication.type'), value: (f) => f.media_type },
      { label: t('publication.size'), class: 'num', value: (f) => String(f.size) },
    ], p.attachments || [])),
  ];
}

export default {
  path: '/publications/:id',
  title: 'publication.title_page',
  under: '/publications',
  nav: false,
  allow: (me) => !!me,
  async render(main, params, ctx) {
    const { t } = ctx;
    const body = h('div');
    main.append(body);
    const draw = (p) => {
      if (!ctx.current()) return;
      append(clear(body), h('h1', null, p.title), publicationView(p, t),
        isStaff(ctx.me) ? section(t('advisory.next'), steps(p, ctx, draw)) : null);
    };
    draw(await ctx.api('GET', `/publications/${Number(params.id)}`));
  },
};
