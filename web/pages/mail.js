// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/mail.js: the outbound queue: held mail first (release or drop),
// failed mail, then the latest messages by status.

import { h, button, field, select, section, table, swap, inlineForm } from '../lib/dom.js';
import { query } from '../lib/api.js';
import { guard, onSubmit, showNotice } from '../lib/alert.js';
import { isStaff } from '../lib/roles.js';
import { fmtTime } from '../lib/time.js';
import { MAIL_STATUSES, withAny } from '../lib/vocab.js';

const LIMIT = 50;
const STATE = { held: 'tag warn', failed: 'tag bad', sent: 'tag ok', queued: 'tag' };

function ref(r) {
  const m = /^ticket:(\d+)$/.exec(r.ref || '');
  return m ? h('a', { href: `#/tickets/${m[1]}` }, r.ref) : r.ref || '';
}

function state(r) {
  const when = r.status === 'sent' ? r.sent_at : r.status === 'held' ? null : r.next_attempt;
  return [h('span', { class: STATE[r.status] || 'tag' }, r.status),
    r.attempts ? ` ×${r.attempts}` : '', when ? [h('br'), h('small', null, fmtTime(when))] : null];
}

// act set: the held table, with Release and Drop near the start.
function columns(t, act) {
  const actions = { label: t('common.actions'), class: 'nowrap', value: (r) => [
    button(t('mail.release'), () => act(r, 'release'), 'primary'), ' ',
    button(t('mail.drop'), () => act(r, 'drop'), 'danger')] };
  const created = { label: t('mail.created'), class: 'nowrap', value: (r) => fmtTime(r.created) };
  return [
    { label: t('mail.number'), class: 'num', value: (r) => String(r.id) },
    { label: t('mail.status'), class: 'nowrap', value: (r) => state(r) },
    act ? actions : created,
    { label: t('mail.kind'), value: (r) => [r.kind, h('br'), ref(r)] },
    { label: t('mail.recipients'), value: (r) => r.recipients },
    { label: t('mail.subject'), class: 'wide', value: (r) => r.subject },
    { label: t('mail.tlp'), class: 'nowrap', value: (r) => r.tlp || '' },
    { label: t('mail.why'), class: 'wide', value: (r) => r.held || r.last_error || '' },
  ];
}

export default {
  path: '/mail',
  title: 'nav.mail',
  nav: true,
  allow: (me) => isStaff(me),
  async render(main, params, ctx) {
    const { t, api } = ctx;
    const filter = { status: MAIL_STATUSES.includes(params.status) ? params.status : '' };
    let held = h('p', { class: 'muted' }, t('common.loading'));
    let failed = h('p', { class: 'muted' }, t('common.loading'));
    let recent = h('p', { class: 'muted' }, t('common.loading'));
    const form = inlineForm([
      field(t('mail.status'), select('status', withAny(MAIL_STATUSES, t('common.any')), filter.status)),
    ], t('common.filter'));
    const heldTitle = h('span');
    const failedTitle = h('span');

    const load = async () => {
      const [hp, fp, rp] = await Promise.all([
        api('GET', query('/mail', { status: 'held', limit: LIMIT })),
        api('GET', query('/mail', { status: 'failed', limit: LIMIT })),
        api('GET', query('/mail', { status: filter.status, limit: LIMIT }))]);
      if (!ctx.current()) return;
      heldTitle.textContent = t('mail.held', { n: hp.total });
      failedTitle.textContent = t('mail.failed', { n: fp.total });
      held = swap(held, table(columns(t, act), hp.items));
      failed = swap(failed, table(columns(t, null), fp.items));
      recent = swap(recent, table(columns(t, null), rp.items));
    };
    const act = (r, what) => guard(async () => {
      if (!window.confirm(t(`mail.confirm_${what}`, { id: r.id, to: r.recipients, why: r.held || '' }))) return;
      await api('POST', `/mail/${r.id}/${what}`);
      await load();
      showNotice(t(what === 'drop' ? 'mail.dropped' : 'mail.released', { id: r.id }));
    });
    onSubmit(form, async (d) => {
      filter.status = d.status;
      history.replaceState(null, '', query('#/mail', filter));
      await load();
    });
    main.append(h('h1', null, t('nav.mail')),
      h('p', { class: 'lead' }, t('mail.lead')),
      section(heldTitle, held), section(failedTitle, failed),
      section(t('mail.recent'), form, recent));
    await load();
  },
};
