// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/signin.js: user name and password into a session; the server sets
// the cookie and hands back the CSRF token.

import { h, field } from '../lib/dom.js';
import { onSubmit } from '../lib/alert.js';

export default {
  path: '/signin',
  title: 'signin.title',
  nav: false,
  allow: () => true,
  async render(main, params, ctx) {
    const { t } = ctx;
    const ended = sessionStorage.getItem('schakel.ended');
    sessionStorage.removeItem('schakel.ended');
    const name = h('input', { name: 'name', type: 'text', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
    const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const form = h('form', { class: 'signin card', novalidate: false },
      h('h1', null, t('signin.title')),
      ended ? h('p', { class: 'note', role: 'status' }, t('signin.ended')) : null,
      h('p', { class: 'lead' }, t('signin.lead')),
      field(t('signin.name'), name),
      field(t('signin.password'), password),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('signin.submit'))));
    onSubmit(form, async (data) => {
      const s = await ctx.api('POST', '/session', { name: data.name, password: data.password });
      password.value = '';
      ctx.signedIn(s);
    });
    main.append(form);
    name.focus();
  },
};
