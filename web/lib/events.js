// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// lib/events.js: events (IntelMQ field names) as a table.

import { table } from './dom.js';
import { t } from './i18n.js';
import { fmtTime } from './time.js';

const first = (e, ...keys) => {
  for (const k of keys) if (e[k] !== undefined && e[k] !== null && e[k] !== '') return String(e[k]);
  return '';
};

export function eventsTable(items) {
  return table([
    { label: t('events.time'), class: 'nowrap', value: (e) => fmtTime(first(e, 'time.source', 'time.observation')) },
    { label: t('events.type'), value: (e) => first(e, 'classification.type') },
    { label: t('events.source'), class: 'mono', value: (e) => first(e, 'source.ip', 'source.fqdn', 'source.url') },
    { label: t('events.port'), class: 'num', value: (e) => first(e, 'source.port') },
    { label: t('events.asn'), class: 'num', value: (e) => first(e, 'source.asn') },
    { label: t('events.what'), value: (e) => first(e, 'malware.name', 'classification.identifier', 'protocol.application') },
    { label: t('events.feed'), value: (e) => first(e, 'feed.name') },
    { label: t('events.tlp'), value: (e) => first(e, 'tlp') },
  ], items || []);
}
