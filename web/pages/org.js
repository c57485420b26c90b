// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/org.js: one organization with its contacts, resources, members
// and liaisons; edit it, add and edit contacts, add and remove resources
// and members.

import { h, append, button, clear, facts, section, select, table, field } from '../lib/dom.js';
import { guard, onSubmit, showNotice } from '../lib/alert.js';
import { isStaff, may } from '../lib/roles.js';
import { fmtTime } from '../lib/time.js';
import { forgetOrgs, orgNames } from '../lib/orgs.js';
import { contactBody, contactFields, orgBody, orgFields, resourceBody, resourceFields } from '../lib/orgedit.js';

function editForm(id, fields, label, send, cls) {
  const form = h('form', { id, class: cls }, fields, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, label)));
  return onSubmit(form, send);
}

function orgTable(list, t, remove) {
  return table([
    { label: t('org.name'), value: (o) => h('a', { href: `#/orgs/${o.id}` }, o.name) },
    { label: t('org.class'), value: (o) => o.class },
    { label: t('org.sector'), value: (o) => o.sector },
    ...(remove ? [{ label: t('common.actions'), value: (o) => button(t('org.end_membership'), () => remove(o), 'danger') }] : []),
  ], list);
}

export default {
  path: '/orgs/:id',
  title: 'org.title',
  nav: false,
  allow: (me) => isStaff(me),
  async render(main, params, ctx) {
    const { t, api } = ctx;
    const id = Number(params.id);
    const base = `/orgs/${id}`;
    const edit = may(ctx.me, 'registry');

    const draw = async (focusId) => {
      const [org, contacts, resources, members, liaisons] = await Promise.all([
        api('GET', base), api('GET', `${base}/contacts?limit=1000`), api('GET', `${base}/resources?limit=10000`),
        api('GET', `${base}/members?limit=10000`), api('GET', `${base}/liaisons?limit=1000`)]);
      if (!ctx.current()) return;
      document.title = `${org.name} — schakel`;
      const act = (formId, call, done) => guard(async () => {
        await call();
        await draw(formId);
        showNotice(done);
      });
      const contactTitle = h('summary');
      const contactForm = h('div');
      const contactBox = h('details', { class: 'sub', id: 'contact-edit' }, contactTitle, contactForm);
      const editContact = (c) => {
        contactTitle.textContent = c ? t('contact.edit', { name: c.name }) : t('contact.new');
        contactBox.open = !!c;
        clear(contactForm).append(
          editForm('form-contact', contactFields(c, t), c ? t('common.save') : t('contact.add'), (d) => act('form-contact',
            () => api(c ? 'PATCH' : 'POST', c ? `${base}/contacts/${c.id}` : `${base}/contacts`, contactBody(d)),
            c ? t('contact.saved') : t('contact.added')), 'form-grid'));
        if (c) contactForm.querySelector('input').focus();
      };
      if (edit) editContact(null);

      const contactCols = [
        { label: t('contact.name'), value: (c) => c.name },
        { label: t('contact.role'), value: (c) => c.role },
        { label: t('contact.email'), value: (c) => h('a', { href: `mailto:${c.email}` }, c.email) },
        { label: t('contact.phone'), class: 'nowrap', value: (c) => c.phone || '' },
        { label: t('contact.languages'), value: (c) => (c.languages || []).join(', ') },
        { label: t('contact.pgp'), class: 'mono', value: (c) => c.pgp_fingerprint || h('span', { class: 'tag warn' }, t('contact.no_key')) },
      ];
      if (edit) {
        contactCols.push({ label: t('common.actions'), class: 'nowrap', value: (c) => [
          h('button', { type: 'button', 'data-key': `edit-${c.id}`, on: { click: () => editContact(c) } }, t('common.edit')), ' ',
          button(t('common.remove'), () => window.confirm(t('contact.confirm_remove', { name: c.name }))
            && act(null, () => api('DELETE', `${base}/contacts/${c.id}`), t('contact.removed')), 'danger')] });
      }
      const resCols = [
        { label: t('resource.type'), value: (r) => r.type },
        { label: t('resource.value'), class: 'mono', value: (r) => h('a', { href: `#/whois?q=${encodeURIComponent(r.value)}` }, r.value) },
        { label: t('resource.added'), class: 'nowrap', value: (r) => fmtTime(r.created) },
      ];
      if (edit) {
        resCols.push({ label: t('common.actions'), value: (r) => button(t('common.remove'),
          () => window.confirm(t('resource.confirm_remove', { value: r.value }))
            && act(null, () => api('DELETE', `${base}/resources/${r.id}`), t('resource.removed')), 'danger') });
      }
      const isLiaison = org.kind === 'liaison';
      let memberAdd = null;
      if (edit && isLiaison) {
        const names = await orgNames(api);
        const taken = new Set([id, ...(members.items || []).map((m) => m.id)]);
        memberAdd = editForm('form-member', field(t('org.member'), select('member', [...names].filter(([k]) => !taken.has(k))
          .map(([k, n]) => [String(k), n]))), t('org.add_member'), (d) => act('form-member',
          () => api('PUT', `${base}/members/${d.member}`), t('org.member_added')));
      }
      const removeMember = edit && isLiaison ? (m) => window.confirm(t('org.confirm_end', { name: m.name }))
        && act(null, () => api('DELETE', `${base}/members/${m.id}`), t('org.member_removed')) : null;

      append(clear(main),
        h('div', { class: 'head' }, h('h1', null, org.name), h('span', { class: 'tag' }, org.kind),
          h('span', { class: 'tag' }, org.class), h('span', { class: org.status === 'suspended' ? 'tag bad' : 'tag' }, org.status),
          h('a', { href: `#/feeds?org=${org.id}` }, t('org.events_link'))),
        h('div', { class: 'grid' },
          section(t('org.about'), facts([
            [t('org.kind'), org.kind], [t('org.class'), org.class], [t('org.sector'), org.sector],
            [t('org.country'), org.country], [t('org.status'), org.status], [t('org.notes'), org.notes],
            [t('org.created'), fmtTime(org.created)], [t('org.updated'), fmtTime(org.updated)],
          ])),
          edit ? h('details', { class: 'card', open: focusId === 'form-org' }, h('summary', null, t('org.edit')),
            editForm('form-org', orgFields(org, t), t('common.save'), (d) => act('form-org', async () => {
              await api('PATCH', base, orgBody(d, org));
              forgetOrgs();
            }, t('org.saved')))) : null),
        section(t('org.contacts'), table(contactCols, contacts.items || []), edit ? contactBox : null),
        section(t('org.resources'), table(resCols, resources.items || []), edit
          ? editForm('form-resource', resourceFields(t), t('resource.add'), (d) => act('form-resource',
            () => api('POST', `${base}/resources`, resourceBody(d)), t('resource.added_ok')), 'form-grid') : null),
        isLiaison ? section(t('org.members'), orgTable(members.items || [], t, removeMember), memberAdd) : null,
        section(t('org.liaisons'), orgTable(liaisons.items || [], t, null)));
      const f = focusId && document.getElementById(focusId);
      const closed = f && f.closest('details:not([open])');
      if (f) (closed ? closed.querySelector('summary') : f.querySelector('input, select, textarea') || f).focus();
    };
    await draw(null);
  },
};
