// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// lib/audit.js: audit entries as a table (the audit page, a ticket's
// history).

import { h, table } from './dom.js';
import { t } from './i18n.js';
import { fmtTime } from './time.js';

const PAGES = { ticket: 'tickets', org: 'orgs', organization: 'orgs' };

// A link to the object an entry is about, when the console has a page for it.
export function objectRef(r) {
  if (!r.object) return '';
  const label = r.object_id ? `${r.object} #${r.object_id}` : r.object;
  const page = PAGES[r.object];
  return page && r.object_id ? h('a', { href: `#/${page}/${r.object_id}` }, label) : label;
}

export function historyTable(items, withObject) {
  const cols = [
    { label: t('audit.time'), class: 'nowrap', value: (r) => fmtTime(r.time) },
    { label: t('audit.actor'), value: (r) => r.actor },
    { label: t('audit.action'), value: (r) => r.action },
  ];
  if (withObject) cols.push({ label: t('audit.object'), class: 'nowrap', value: objectRef });
  cols.push({ label: t('audit.summary'), value: (r) => r.summary || '' });
  return table(cols, items || []);
}
