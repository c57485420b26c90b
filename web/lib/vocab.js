// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// lib/vocab.js: the fixed words of the API (docs/openapi.yaml), for
// selects and filters.

export const CLASSES = ['oes', 'essential-public', 'administration', 'private', 'public'];
export const KINDS = ['national-csirt', 'liaison', 'constituent'];
export const ORG_STATUSES = ['applied', 'designated', 'connected', 'suspended'];
export const SECTORS = ['energy/electricity', 'energy/oil', 'energy/gas', 'transport/air', 'transport/rail',
  'transport/water', 'transport/road', 'banking', 'financial-market-infrastructure', 'health',
  'drinking-water', 'digital-infrastructure', 'none'];
export const TICKET_TYPES = ['report', 'incident', 'vulnerability-coordination'];
export const TICKET_STATUSES = {
  report: ['new', 'open', 'resolved', 'rejected'],
  incident: ['open', 'resolved', 'abandoned'],
  'vulnerability-coordination': ['open', 'embargoed', 'disclosed', 'closed'],
};
export const ALL_TICKET_STATUSES = [...new Set(Object.values(TICKET_STATUSES).flat())];
export const TLPS = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'];
export const SEVERITIES = ['critical', 'high', 'medium', 'low'];
export const CONTACT_ROLES = ['operational-24x7', 'advisory', 'abuse', 'management', 'other'];
export const MAIL_STATUSES = ['queued', 'held', 'sent', 'failed'];

// [['', anyLabel], ...values] for a filter select.
export function withAny(list, anyLabel) {
  return [['', anyLabel], ...list];
}
