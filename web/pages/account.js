// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/account.js: who is signed in, and a change of password.

import { h, facts, field, section } from '../lib/dom.js';
import { onSubmit, showNotice } from '../lib/alert.js';
import { fmtTime } from '../lib/time.js';
import { session } from '../lib/api.js';

// The API's minimum length of a password (docs/openapi.yaml).
const MIN = 12;

export default {
  path: '/account',
  title: 'nav.account',
  nav: true,
  allow: (me) => !!me,
  async render(main, params, ctx) {
    const { t, me } = ctx;
    const s = session() || {};
    const pw = (name, auto, min) => h('input', { name, type: 'password', autocomplete: auto, required: true, minlength: min });
    const form = h('form', null,
      field(t('account.current'), pw('current', 'current-password')),
      field(t('account.new'), pw('new', 'new-password', String(MIN)), t('account.new_hint', { n: MIN })),
      field(t('account.again'), pw('again', 'new-password', String(MIN))),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('account.change'))));
    onSubmit(form, async (d) => {
      if (d.new !== d.again) throw new Error(t('account.mismatch'));
      await ctx.api('POST', '/me/password', { current: d.current, new: d.new });
      form.reset();
      showNotice(t('account.changed'));
    });
    main.append(h('h1', null, t('nav.account')), h('div', { class: 'grid' },
      section(t('account.you'), facts([
        [t('account.name'), me.name],
        [t('account.role'), t(`role.${me.role}`)],
        [t('account.org'), me.org ? me.org.name : null],
        [t('account.expires'), fmtTime(s.expires)],
        [t('account.idle'), s.idle_timeout ? t('account.minutes', { n: Math.round(s.idle_timeout / 60) }) : null],
      ])),
      section(t('account.password'), form)));
  },
};
