// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// lib/roles.js: what the signed-in user may see, from GET /api/v1/me's
// role and "may". The server decides; this only hides what it would refuse.

export function isStaff(me) {
  return !!me && (me.role === 'admin' || me.role === 'analyst');
}

export function isPartner(me) {
  return !!me && me.role === 'partner';
}

// may(me, 'audit'): the server's answer when it gave one, else the role's.
export function may(me, what) {
  if (!me) return false;
  if (me.may && what in me.may) return !!me.may[what];
  return isStaff(me);
}
