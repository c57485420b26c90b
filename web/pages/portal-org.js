// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/portal-org.js: #/portal/org, the partner's own organization: its
// facts, its contacts and its resources. Contacts and resources can be
// changed here when [portal] partners_edit allows it (me.may.edit_contacts,
// me.may.edit_resources); the server checks again.

import { h, clear, table, facts, section, field, select, input, button, status } from '../lib/dom.js';
import { onSubmit, guard } from '../lib/alert.js';
import { fmtTime } from '../lib/time.js';

const ROLES = ['operational-24x7', 'advisory', 'abuse', 'management', 'other'];

function contactForm(t, contact, onSave, onCancel) {
  const c = contact || {};
  const form = h('form', { class: 'form-grid' },
    field(t('portal.contact.name'), input('name', { value: c.name || '', required: true, maxlength: '200', autocomplete: 'name' })),
    field(t('portal.contact.email'), input('email', { type: 'email', value: c.email || '', required: true, maxlength: '254', autocomplete: 'email' })),
    field(t('portal.contact.phone'), input('phone', { type: 'tel', value: c.phone || '', autocomplete: 'tel' }), t('portal.contact.phone_hint')),
    field(t('portal.contact.role'), select('role', ROLES.map((r) => [r, t(`portal.contact.role.${r}`)]), c.role || 'operational-24x7')),
    field(t('portal.contact.languages'), input('languages', { value: (c.languages || ['en']).join(', ') }), t('portal.contact.languages_hint')),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, contact ? t('portal.save') : t('portal.contact.add')),
      onCancel ? button(t('portal.cancel'), onCancel, 'quiet') : null));
  onSubmit(form, async (data) => {
    const body = {
      name: data.name.trim(),
      email: data.email.trim(),
      phone: data.phone.trim() || null,
      role: data.role,
      languages: data.languages.split(/[\s,]+/).filter(Boolean),
    };
    await onSave(body);
  });
  return form;
}

