// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// lib/dom.js: elements built from data as text only. Nothing here ever
// parses a string as HTML.

import { t } from './i18n.js';

const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'hidden', 'required', 'multiple']);
let seq = 0;

export function append(el, ...children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// h('a', {href: '#/tickets/3', class: 'id'}, '#', 3)
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (k === 'style' || k.startsWith('on')) {
      throw new Error(`h: attribute ${k} is not allowed`);
    } else if (k === 'class') {
      el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    } else if (PROPS.has(k)) {
      el[k] = v;
      if (k !== 'value' && k !== 'checked' && k !== 'selected') el.setAttribute(k, '');
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  return append(el, children);
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

export function uid(prefix) {
  seq += 1;
  return `${prefix || 'f'}-${seq}`;
}

// A labelled input: field('Owner', h('input', {name: 'owner'})).
export function field(label, input, hint) {
  if (!input.id) input.id = uid(input.name || 'f');
  const parts = [h('label', { for: input.id }, label), input];
  if (hint) {
    const hid = uid('hint');
    input.setAttribute('aria-describedby', hid);
    parts.push(h('small', { id: hid, class: 'hint' }, hint));
  }
  return h('div', { class: 'field' }, parts);
}

// options: [[value, label], ...] or plain strings.
export function select(name, options, value) {
  return h('select', { name }, options.map((o) => {
    const [v, l] = Array.isArray(o) ? o : [o, o];
    return h('option', { value: v, selected: v === value }, l);
  }));
}

export function input(name, attrs) {
  return h('input', Object.assign({ name, type: 'text' }, attrs || {}));
}

export function button(label, onClick, cls) {
  return h('button', { type: 'button', class: cls, on: { click: onClick } }, label);
}

export function link(href, ...children) {
  return h('a', { href }, ...children);
}

// A table that scrolls sideways on a narrow screen. columns: [{label,
// value: row => string|Node, class}]; rowAttrs(row) adds attributes to
// each <tr>.
export function table(columns, rows, rowAttrs, caption) {
  if (!rows.length) return h('p', { class: 'empty' }, t('common.none'));
  const head = h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)));
  const body = rows.map((r) => h('tr', rowAttrs ? rowAttrs(r) : null,
    columns.map((c) => h('td', { class: c.class }, c.value(r)))));
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption || t('common.table') },
    h('table', null, caption ? h('caption', null, caption) : null, h('thead', null, head), h('tbody', null, body)));
}

// A one-line form of fields and a submit button; search names a search
// landmark. inlineForm([field(...), ...], 'Filter', {search: 'Filter the queue'})
export function inlineForm(fields, label, opts) {
  const o = opts || {};
  return h('form', { id: o.id, class: 'filters', role: o.search ? 'search' : null, 'aria-label': o.search },
    fields, h('div', { class: 'field' }, h('button', { type: 'submit', class: o.quiet ? null : 'primary' }, label)));
}

// A definition list from [label, value] pairs; empty values show a dash.
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.map(([k, v]) => [
    h('dt', null, k),
    h('dd', null, v === null || v === undefined || v === '' ? '—' : v),
  ]));
}

export function section(title, ...children) {
  const id = uid('s');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

// A polite status line beside a form ("Saved."), read out when it changes.
export function status() {
  return h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
}

// Replaces old with new, keeping the keyboard focus on the same link or
// button (by href or data-key) when it was inside.
export function swap(oldEl, newEl) {
  const a = document.activeElement;
  const key = a && oldEl.contains(a) ? (a.getAttribute('href') || a.dataset.key) : null;
  oldEl.replaceWith(newEl);
  if (!key) return newEl;
  for (const el of newEl.querySelectorAll('a[href], [data-key]')) {
    if (el.getAttribute('href') === key || el.dataset.key === key) { el.focus(); break; }
  }
  return newEl;
}
