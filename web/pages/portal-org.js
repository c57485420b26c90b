// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/portal-org.js: a page of the partner portal.

import { h } from '../lib/dom.js';
import { isPartner } from '../lib/roles.js';

export default {
  path: '/portal/org',
  title: 'portal.nav.org',
  nav: true,
  allow: (me) => isPartner(me),
  async render(main, params, ctx) {
    main.append(h('h1', null, ctx.t('portal.nav.org')));
  },
};
