// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/ticket.js: one ticket: its facts and clocks, the mail thread as
// text, what it names and whose that is, parties, links and history; reply
// (saying what becomes of the mail), comment, set owner/severity/status/TLP,
// link and add a party.

import { h, append, clear, facts, field, input, select, section, table, inlineForm } from '../lib/dom.js';
import { onSubmit, showNotice } from '../lib/alert.js';
import { isStaff } from '../lib/roles.js';
import { fmtTime } from '../lib/time.js';
import { prio, clock, tick, breachedTag } from '../lib/sla.js';
import { thread, clearText } from '../lib/thread.js';
import { orgNames, orgLink } from '../lib/orgs.js';
import { historyTable } from '../lib/audit.js';
import { SEVERITIES, TICKET_STATUSES, TLPS } from '../lib/vocab.js';

function clocks(tk, t) {
  const row = (label, due, done) => [label, done ? t('sla.done_at', { time: fmtTime(done) }) : due ? [clock(due), ' · ', fmtTime(due)] : null];
  return facts([
    row(t('sla.acknowledge'), tk.due_ack, tk.acked_at),
    row(t('sla.first_response'), tk.due_response, tk.responded_at),
    row(t('sla.resolve'), tk.due_resolve, tk.resolved_at),
  ]);
}

function about(tk, names, t) {
  return facts([
    [t('ticket.type'), tk.type],
    [t('ticket.status'), tk.status],
    [t('ticket.priority'), [prio(tk.priority), ' ', tk.severity]],
    [t('ticket.requester'), [tk.requester, tk.org_id ? [' · ', orgLink(tk.org_id, names)] : null]],
    [t('ticket.class'), tk.class],
    [t('ticket.service'), `${tk.service} · ${tk.coverage}`],
    [t('ticket.owner'), tk.owner],
    [t('ticket.tlp'), tk.tlp],
    [t('ticket.scope'), `${tk.scope}${tk.scope_reason ? ` — ${tk.scope_reason}` : ''}`],
    [t('ticket.tags'), tk.tags],
    [t('ticket.created'), fmtTime(tk.created)],
    [t('ticket.updated'), fmtTime(tk.updated)],
  ]);
}

function changeForm(tk, ctx, save) {
  const { t } = ctx;
  const form = h('form', { id: 'form-change' },
    field(t('ticket.owner'), input('owner', { value: tk.owner, autocomplete: 'off' })),
    field(t('ticket.severity'), select('severity', SEVERITIES, tk.severity)),
    field(t('ticket.status'), select('status', TICKET_STATUSES[tk.type] || [tk.status], tk.status)),
    field(t('ticket.tlp'), select('tlp', TLPS.includes(tk.tlp) ? TLPS : [tk.tlp, ...TLPS], tk.tlp)),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('common.save')),
      tk.owner === ctx.me.name ? null : h('button', { type: 'submit', name: 'take', value: '1' }, t('ticket.take'))));
  return onSubmit(form, (d, submitter) => {
    const owner = submitter && submitter.name === 'take' ? ctx.me.name : d.owner.trim();
    const body = {};
    if (owner !== tk.owner) body.owner = owner;
    if (d.severity !== tk.severity) body.severity = d.severity;
    if (d.status !== tk.status) body.status = d.status;
    if (d.tlp !== tk.tlp) body.tlp = d.tlp;
    return save('form-change', () => ctx.api('PATCH', `/tickets/${tk.id}`, body), t('ticket.saved'));
  });
}

function textForm(id, label, button, extra, send) {
  const form = h('form', { id },
    extra,
    field(label, h('textarea', { name: 'text', required: true, rows: 6 })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, button)));
  return onSubmit(form, send);
}

function replyForm(tk, ctx, save) {
  const { t } = ctx;
  const to = [...(tk.requester ? [[tk.requester, t('ticket.to_requester', { who: tk.requester })]] : []),
    ...(tk.parties || []).filter((p) => p.address).map((p) => [p.address, t('ticket.to_party', { who: p.address })])];
  if (!to.length) return h('p', { class: 'empty' }, t('ticket.no_recipient'));
  const note = h('p', { class: 'hint' }, t('ticket.reply_tlp', { tlp: tk.tlp }));
  const extra = [note, field(t('ticket.reply_to'), select('to', to, to[0][0]))];
  return textForm('form-reply', t('ticket.reply'), t('ticket.send_reply'), extra, (d) => save('form-reply',
    () => ctx.api('POST', `/tickets/${tk.id}/replies`, d.to && d.to !== tk.requester ? { text: d.text, to: d.to } : { text: d.text }),
    (res) => delivered(res.delivery, t)));
}

// What became of a reply's mail, from the answer's "delivery".
function delivered(d, t) {
  if (!d || d.outcome === 'queued') return t('ticket.reply_queued');
  if (d.outcome === 'held') return t('ticket.reply_held', { reason: d.reason || d.to, mail: t('nav.mail') });
  return t(d.outcome === 'encrypted' ? 'ticket.reply_encrypted' : 'ticket.reply_signed', { to: d.to });
}

