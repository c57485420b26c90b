// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/portal-report.js: #/portal/report, report an incident. The report
// becomes a ticket exactly as a mail to the CSIRT would, and its
// acknowledgement goes to the contact chosen as the reporter; the page
// shows the ticket's number and the acknowledgement's text (rendered by
// the server from the same templates as the mail, in the contact's
// language).

import { h, clear, field, select, input, section } from '../lib/dom.js';
import { onSubmit } from '../lib/alert.js';
import { TLPS } from '../lib/vocab.js';

export default {
  path: '/portal/report',
  title: 'portal.nav.report',
  nav: true,
  allow: (me) => me.role === 'partner' && !!me.org && !(me.may && me.may.report === false),
  async render(main, params, ctx) {
    const { me, api, t } = ctx;
    const contacts = await api('GET', `/orgs/${me.org.id}/contacts?limit=1000`);
    if (!ctx.current()) return;
    const who = contacts.items.map((c) => [String(c.id), `${c.name} <${c.email}>`]);
    const preferred = contacts.items.find((c) => c.role === 'operational-24x7') || contacts.items[0];

    main.append(h('h1', null, t('portal.report.title')), h('p', { class: 'lead' }, t('portal.report.lead')));
    if (!who.length) {
      main.append(h('p', { class: 'empty' }, t('portal.report.no_contacts')));
      return;
    }
    const text = h('textarea', { name: 'text', rows: '10', required: true, maxlength: '65536' });
    const form = h('form', null,
      field(t('portal.report.subject'), input('subject', { required: true, maxlength: '200', autocomplete: 'off' })),
      field(t('portal.report.text'), text, t('portal.report.text_hint')),
      field(t('portal.report.contact'), select('contact_id', who, preferred ? String(preferred.id) : undefined),
        t('portal.report.contact_hint')),
      field(t('portal.report.tlp'), select('tlp', TLPS.map((l) => [l, `${l} — ${t(`portal.tlp.${l.slice(4)}`)}`]), 'TLP:AMBER'),
        t('portal.report.tlp_hint')),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('portal.report.send'))));
    const result = h('div', { tabindex: '-1' });
    onSubmit(form, async (data) => {
      const answer = await api('POST', '/reports', {
        subject: data.subject.trim(),
        text: data.text,
        contact_id: Number(data.contact_id),
        tlp: data.tlp,
      });
      const tk = answer.ticket;
      const ack = answer.acknowledgement;
      const number = tk.number || tk.id;
      // 201: a new ticket; 200: the same report again (nothing stored) or
      // an addition to one of the organization's tickets ([TAG #N]).
      const headline = answer.duplicate ? t('portal.report.duplicate', { number })
        : (ack || answer.no_ack ? t('portal.report.done', { number }) : t('portal.report.added', { number }));
      form.hidden = true;
      clear(result).append(section(headline,
        h('p', { id: 'report-ticket', 'data-ticket-id': tk.id, 'data-ticket-number': number },
          t('portal.report.done_text', { number, subject: tk.subject })),
        ack ? h('div', null,
          h('h3', null, t('portal.report.ack', { to: ack.to })),
          h('p', null, h('strong', null, t('portal.report.ack_subject')), ' ', ack.subject),
          h('div', { class: 'message kind-ack' }, h('pre', { id: 'report-ack' }, ack.text))) : null,
        !ack && answer.no_ack ? h('p', { class: 'hint' }, t('portal.report.no_ack', { why: answer.no_ack })) : null,
        h('p', null, h('a', { href: '#/portal/reports' }, t('portal.report.see_reports')))));
      result.focus();
    });
    main.append(form, result);
  },
};
