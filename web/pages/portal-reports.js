// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/portal-reports.js: a page of the partner portal.

import { h } from '../lib/dom.js';
import { isPartner } from '../lib/roles.js';

export default {
  path: '/portal/reports',
  title: 'portal.nav.reports',
  nav: true,
  allow: (me) => isPartner(me),
  async render(main, params, ctx) {
    main.append(h('h1', null, ctx.t('portal.nav.reports')));
  },
};
