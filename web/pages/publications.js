// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/publications.js: the publications (threat assessments, resilience
// measures, guidance, best practices), newest first, by status; staff
// draft a new one here: kind, title, summary, TLP, audience, a Markdown
// body and attachments, read in the browser and sent as base64 in the
// one JSON request (POST /publications).

import { h, field, input, select, swap, table, inlineForm } from '../lib/dom.js';
import { query } from '../lib/api.js';
import { onSubmit } from '../lib/alert.js';
import { isStaff } from '../lib/roles.js';
import { fmtTime } from '../lib/time.js';
import { withAny } from '../lib/vocab.js';

const STATUSES = ['draft', 'review', 'published', 'withdrawn'];
export const KINDS = ['threat-assessment', 'resilience-measure', 'guidance', 'best-practice'];
const TLPS = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'];

// "all, class:oes, sector:energy/gas, org:12" -> the audience object of
// docs/advisories.md.
export function parseAudience(text, t) {
  const aud = { all: false, classes: [], sectors: [], orgs: [] };
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [k, ...rest] = part.split(':');
    const v = rest.join(':').trim();
    if (k === 'all' && !v) aud.all = true;
    else if (k === 'class' && v) aud.classes.push(v);
    else if (k === 'sector' && v) aud.sectors.push(v);
    else if (k === 'org' && /^\d+$/.test(v)) aud.orgs.push(Number(v));
    else throw new Error(t('publication.bad_audience', { part }));
  }
  return aud;
}

function base64(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

export default {
  path: '/publications',
  title: 'nav.publications',
  nav: true,
  allow: (me) => isStaff(me),
  async render(main, params, ctx) {
    const { t } = ctx;
    const f = { status: params.status || '' };
    const form = inlineForm([
      field(t('advisory.status'), select('status', withAny(STATUSES, t('common.any')), f.status)),
    ], t('common.filter'), { search: t('publications.filters') });
    let list = h('p', { class: 'muted' }, t('common.loading'));
    main.append(h('h1', null, t('nav.publications')), form, list);

    const show = async () => {
      const page = await ctx.api('GET', query('/publications', { status: f.status }));
      if (!ctx.current()) return;
      list = swap(list, table([
        { label: t('advisory.number'), value: (p) => h('a', { href: `#/publications/${p.id}` }, p.number) },
        { label: t('publication.kind'), value: (p) => t(`publication.kind.${p.kind}`) },
        { label: t('advisory.title'), value: (p) => p.title },
        { label: t('advisory.tlp'), value: (p) => p.tlp },
        { label: t('advisory.status'), value: (p) => p.status },
        { label: t('advisory.updated'), value: (p) => fmtTime(p.updated) },
      ], page.items || []));
    };
    onSubmit(form, async (d) => {
      f.status = d.status;
      history.replaceState(null, '', query('#/publications', f));
      await show();
    });
    await show();

    const files = h('input', { type: 'file', name: 'files', multiple: true });
    const add = h('form', { id: 'form-publication-new' },
      field(t('publication.kind'), select('kind', KINDS.map((k) => [k, t(`publication.kind.${k}`)]), 'guidance')),
      field(t('advisory.title'), input('title', { required: true, maxlength: '200' })),
      field(t('advisory.summary'), input('summary')),
      field(t('advisory.tlp'), select('tlp', TLPS, 'TLP:AMBER')),
      field(t('publication.audience'), input('audience', { required: true, value: 'all' }), t('publication.audience_hint')),
      field(t('publication.body'), h('textarea', { name: 'body', rows: '12', required: true }), t('publication.body_hint')),
      field(t('publication.attachments'), files),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('publications.create'))));
    onSubmit(add, async (d) => {
      const body = {
        kind: d.kind, title: d.title, tlp: d.tlp, audience: parseAudience(d.audience, t), body: d.body,
      };
      if (d.summary) body.summary = d.summary;
      if (files.files.length) {
        body.attachments = await Promise.all([...files.files].map(async (file) => ({
          name: file.name, media_type: file.type || 'application/octet-stream', content: await base64(file),
        })));
      }
      const p = await ctx.api('POST', '/publications', body);
      ctx.navigate(`#/publications/${(p.publication || p).id}`);
    });
    main.append(h('details', { class: 'card' }, h('summary', null, t('publications.new')), add));
  },
};
