// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// lib/alert.js: the one visible alert region (#alert, role="alert") for
// errors, and the wrapper every form submits through.

import { t } from './i18n.js';

function region() {
  return document.getElementById('alert');
}

export function showError(err) {
  const el = region();
  if (!el) return;
  let msg = err && err.message ? err.message : String(err);
  if (err && err.code === 'network') msg = t('common.network');
  el.textContent = msg;
  el.className = 'alert error';
  el.hidden = false;
}

export function showNotice(msg) {
  const el = region();
  if (!el) return;
  el.textContent = msg;
  el.className = 'alert notice';
  el.hidden = false;
}

export function clearAlert() {
  const el = region();
  if (!el) return;
  el.textContent = '';
  el.hidden = true;
}

// onSubmit(form, async (data) => ...): Enter submits, the buttons are
// disabled while the request runs, errors land in the alert region.
export function onSubmit(form, fn) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (form.dataset.busy) return;
    form.dataset.busy = '1';
    const buttons = form.querySelectorAll('button');
    buttons.forEach((b) => { b.disabled = true; });
    form.setAttribute('aria-busy', 'true');
    try {
      clearAlert();
      await fn(Object.fromEntries(new FormData(form).entries()), ev.submitter);
    } catch (err) {
      showError(err);
    } finally {
      delete form.dataset.busy;
      form.removeAttribute('aria-busy');
      buttons.forEach((b) => { b.disabled = false; });
    }
  });
  return form;
}

// Runs an action of a button the same way.
export async function guard(fn) {
  try {
    clearAlert();
    return await fn();
  } catch (err) {
    showError(err);
    return undefined;
  }
}