export default {
  path: '/portal/org',
  title: 'portal.nav.org',
  nav: true,
  allow: (me) => me.role === 'partner' && !!me.org,
  async render(main, params, ctx) {
    const { me, api, t } = ctx;
    const id = me.org.id;
    const base = `/orgs/${id}`;
    const [org, contacts, resources] = await Promise.all([
      api('GET', base),
      api('GET', `${base}/contacts?limit=1000`),
      api('GET', `${base}/resources?limit=1000`),
    ]);
    if (!ctx.current()) return;
    const mayContacts = !!(me.may && me.may.edit_contacts);
    const mayResources = !!(me.may && me.may.edit_resources);
    const note = status();

    main.append(
      h('h1', null, org.name),
      section(t('portal.org.facts'), facts([
        [t('portal.org.kind'), t(`portal.kind.${org.kind}`)],
        [t('portal.org.class'), t(`portal.class.${org.class}`)],
        [t('portal.org.sector'), org.sector],
        [t('portal.org.country'), org.country],
        [t('portal.org.status'), t(`portal.status.${org.status}`)],
        [t('portal.org.updated'), fmtTime(org.updated)],
      ]), me.org.is_liaison ? h('p', null, h('a', { href: '#/portal/members' }, t('portal.org.see_members'))) : null),
      note);

    const contactBox = h('div');
    const renderContacts = (items) => {
      const cols = [
        { label: t('portal.contact.name'), value: (c) => c.name },
        { label: t('portal.contact.email'), value: (c) => h('a', { href: `mailto:${c.email}` }, c.email) },
        { label: t('portal.contact.phone'), value: (c) => c.phone || '—' },
        { label: t('portal.contact.role'), value: (c) => t(`portal.contact.role.${c.role}`) },
        { label: t('portal.contact.languages'), value: (c) => (c.languages || []).join(', ') },
        { label: t('portal.contact.pgp'), value: (c) => (c.pgp_fingerprint ? h('code', null, c.pgp_fingerprint) : '—'), class: 'mono' },
      ];
      if (mayContacts) {
        cols.push({
          label: t('portal.actions'),
          class: 'nowrap',
          value: (c) => [button(t('portal.edit'), () => edit(c), 'quiet'), ' ',
            button(t('portal.delete'), () => remove(c), 'quiet danger')],
        });
      }
      clear(contactBox).append(table(cols, items, (c) => ({ 'data-contact-id': c.id })));
    };
    const reload = async () => {
      const fresh = await api('GET', `${base}/contacts?limit=1000`);
      renderContacts(fresh.items);
    };
    // The contact form folds away until wanted: adding, or changing one.
    const formBox = h('details', { class: 'sub', id: 'contact-form' });
    const showForm = (title, contact, save, open) => {
      clear(formBox).append(h('summary', null, title), contactForm(t, contact, save,
        contact ? () => showForm(t('portal.contact.new'), null, add, false) : null));
      formBox.open = open;
      if (open) {
        const first = formBox.querySelector('input');
        if (first) first.focus();
      }
    };
    const add = async (body) => {
      await api('POST', `${base}/contacts`, body);
      note.textContent = t('portal.contact.added', { name: body.name });
      showForm(t('portal.contact.new'), null, add, false);
      await reload();
    };
    const edit = (c) => showForm(t('portal.contact.edit', { name: c.name }), c, async (body) => {
      await api('PATCH', `${base}/contacts/${c.id}`, body);
      note.textContent = t('portal.contact.saved', { name: body.name });
      showForm(t('portal.contact.new'), null, add, false);
      await reload();
    }, true);
    const remove = (c) => guard(async () => {
      if (!window.confirm(t('portal.contact.confirm_delete', { name: c.name }))) return;
      await api('DELETE', `${base}/contacts/${c.id}`);
      note.textContent = t('portal.contact.deleted', { name: c.name });
      await reload();
    });
    renderContacts(contacts.items);
    if (mayContacts) showForm(t('portal.contact.new'), null, add, false);
    main.append(section(t('portal.org.contacts'), contactBox,
      mayContacts ? formBox : h('p', { class: 'hint' }, t('portal.org.contacts_readonly'))));

    const resourceBox = h('div');
    const renderResources = (items) => {
      const cols = [
        { label: t('portal.resource.type'), value: (r) => t(`portal.resource.type.${r.type}`) },
        { label: t('portal.resource.value'), value: (r) => h('code', null, r.value), class: 'mono' },
        { label: t('portal.resource.added'), value: (r) => fmtTime(r.created) },
      ];
      if (mayResources) {
        cols.push({
          label: t('portal.actions'),
          value: (r) => button(t('portal.delete'), () => guard(async () => {
            if (!window.confirm(t('portal.resource.confirm_delete', { value: r.value }))) return;
            await api('DELETE', `${base}/resources/${r.id}`);
            note.textContent = t('portal.resource.deleted', { value: r.value });
            renderResources((await api('GET', `${base}/resources?limit=1000`)).items);
          }), 'quiet danger'),
        });
      }
      clear(resourceBox).append(table(cols, items, (r) => ({ 'data-resource-id': r.id })));
    };
    renderResources(resources.items);
    let resourceForm = null;
    if (mayResources) {
      resourceForm = h('form', { class: 'form-grid' },
        field(t('portal.resource.value'), input('value', { required: true, maxlength: '300' }), t('portal.resource.hint')),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('portal.resource.add'))));
      onSubmit(resourceForm, async (data) => {
        const added = await api('POST', `${base}/resources`, { value: data.value.trim() });
        note.textContent = t('portal.resource.added_note', { value: added.value });
        resourceForm.reset();
        renderResources((await api('GET', `${base}/resources?limit=1000`)).items);
      });
    }
    main.append(section(t('portal.org.resources'), resourceBox,
      resourceForm || h('p', { class: 'hint' }, t('portal.org.resources_readonly'))));
  },
};
