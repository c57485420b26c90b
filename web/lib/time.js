// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// lib/time.js: times in the user's time zone, with the zone named, and
// the SLA countdowns.

import { lang, t } from './i18n.js';

const cache = new Map();

// The user's own locale when it is of the chosen language (en-US, fr-BE),
// else the language with European conventions (24-hour clock).
function locale() {
  const l = lang();
  const nav = navigator.language || '';
  if (nav.slice(0, 2).toLowerCase() === l) return nav;
  return l === 'en' ? 'en-GB' : l;
}

function formatter(kind) {
  const k = `${lang()}:${kind}`;
  if (!cache.has(k)) {
    const opts = kind === 'day'
      ? { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }
      : { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };
    cache.set(k, new Intl.DateTimeFormat(locale(), opts));
  }
  return cache.get(k);
}

// "8 Dec 2026, 03:12 CET"; '' for no time.
export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : formatter('time').format(d);
}

// A calendar day ("2026-12-08") as "Tue, 8 Dec 2026".
export function fmtDay(day) {
  if (!day) return '';
  const [y, m, d] = String(day).split('-').map(Number);
  if (!y || !m || !d) return String(day);
  return formatter('day').format(new Date(y, m - 1, d));
}

// The zone's name, e.g. "Europe/Brussels".
export function zoneName() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function span(s) {
  const d = Math.floor(s / 86400), hr = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60), sec = Math.floor(s % 60);
  const two = (n) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${two(hr)}h`;
  if (hr > 0) return `${hr}h ${two(m)}m`;
  return `${m}m ${two(sec)}s`;
}

// "2h 05m left" or "breached 14m 09s ago".
export function fmtLeft(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '';
  return seconds >= 0
    ? t('time.left', { span: span(seconds) })
    : t('time.breached_ago', { span: span(-seconds) });
}

// Seconds from now until an ISO time (negative when past).
export function secondsUntil(iso) {
  return Math.round((new Date(iso).getTime() - Date.now()) / 1000);
}
