// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// lib/matrix.js: the NCSC matrix (docs/advisories.md) as a 3x3 table,
// probability down, damage across, with the advisory's cell marked
// (aria-current and the class "here"); High/High is the urgent corner.

import { h } from './dom.js';
import { t } from './i18n.js';

const LEVELS = [['H', 'high'], ['M', 'medium'], ['L', 'low']];

export function matrix(a) {
  const at = a.matrix || '';
  const head = h('tr', null, h('th', { scope: 'col', class: 'corner' }, t('matrix.corner')),
    LEVELS.map(([, l]) => h('th', { scope: 'col' }, t(`matrix.${l}`))));
  const rows = LEVELS.map(([p, pl]) => h('tr', null, h('th', { scope: 'row' }, t(`matrix.${pl}`)),
    LEVELS.map(([d]) => {
      const cell = `${p}/${d}`;
      const here = cell === at;
      return h('td', {
        class: ['cell', cell === 'H/H' ? 'urgent' : null, here ? 'here' : null],
        'aria-current': here ? 'true' : null,
        'data-cell': cell,
      }, cell, cell === 'H/H' ? h('small', null, t('matrix.urgent')) : null);
    })));
  return h('table', { class: 'matrix', 'aria-label': t('matrix.label', { cell: at || '—', label: a.label || '' }) },
    h('caption', null, t('matrix.caption')), h('thead', null, head), h('tbody', null, rows));
}
