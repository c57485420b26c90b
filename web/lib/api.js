// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// lib/api.js: the one door to /api/v1. Sends the session cookie, JSON
// bodies and the X-CSRF-Token header on every state-changing request;
// a 401 or a CSRF refusal ends the session and goes back to sign-in.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

let current = null;

export function setSession(s) {
  current = s || null;
}

export function session() {
  return current;
}

// Paths may be given with or without the /api/v1 prefix.
function url(path) {
  return path.startsWith('/api/') ? path : '/api/v1' + path;
}

// query('/tickets', {status: 'open', owner: ''}) -> '/tickets?status=open'
export function query(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

function signedOut() {
  current = null;
  if (!location.hash.startsWith('#/signin')) {
    sessionStorage.setItem('schakel.ended', '1');
    const back = location.hash && location.hash !== '#/' ? location.hash : '';
    if (back) sessionStorage.setItem('schakel.next', back);
    location.hash = '#/signin';
  }
}

async function errorOf(res) {
  let code = 'http', message = `${res.status} ${res.statusText}`;
  try {
    const body = await res.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
    }
  } catch (e) {
    // a body that is not JSON keeps the status line as its message
  }
  return new ApiError(res.status, code, message);
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD' && current && current.csrf_token) {
    headers['X-CSRF-Token'] = current.csrf_token;
  }
  let res;
  try {
    res = await fetch(url(path), init);
  } catch (e) {
    throw new ApiError(0, 'network', e.message || 'network error');
  }
  if (!res.ok) {
    const err = await errorOf(res);
    const signin = path.endsWith('/session') && method !== 'DELETE';
    if (!signin && (res.status === 401 || (res.status === 403 && err.code === 'csrf'))) signedOut();
    throw err;
  }
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  return type.includes('json') ? res.json() : res.text();
}
