// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// lib/thread.js: a ticket's mail thread. Every body is shown as text in a
// <pre>; the HTML of a mail is never rendered.

import { h, field, input, select, inlineForm } from './dom.js';
import { onSubmit } from './alert.js';
import { t } from './i18n.js';
import { fmtTime } from './time.js';

function signature(sig) {
  if (!sig) return null;
  const cls = sig.status === 'good' ? 'ok' : sig.status === 'bad' ? 'bad' : 'warn';
  const who = sig.org ? ` · ${sig.org}` : '';
  return h('span', { class: `tag ${cls}` }, t('thread.signature', { status: sig.status }) + who);
}

function parts(list) {
  if (!list || list.length < 2) return null;
  return h('p', { class: 'meta' }, t('thread.parts'), ' ',
    list.map((p, i) => [i ? ', ' : '', `${p.n}: ${p.content_type}${p.filename ? ` (${p.filename})` : ''}`,
      p.encrypted ? ` · ${t('thread.encrypted')}` : '']));
}

// Decrypting asks why: the reason goes into the audit log.
function decryptForm(m, onDecrypt) {
  const form = inlineForm([
    field(t('thread.decrypt_reason'), input('reason', { required: true, maxlength: '500', autocomplete: 'off' })),
  ], t('thread.decrypt_go'), { quiet: true });
  return onSubmit(form, (d) => onDecrypt(m, d.reason.trim()));
}

function body(m, onDecrypt) {
  if (m.encrypted) {
    return h('div', { class: 'meta' }, h('p', null, t('thread.encrypted_note')),
      onDecrypt && m.kind === 'in' ? decryptForm(m, onDecrypt) : null);
  }
  return h('pre', null, m.body || '');
}

// One message as <article class="message">; party names the party the
// message belongs to, if any.
export function message(m, party, onDecrypt) {
  const kind = t(`thread.kind_${m.kind}`);
  return h('article', { class: `message kind-${m.kind}`, id: `message-${m.id}`, 'aria-label': `${kind}: ${m.subject || ''}` },
    h('header', null,
      h('strong', null, kind),
      h('span', null, m.kind === 'comment' ? m.author : t('thread.from', { who: m.author })),
      m.recipients ? h('span', null, t('thread.to', { who: m.recipients })) : null,
      party ? h('span', { class: 'tag' }, t('thread.party', { who: party })) : null,
      h('time', { datetime: m.created }, fmtTime(m.created)),
      signature(m.signature)),
    m.subject && m.kind !== 'comment' ? h('p', { class: 'meta' }, t('thread.subject', { subject: m.subject })) : null,
    m.not_parsed ? h('p', { class: 'meta' }, t('thread.not_parsed', { why: m.not_parsed })) : null,
    parts(m.parts),
    body(m, onDecrypt));
}

// The whole thread, oldest first. parties: [{id, address, org_id}]. With
// parties, a select narrows it to the requester's or one party's thread.
export function thread(messages, parties, onDecrypt) {
  const byId = new Map((parties || []).map((p) => [p.id, p.address || `#${p.org_id}`]));
  if (!messages || !messages.length) return h('p', { class: 'empty' }, t('thread.none'));
  const list = h('div', { class: 'thread' });
  const show = (which) => {
    const keep = (m) => which === '' || (which === 'requester' ? m.party_id === null && m.kind !== 'comment' : String(m.party_id) === which);
    list.replaceChildren(...messages.filter(keep).map((m) => message(m, byId.get(m.party_id), onDecrypt)));
  };
  show('');
  if (!byId.size) return list;
  const pick = select('which', [['', t('thread.all')], ['requester', t('thread.requester')],
    ...[...byId].map(([id, who]) => [String(id), t('thread.party', { who })])], '');
  pick.addEventListener('change', () => show(pick.value));
  return h('div', null, h('div', { class: 'filters' }, field(t('thread.show'), pick)), list);
}

// A decrypted part's clear text, shown once and never stored.
export function clearText(res) {
  return h('article', { class: 'message kind-in' },
    h('header', null, h('strong', null, t('thread.decrypted', { message: res.message, part: res.part }))),
    res.clear_text === null ? h('p', { class: 'meta' }, t('thread.binary')) : h('pre', null, res.clear_text));
}
