// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// lib/orgs.js: organization names by id for links, fetched once a minute
// at most, and the link to an organization's page.

import { h } from './dom.js';
import { t } from './i18n.js';

const TTL = 60000;
let cached = null;
let at = 0;

export async function orgNames(api) {
  if (cached && Date.now() - at < TTL) return cached;
  const page = await api('GET', '/orgs?limit=10000');
  cached = new Map((page.items || []).map((o) => [o.id, o.name]));
  at = Date.now();
  return cached;
}

export function forgetOrgs() {
  cached = null;
}

export function orgLink(id, names, name) {
  if (id === null || id === undefined) return h('span', { class: 'muted' }, t('org.unknown'));
  const label = name || (names && names.get(id)) || t('org.number', { id });
  return h('a', { href: `#/orgs/${id}` }, label);
}
