// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/orgs.js: the organizations, searchable by name, kind, class and
// sector; and a new one.

import { h, field, input, select, section, table, swap, inlineForm } from '../lib/dom.js';
import { query } from '../lib/api.js';
import { onSubmit } from '../lib/alert.js';
import { isStaff, may } from '../lib/roles.js';
import { forgetOrgs } from '../lib/orgs.js';
import { orgFields, orgBody } from '../lib/orgedit.js';
import { CLASSES, KINDS, withAny } from '../lib/vocab.js';

const LIMIT = 10000;
const SHOWN = 200;

function matches(o, f) {
  const q = (f.q || '').toLowerCase();
  return (!q || `${o.name} ${o.sector} ${o.notes || ''}`.toLowerCase().includes(q))
    && (!f.kind || o.kind === f.kind) && (!f.class || o.class === f.class);
}

export default {
  path: '/orgs',
  title: 'nav.orgs',
  nav: true,
  allow: (me) => isStaff(me),
  async render(main, params, ctx) {
    const { t } = ctx;
    const f = { q: params.q || '', kind: params.kind || '', class: params.class || '' };
    const form = inlineForm([
      field(t('orgs.query'), input('q', { type: 'search', value: f.q })),
      field(t('org.kind'), select('kind', withAny(KINDS, t('common.any')), f.kind)),
      field(t('org.class'), select('class', withAny(CLASSES, t('common.any')), f.class)),
    ], t('common.search'), { search: t('orgs.search') });
    const info = h('p', { class: 'muted', 'aria-live': 'polite' });
    let list = h('p', { class: 'muted' }, t('common.loading'));
    main.append(h('h1', null, t('nav.orgs')), form, info, list);

    const all = (await ctx.api('GET', query('/orgs', { limit: LIMIT }))).items || [];
    const show = () => {
      const hits = all.filter((o) => matches(o, f));
      info.textContent = hits.length > SHOWN ? t('common.shown', { n: SHOWN, total: hits.length }) : t('orgs.count', { n: hits.length });
      list = swap(list, table([
        { label: t('org.name'), value: (o) => h('a', { href: `#/orgs/${o.id}` }, o.name) },
        { label: t('org.kind'), value: (o) => o.kind },
        { label: t('org.class'), value: (o) => o.class },
        { label: t('org.sector'), value: (o) => o.sector },
        { label: t('org.country'), value: (o) => o.country || '' },
        { label: t('org.status'), value: (o) => o.status },
      ], hits.slice(0, SHOWN)));
    };
    onSubmit(form, async (d) => {
      Object.assign(f, { q: d.q.trim(), kind: d.kind, class: d.class });
      history.replaceState(null, '', query('#/orgs', f));
      show();
    });
    show();

    if (!may(ctx.me, 'registry')) return;
    const add = h('form', { id: 'form-org-new' }, orgFields(null, t),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('orgs.create'))));
    onSubmit(add, async (d) => {
      const org = await ctx.api('POST', '/orgs', orgBody(d, null));
      forgetOrgs();
      ctx.navigate(`#/orgs/${org.id}`);
    });
    main.append(h('details', { class: 'card' }, h('summary', null, t('orgs.new')), add));
  },
};