function smallForm(id, fields, button, send) {
  const form = inlineForm(fields, button, { id, quiet: true });
  return onSubmit(form, send);
}

function namesTable(tk, names, t) {
  return table([
    { label: t('ticket.item_kind'), value: (r) => r.kind },
    { label: t('ticket.item_value'), class: 'mono', value: (r) => r.value },
    { label: t('ticket.item_owner'), value: (r) => (r.org_id ? orgLink(r.org_id, names, r.org) : h('span', { class: 'muted' }, t('ticket.no_owner'))) },
    { label: t('ticket.item_reason'), value: (r) => [r.reason || '', r.derived_from ? [h('br'), h('small', null, r.derived_from)] : null] },
  ], tk.items || []);
}

function partiesBlock(tk, names, ctx, save) {
  const { t } = ctx;
  const rows = (tk.parties || []).map((p) => ({ ...p, n: (tk.messages || []).filter((m) => m.party_id === p.id).length }));
  return [
    table([
      { label: t('ticket.party_org'), value: (r) => (r.org_id ? orgLink(r.org_id, names) : '—') },
      { label: t('ticket.party_address'), value: (r) => r.address || '—' },
      { label: t('ticket.party_messages'), class: 'num', value: (r) => String(r.n) },
    ], rows),
    tk.type === 'report' ? null : smallForm('form-party', [
      field(t('ticket.party_org'), select('org_id', [['', '—'], ...[...names].map(([id, n]) => [String(id), n])], '')),
      field(t('ticket.party_address'), input('address', { type: 'email', autocomplete: 'off' })),
    ], t('ticket.add_party'), (d) => {
      const body = {};
      if (d.org_id) body.org_id = Number(d.org_id);
      if (d.address.trim()) body.address = d.address.trim();
      return save('form-party', () => ctx.api('POST', `/tickets/${tk.id}/parties`, body), t('ticket.party_added'));
    }),
  ];
}

function linksBlock(tk, ctx, save) {
  const { t } = ctx;
  const links = tk.links || [];
  return [
    links.length ? h('ul', null, links.map((n) => h('li', null, h('a', { href: `#/tickets/${n}` }, `#${n}`)))) : h('p', { class: 'empty' }, t('common.none')),
    tk.type !== 'report' ? null : smallForm('form-link', [
      field(t('ticket.incident'), input('incident', { type: 'number', min: '1', inputmode: 'numeric', required: true })),
    ], t('ticket.link'), (d) => save('form-link', () => ctx.api('POST', `/tickets/${tk.id}/links`, { incident: Number(d.incident) }), t('ticket.linked'))),
  ];
}

export default {
  path: '/tickets/:id',
  title: 'ticket.title',
  under: '/queue',
  nav: false,
  allow: (me) => isStaff(me),
  async render(main, params, ctx) {
    const { t } = ctx;
    const id = Number(params.id);
    const [first, names] = await Promise.all([ctx.api('GET', `/tickets/${id}`), orgNames(ctx.api)]);
    const decrypted = h('div', { class: 'decrypted' });

    const decrypt = async (m, reason) => {
      const res = await ctx.api('POST', `/tickets/${id}/decrypt`, { reason, message: m.id });
      const text = clearText(res);
      decrypted.append(text);
      text.setAttribute('tabindex', '-1');
      text.focus();
    };

    const draw = (tk, focusId) => {
      document.title = `#${tk.id} ${tk.subject} — schakel`;
      // done: the notice, or a function of the answer that gives it.
      const save = async (formId, call, done) => {
        const res = await call();
        draw(res, formId);
        showNotice(typeof done === 'function' ? done(res) : done);
      };
      append(clear(main),
        h('div', { class: 'head' }, h('h1', null, `#${tk.id} `, tk.subject || t('ticket.no_subject')),
          h('span', { class: 'tag' }, tk.status), h('span', { class: 'tag' }, tk.tlp), breachedTag(tk.breached)),
        h('div', { class: 'grid' },
          section(t('ticket.about'), about(tk, names, t)),
          section(t('ticket.clocks'), clocks(tk, t)),
          section(t('ticket.change'), changeForm(tk, ctx, save))),
        section(t('ticket.thread'), thread(tk.messages, tk.parties, decrypt), decrypted),
        h('div', { class: 'grid' },
          section(t('ticket.reply_title'), replyForm(tk, ctx, save)),
          section(t('ticket.comment_title'), textForm('form-comment', t('ticket.comment'), t('ticket.add_comment'), null,
            (d) => save('form-comment', () => ctx.api('POST', `/tickets/${tk.id}/comments`, { text: d.text }), t('ticket.commented'))))),
        section(t('ticket.names'), namesTable(tk, names, t)),
        h('div', { class: 'grid' },
          section(t('ticket.parties'), partiesBlock(tk, names, ctx, save)),
          section(t('ticket.links'), linksBlock(tk, ctx, save))),
        tk.history ? section(t('ticket.history'), historyTable(tk.history)) : null);
      const f = focusId && document.getElementById(focusId);
      if (f) (f.querySelector('textarea, input, select') || f).focus();
    };
    draw(first);
    ctx.every(1000, () => tick(main));
  },
};
