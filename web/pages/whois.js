// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/whois.js: who owns an address, prefix, AS number or domain.

import { h, field, input, table, swap, inlineForm } from '../lib/dom.js';
import { query } from '../lib/api.js';
import { onSubmit } from '../lib/alert.js';
import { isStaff } from '../lib/roles.js';

export default {
  path: '/whois',
  title: 'nav.whois',
  nav: true,
  allow: (me) => isStaff(me),
  async render(main, params, ctx) {
    const { t } = ctx;
    const q = input('q', { type: 'search', value: params.q || '', required: true, autocomplete: 'off', class: 'mono', spellcheck: 'false' });
    const form = inlineForm([field(t('whois.query'), q, t('whois.hint'))], t('whois.lookup'), { search: t('nav.whois') });
    let out = h('div');
    main.append(h('h1', null, t('nav.whois')), form, out);

    const look = async (value) => {
      const res = await ctx.api('GET', query('/whois', { q: value }));
      if (!ctx.current()) return;
      out = swap(out, h('section', { 'aria-live': 'polite' },
        h('h2', null, t('whois.result', { q: res.query, n: res.matches.length })),
        table([
          { label: t('org.name'), value: (m) => h('a', { href: `#/orgs/${m.org.id}` }, m.org.name) },
          { label: t('whois.via'), class: 'mono', value: (m) => `${m.via.type} ${m.via.value}` },
          { label: t('org.kind'), value: (m) => m.org.kind },
          { label: t('org.class'), value: (m) => m.org.class },
          { label: t('org.sector'), value: (m) => m.org.sector },
          { label: t('org.status'), value: (m) => m.org.status },
        ], res.matches)));
    };
    onSubmit(form, async (d) => {
      const value = d.q.trim();
      history.replaceState(null, '', query('#/whois', { q: value }));
      await look(value);
    });
    if (params.q) await look(params.q);
    else q.focus();
  },
};
