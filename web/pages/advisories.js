// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/advisories.js: the advisories, newest first, by status: staff see
// all and draft new ones from a JSON document (docs/advisories.md).
// Partners have their own list in the portal (portal-advisories.js).

import { h, field, select, swap, table, inlineForm } from '../lib/dom.js';
import { query } from '../lib/api.js';
import { onSubmit } from '../lib/alert.js';
import { isStaff } from '../lib/roles.js';
import { fmtTime } from '../lib/time.js';
import { withAny } from '../lib/vocab.js';

const STATUSES = ['draft', 'review', 'published', 'withdrawn'];

// The matrix cell with its label: "H/H Urgent".
export function scoring(a) {
  return h('span', { class: a.label === 'Urgent' ? 'tag urgent' : 'tag' }, `${a.matrix} ${a.label}`);
}

export default {
  path: '/advisories',
  title: 'nav.advisories',
  nav: true,
  allow: (me) => isStaff(me),
  async render(main, params, ctx) {
    const { t } = ctx;
    const f = { status: params.status || '' };
    const form = inlineForm([
      field(t('advisory.status'), select('status', withAny(STATUSES, t('common.any')), f.status)),
    ], t('common.filter'), { search: t('advisories.filters') });
    let list = h('p', { class: 'muted' }, t('common.loading'));
    main.append(h('h1', null, t('nav.advisories')), form, list);

    const show = async () => {
      const page = await ctx.api('GET', query('/advisories', { status: f.status }));
      if (!ctx.current()) return;
      list = swap(list, table([
        { label: t('advisory.number'), value: (a) => h('a', { href: `#/advisories/${a.id}` }, a.number) },
        { label: t('advisory.title'), value: (a) => a.title },
        { label: t('advisory.scoring'), value: scoring },
        { label: t('advisory.cvss'), class: 'num', value: (a) => (a.cvss_score === null ? '—' : `${a.cvss_score} ${a.severity}`) },
        { label: t('advisory.tlp'), value: (a) => a.tlp },
        { label: t('advisory.status'), value: (a) => `${a.status}${a.revision ? ` · ${t('advisory.rev', { n: a.revision })}` : ''}` },
        { label: t('advisory.updated'), value: (a) => fmtTime(a.updated) },
      ], page.items || []));
    };
    onSubmit(form, async (d) => {
      f.status = d.status;
      history.replaceState(null, '', query('#/advisories', f));
      await show();
    });
    await show();

    if (!isStaff(ctx.me)) return;
    const add = h('form', { id: 'form-advisory-new' },
      field(t('advisory.document'), h('textarea', { name: 'doc', rows: '12', required: true, spellcheck: 'false' }), t('advisory.document_hint')),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('advisories.create'))));
    onSubmit(add, async (d) => {
      let doc;
      try {
        doc = JSON.parse(d.doc);
      } catch (e) {
        throw new Error(t('advisory.bad_json', { message: e.message }));
      }
      const a = await ctx.api('POST', '/advisories', doc);
      ctx.navigate(`#/advisories/${a.id}`);
    });
    main.append(h('details', { class: 'card' }, h('summary', null, t('advisories.new')), add));
  },
};
