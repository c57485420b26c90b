// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// lib/sla.js: priority marks and SLA clocks. A clock counts down to its due
// time once a second without asking the server again; a breached clock
// says so in words and with a mark, not by color alone.

import { h } from './dom.js';
import { t } from './i18n.js';
import { fmtLeft, fmtTime, secondsUntil } from './time.js';

const SOON = 3600;

export function prio(p) {
  return h('span', { class: `prio prio-${p}`, title: t('ticket.priority') }, `P${p}`);
}

function paint(el) {
  const left = secondsUntil(el.dataset.due);
  el.textContent = fmtLeft(left);
  el.classList.toggle('late', left < 0 || el.dataset.breached === '1');
  el.classList.toggle('soon', left >= 0 && left < SOON);
}

// A clock for one due time; breached: the server already counts it late.
export function clock(due, breached) {
  if (!due) return h('span', { class: 'muted' }, t('sla.no_clock'));
  const el = h('span', { class: 'clock', 'data-due': due, 'data-breached': breached ? '1' : '0', title: fmtTime(due) });
  paint(el);
  return el;
}

// Repaints every clock under root; call once a second.
export function tick(root) {
  for (const el of root.querySelectorAll('.clock[data-due]')) paint(el);
}

// The name of an SLA step ("acknowledge") in the user's language.
export function step(name) {
  return name ? t(`sla.${name.replace(/ /g, '_')}`) : '';
}

// "breached: acknowledge, first response" as a tag, or nothing.
export function breachedTag(list) {
  if (!list || !list.length) return null;
  return h('span', { class: 'tag bad' }, t('sla.breached', { steps: list.map(step).join(', ') }));
}
