// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// lib/orgedit.js: the fields of an organization, a contact and a resource,
// and the request bodies made from them.

import { h, field, input, select } from './dom.js';
import { CLASSES, CONTACT_ROLES, KINDS, ORG_STATUSES, SECTORS } from './vocab.js';

export function orgFields(o, t) {
  const v = o || { kind: 'constituent', class: 'private', sector: 'none', status: 'connected' };
  return [
    field(t('org.name'), input('name', { value: v.name || '', required: true, maxlength: '200' })),
    field(t('org.kind'), select('kind', KINDS, v.kind)),
    field(t('org.class'), select('class', CLASSES, v.class)),
    field(t('org.sector'), select('sector', SECTORS, v.sector)),
    field(t('org.country'), input('country', { value: v.country || '', maxlength: '2', pattern: '[A-Za-z]{2}', autocomplete: 'off' }), t('org.country_hint')),
    field(t('org.status'), select('status', ORG_STATUSES, v.status)),
    field(t('org.notes'), h('textarea', { name: 'notes', rows: 3, maxlength: '4000', value: v.notes || '' })),
  ];
}

// The changed fields only when old is given (PATCH), else all (POST).
export function orgBody(d, old) {
  const body = {
    name: d.name.trim(), kind: d.kind, class: d.class, sector: d.sector,
    country: d.country.trim().toUpperCase() || null, status: d.status, notes: d.notes.trim() || null,
  };
  if (!old) return body;
  for (const k of Object.keys(body)) if ((old[k] ?? null) === body[k]) delete body[k];
  return body;
}

export function contactFields(c, t) {
  const v = c || { role: 'abuse', languages: ['en'] };
  return [
    field(t('contact.name'), input('name', { value: v.name || '', required: true, maxlength: '200' })),
    field(t('contact.email'), input('email', { type: 'email', value: v.email || '', required: true, autocomplete: 'off' })),
    field(t('contact.phone'), input('phone', { type: 'tel', value: v.phone || '', autocomplete: 'off' })),
    field(t('contact.role'), select('role', CONTACT_ROLES, v.role)),
    field(t('contact.languages'), input('languages', { value: (v.languages || []).join(', ') }), t('contact.languages_hint')),
    field(t('contact.pgp'), input('pgp_fingerprint', { value: v.pgp_fingerprint || '', class: 'mono', autocomplete: 'off' }), t('contact.pgp_hint')),
  ];
}

export function contactBody(d) {
  return {
    name: d.name.trim(), email: d.email.trim(), phone: d.phone.trim() || null, role: d.role,
    languages: d.languages.split(/[\s,]+/).filter(Boolean),
    pgp_fingerprint: d.pgp_fingerprint.trim() || null,
  };
}

export function resourceFields(t) {
  return [
    field(t('resource.value'), input('value', { required: true, autocomplete: 'off', class: 'mono' }), t('resource.value_hint')),
    field(t('resource.type'), select('type', [['', t('resource.guess')], 'asn', 'prefix', 'domain'], '')),
  ];
}

export function resourceBody(d) {
  return d.type ? { type: d.type, value: d.value.trim() } : { value: d.value.trim() };
}
