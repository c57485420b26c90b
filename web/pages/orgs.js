// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/orgs.js: the organizations, searched on the server by name, kind,
// class and sector a page at a time; and a new one.

import { h, button, field, input, select, table, swap, inlineForm } from '../lib/dom.js';
import { query } from '../lib/api.js';
import { guard, onSubmit } from '../lib/alert.js';
import { isStaff, may } from '../lib/roles.js';
import { forgetOrgs } from '../lib/orgs.js';
import { orgFields, orgBody } from '../lib/orgedit.js';
import { CLASSES, KINDS, SECTORS, withAny } from '../lib/vocab.js';

const LIMIT = 100;
const KEYS = ['q', 'kind', 'class', 'sector'];
// Typing waits this long for the next key before it searches.
const DEBOUNCE_MS = 250;

export default {
  path: '/orgs',
  title: 'nav.orgs',
  nav: true,
  allow: (me) => isStaff(me),
  async render(main, params, ctx) {
    const { t } = ctx;
    const f = Object.fromEntries(KEYS.map((k) => [k, params[k] || '']));
    const form = inlineForm([
      field(t('orgs.query'), input('q', { type: 'search', value: f.q, maxlength: '100', autocomplete: 'off' })),
      field(t('org.kind'), select('kind', withAny(KINDS, t('common.any')), f.kind)),
      field(t('org.class'), select('class', withAny(CLASSES, t('common.any')), f.class)),
      field(t('org.sector'), select('sector', withAny(SECTORS, t('common.any')), f.sector)),
    ], t('common.search'), { search: t('orgs.search') });
    const info = h('p', { class: 'muted', 'aria-live': 'polite' });
    let list = h('p', { class: 'muted' }, t('common.loading'));
    let rows = [];
    let seq = 0;
    const more = button(t('orgs.more'), () => guard(() => load(rows.length)));
    more.hidden = true;
    main.append(h('h1', null, t('nav.orgs')), form, info, list, h('div', { class: 'pager' }, more));

    // The page at offset; offset 0 starts a new search. An answer that a
    // newer search overtook is dropped.
    async function load(offset) {
      const mine = ++seq;
      const page = await ctx.api('GET', query('/orgs', { ...f, limit: LIMIT, offset }));
      if (mine !== seq || !ctx.current()) return;
      rows = offset ? [...rows, ...page.items] : page.items;
      const total = page.total || 0;
      info.textContent = rows.length < total ? t('common.shown', { n: rows.length, total }) : t('orgs.count', { n: total });
      more.hidden = rows.length >= total;
      list = swap(list, table([
        { label: t('org.name'), value: (o) => h('a', { href: `#/orgs/${o.id}` }, o.name) },
        { label: t('org.kind'), value: (o) => o.kind },
        { label: t('org.class'), value: (o) => o.class },
        { label: t('org.sector'), value: (o) => o.sector },
        { label: t('org.country'), value: (o) => o.country || '' },
        { label: t('org.status'), value: (o) => o.status },
      ], rows, (o) => ({ 'data-org-id': o.id })));
    }
    const search = () => {
      const d = Object.fromEntries(new FormData(form).entries());
      KEYS.forEach((k) => { f[k] = (d[k] || '').trim(); });
      history.replaceState(null, '', query('#/orgs', f));
      return load(0);
    };
    let timer = 0;
    form.elements.q.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => guard(search), DEBOUNCE_MS);
    });
    form.addEventListener('change', (ev) => { if (ev.target.tagName === 'SELECT') guard(search); });
    onSubmit(form, () => { clearTimeout(timer); return search(); });
    await load(0);

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
