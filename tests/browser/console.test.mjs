// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// tests/browser/console.test.mjs: the web console in Debian's chromium,
// driven by Playwright, against the schakeld that run.sh started with the
// demo of `make run`. Prints TAP lines numbered on from TAP_START and the
// plan last; exits 1 when a check failed.
//
// Environment (from run.sh): BASE (schakeld's URL), SINK (smtp-sink's
// directory, one file a message), CHROMIUM, ANALYST_PASSWORD,
// PARTNER_PASSWORD, SCREENSHOTS (where the screenshots go), TAP_START.

import { chromium } from 'playwright-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const BASE = process.env.BASE;
const SINK = process.env.SINK;
const SHOTS = process.env.SCREENSHOTS;
const WIDE = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 800 };
// No page may need more than this, from the hash change to its content.
const PAGE_BUDGET_MS = 1000;

let n = Number(process.env.TAP_START || 0);
let failed = 0;
const timings = [];

function ok(desc) {
  n += 1;
  console.log(`ok ${n} - ${desc}`);
}

function notOk(desc, why) {
  n += 1;
  failed += 1;
  console.log(`not ok ${n} - ${desc}`);
  for (const line of String(why).split('\n').slice(0, 12)) console.log(`# ${line}`);
}

// check(desc, fn): one TAP line; fn throws (or rejects) to fail, or
// returns {skip: 'why'} when what it checks cannot be checked here.
async function check(desc, fn) {
  try {
    const res = await fn();
    ok(res && res.skip ? `${desc} # SKIP ${res.skip}` : desc);
    return true;
  } catch (err) {
    notOk(desc, err && err.stack ? err.stack : err);
    return false;
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

function sameList(a, b, what) {
  assert(JSON.stringify(a) === JSON.stringify(b), `${what}: got ${JSON.stringify(a)}, wanted ${JSON.stringify(b)}`);
}

// The message files smtp-sink wrote that contain every one of needles.
function sinkFind(...needles) {
  let names = [];
  try {
    names = readdirSync(SINK);
  } catch (e) {
    return [];
  }
  return names.filter((f) => {
    // Header lines unfolded (RFC 5322 2.2.3), so that a long subject
    // reads as one line.
    const text = readFileSync(join(SINK, f), 'latin1').replace(/\r?\n(?=[ \t])/g, '');
    return needles.every((s) => text.includes(s));
  });
}

async function waitSink(seconds, ...needles) {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const found = sinkFind(...needles);
    if (found.length) return found;
    if (Date.now() > until) throw new Error(`no message with ${JSON.stringify(needles)} in ${SINK} after ${seconds} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// go(page, hash, ready): route to hash and wait until the selector ready
// is shown; records how long the page took.
async function go(page, hash, ready) {
  const t0 = Date.now();
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.locator(ready).first().waitFor({ state: 'visible' });
  const ms = Date.now() - t0;
  timings.push([hash, ms]);
  return ms;
}

async function json(res) {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${res.url()}: ${res.status()} and not JSON: ${text.slice(0, 200)}`);
  }
}

async function apiGet(page, path) {
  const res = await page.request.get(`${BASE}/api/v1${path}`);
  assert(res.ok(), `GET ${path}: ${res.status()} ${await res.text()}`);
  return json(res);
}

// The CSRF token of the page's session, as the console holds it.
async function csrf(page) {
  const s = await apiGet(page, '/session');
  assert(s.csrf_token, 'GET /api/v1/session gives no csrf_token');
  return s.csrf_token;
}

async function signIn(page, name, password) {
  await page.goto(`${BASE}/#/signin`);
  const form = page.locator('main form').filter({ has: page.locator('input[type=password]') });
  await form.locator('input[name=name]').fill(name);
  await form.locator('input[name=password]').fill(password);
  await form.locator('button[type=submit]').click();
}

async function signOut(page) {
  await page.locator('#signout').click();
  await page.locator('main input[type=password]').waitFor({ state: 'visible' });
}

async function alertText(page) {
  const el = page.locator('#alert');
  await el.waitFor({ state: 'visible' });
  return (await el.textContent()).trim();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // Without these, chromium reaches for Google's hosts, which a closed
  // network refuses; as root it needs --no-sandbox.
  args: [
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run', '--disable-gpu', '--disable-quic',
    ...(process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []),
  ],
});
const context = await browser.newContext({
  viewport: WIDE,
  locale: 'en-GB',
  timezoneId: 'Europe/Brussels',
});
context.setDefaultTimeout(20000);
let page = await context.newPage();

// Console errors and page errors over the whole run. The browser logs a
// refused request as an error too; those the tests provoke on purpose
// (signed out, a wrong password, another organization) are expected.
const consoleErrors = [];
const expectedRefusals = [];
function watch(p) {
  p.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const url = (msg.location() && msg.location().url) || '';
    if (/^Failed to load resource: the server responded with a status of (401|403|404)\b/.test(text) &&
        expectedRefusals.some((re) => re.test(url))) return;
    consoleErrors.push(`${text} (${url})`);
  });
  p.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));
}
watch(page);

const tag = randomBytes(4).toString('hex');
let queueIds = [];
let analystOrgs = [];

try {
  // ---- the shell, headers, keyboard ----
  expectedRefusals.push(/\/api\/v1\/session$/);
  let home;
  await check('the console loads at / with its sign-in form', async () => {
    home = await page.goto(`${BASE}/`);
    assert(home.ok(), `GET /: ${home.status()}`);
    await page.locator('main input[type=password]').waitFor({ state: 'visible' });
  });
  await check('Content-Security-Policy on /: script-src and style-src \'self\', no inline', async () => {
    const csp = (await home.allHeaders())['content-security-policy'] || '';
    assert(/script-src 'self'/.test(csp), `no script-src 'self' in "${csp}"`);
    assert(/style-src 'self'/.test(csp), `no style-src 'self' in "${csp}"`);
    assert(!/unsafe-inline|unsafe-eval/.test(csp), `unsafe source in "${csp}"`);
  });
  await check('X-Frame-Options DENY on /', async () => {
    sameList((await home.allHeaders())['x-frame-options'], 'DENY', 'X-Frame-Options');
  });
  await check('Content-Security-Policy and X-Frame-Options on an API answer', async () => {
    const res = await page.request.get(`${BASE}/api/v1/session`);
    const hd = res.headers();
    assert(hd['content-security-policy'], `no CSP on GET /api/v1/session (${res.status()})`);
    sameList(hd['x-frame-options'], 'DENY', 'X-Frame-Options');
  });
  await check('keyboard: the skip link is in the Tab order before the sign-in form, and leads to it', async () => {
    const active = () => page.evaluate(() => {
      const el = document.activeElement;
      return el ? el.getAttribute('name') || el.id || el.tagName : '';
    });
    let at = await active();
    for (let i = 0; i < 12 && at !== 'skip'; i++) {
      await page.keyboard.press('Shift+Tab');
      at = await active();
    }
    sameList(at, 'skip', 'Shift+Tab from the sign-in form reaches');
    await page.keyboard.press('Enter');
    sameList(await active(), 'main', 'the skip link moves the focus to');
    await page.keyboard.press('Tab');
    sameList(await active(), 'name', 'the first Tab stop in the content');
    await page.keyboard.press('Tab');
    sameList(await active(), 'password', 'the next Tab stop');
  });

  // ---- the analyst ----
  await check('a wrong password is refused with a message, and no session', async () => {
    await signIn(page, 'analyst', 'not-the-password');
    const msg = await alertText(page);
    assert(msg.length > 0, 'the alert region is empty');
    assert(await page.locator('main input[type=password]').isVisible(), 'the sign-in form is gone');
    sameList((await page.request.get(`${BASE}/api/v1/session`)).status(), 401, 'GET /api/v1/session');
  });
  await check('the demo analyst signs in and lands on the queue', async () => {
    await signIn(page, 'analyst', process.env.ANALYST_PASSWORD);
    await page.waitForURL(/#\/queue/);
    await page.locator('tr[data-ticket-id]').first().waitFor();
    const me = await apiGet(page, '/me');
    sameList([me.name, me.role], ['analyst', 'analyst'], 'GET /api/v1/me');
  });
  await check('the queue lists the open tickets in the order of GET /api/v1/tickets?order=queue', async () => {
    const api = await apiGet(page, '/tickets?order=queue&open=true&limit=200');
    const want = api.items.map((t) => String(t.id));
    const got = await page.locator('tr[data-ticket-id]').evaluateAll((rows) => rows.map((r) => r.dataset.ticketId));
    assert(want.length >= 2, `the demo has ${want.length} open tickets`);
    sameList(got, want, 'the queue\'s rows');
    const prios = api.items.map((t) => t.priority);
    sameList(prios, [...prios].sort((a, b) => a - b), 'the priorities, P1 first');
    queueIds = want;
  });
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'console-queue.png') });

  await check('on a phone (375 px) the queue fits the width and its table scrolls inside its box', async () => {
    await page.setViewportSize(PHONE);
    await page.waitForTimeout(100);
    const m = await page.evaluate(() => {
      const wrap = document.querySelector('tr[data-ticket-id]').closest('.table-wrap') ||
        document.querySelector('tr[data-ticket-id]').closest('table').parentElement;
      const style = getComputedStyle(wrap);
      return {
        page: document.scrollingElement.scrollWidth,
        overflow: style.overflowX,
        box: wrap.clientWidth,
      };
    });
    await page.setViewportSize(WIDE);
    assert(m.page <= PHONE.width, `the page is ${m.page} px wide`);
    assert(['auto', 'scroll'].includes(m.overflow), `the table's box has overflow-x ${m.overflow}`);
    assert(m.box <= PHONE.width, `the table's box is ${m.box} px wide`);
  });

  const first = queueIds[0] || '1';
  let ticket;
  await check('a ticket opens from the queue', async () => {
    await page.locator(`tr[data-ticket-id="${first}"] a`).first().click();
    await page.waitForURL(new RegExp(`#/tickets/${first}$`));
    await page.locator('#form-reply textarea').waitFor();
    ticket = await apiGet(page, `/tickets/${first}`);
    assert((await page.locator('main h1').first().textContent()).includes(ticket.subject) ||
      (await page.locator('main').textContent()).includes(ticket.subject), 'the subject is not on the page');
  });
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'console-ticket.png') });

  await check('the TLP set on the ticket page is the ticket\'s TLP in the API', async () => {
    // The demo's requesters have no OpenPGP key, and a TLP:AMBER reply to
    // a mailbox without one is held by design; so this ticket is shared
    // TLP:GREEN before the reply below.
    const want = ticket && ticket.tlp === 'TLP:GREEN' ? 'TLP:CLEAR' : 'TLP:GREEN';
    for (const tlp of [want, 'TLP:GREEN']) {
      await page.locator('#form-change select[name=tlp]').selectOption(tlp);
      await page.locator('#form-change button[type=submit].primary').click();
      await page.locator('main .head .tag', { hasText: tlp }).waitFor();
      sameList((await apiGet(page, `/tickets/${first}`)).tlp, tlp, 'GET /api/v1/tickets/{id} tlp');
    }
  });
  await check('the reply form says what the TLP means for the mail, before sending', async () => {
    const hint = await page.locator('#form-reply .hint').first().textContent();
    assert(hint.includes('TLP:GREEN') && /OpenPGP/.test(hint), `the hint reads "${hint}"`);
  });
  await check('a reply from the ticket page reaches smtp-sink, and the page says how it went', async () => {
    const text = `Reply-check-${tag}: the hosting provider took the site down.`;
    await page.locator('#form-reply textarea').fill(text);
    await page.locator('#form-reply button[type=submit]').click();
    const notice = await alertText(page);
    assert(/^The reply is (queued|held)/.test(notice), `the notice reads "${notice}"`);
    await page.locator('#form-reply textarea').waitFor();
    await waitSink(20, `Reply-check-${tag}`);
  });
  await check('a TLP:AMBER reply to a requester without a key: the page says it is held, and why', async () => {
    await page.locator('#form-change select[name=tlp]').selectOption('TLP:AMBER');
    await page.locator('#form-change button[type=submit].primary').click();
    await page.locator('main .head .tag', { hasText: 'TLP:AMBER' }).waitFor();
    await page.locator('#form-reply textarea').fill(`Held-check-${tag}`);
    await page.locator('#form-reply button[type=submit]').click();
    const notice = await alertText(page);
    assert(/^The reply is held: no OpenPGP key for \S+@\S+ .*See Outbound mail\.$/.test(notice), `the notice reads "${notice}"`);
    // The dispatcher holds it when it comes to it, as the page foretold.
    const until = Date.now() + 20000;
    const held = async () => (await apiGet(page, '/mail?status=held&limit=200')).items
      .some((m) => m.ref === `ticket:${first}` && /no usable key/.test(m.held || ''));
    while (!(await held())) {
      assert(Date.now() < until, 'no held mail of the ticket in GET /api/v1/mail?status=held after 20 s');
      await page.waitForTimeout(250);
    }
  });
  await check('a comment from the ticket page is added to the ticket', async () => {
    const before = (await apiGet(page, `/tickets/${first}`)).messages.length;
    await page.locator('#form-comment textarea').fill(`Comment-check-${tag}`);
    await page.locator('#form-comment button[type=submit]').click();
    await page.locator('main').getByText(`Comment-check-${tag}`).first().waitFor();
    const after = await apiGet(page, `/tickets/${first}`);
    sameList(after.messages.length, before + 1, 'messages on the ticket');
  });
  await check('CSRF: a comment POSTed with the session cookie but no X-CSRF-Token is refused (403 csrf) and adds nothing', async () => {
    const before = (await apiGet(page, `/tickets/${first}`)).messages.length;
    const res = await page.request.post(`${BASE}/api/v1/tickets/${first}/comments`, { data: { text: `forged ${tag}` } });
    sameList(res.status(), 403, 'the status');
    const body = await json(res);
    sameList(body.error && body.error.code, 'csrf', 'the error code');
    sameList((await apiGet(page, `/tickets/${first}`)).messages.length, before, 'messages on the ticket');
  });
  await check('CSRF: the same request with the token is accepted', async () => {
    const res = await page.request.post(`${BASE}/api/v1/tickets/${first}/comments`, {
      data: { text: `with the token ${tag}` }, headers: { 'X-CSRF-Token': await csrf(page) },
    });
    sameList(res.status(), 201, 'the status');
  });
  await check('the organization search finds "Energy" among the demo organizations, as the API does', async () => {
    await go(page, '#/orgs', 'tr[data-org-id]');
    await page.locator('main input[name=q]').fill('energy');
    const want = (await apiGet(page, '/orgs?q=energy&limit=100')).items.map((o) => String(o.id));
    assert(want.length > 0, 'GET /api/v1/orgs?q=energy finds nothing');
    await page.waitForFunction((n) => document.querySelectorAll('tr[data-org-id]').length === n &&
      [...document.querySelectorAll('tr[data-org-id] a')].every((a) => /energy/i.test(a.textContent)), want.length);
    const got = await page.locator('tr[data-org-id]').evaluateAll((rows) => rows.map((r) => r.dataset.orgId));
    sameList(got, want, 'the rows');
    assert(page.url().includes('q=energy'), `the address is ${page.url()}`);
  });
  analystOrgs = (await apiGet(page, '/orgs?limit=1000')).items;

  await check('sign out: back to the sign-in form, the session is gone, #/queue asks to sign in', async () => {
    await signOut(page);
    sameList((await page.request.get(`${BASE}/api/v1/session`)).status(), 401, 'GET /api/v1/session');
    await page.goto(`${BASE}/#/queue`);
    await page.locator('main input[type=password]').waitFor({ state: 'visible' });
    sameList(await page.locator('tr[data-ticket-id]').count(), 0, 'queue rows shown signed out');
  });

  // ---- the partner, in a tab of its own ----
  await page.close();
  page = await context.newPage();
  watch(page);
  let me;
  let memberIds = [];
  await check('the demo partner signs in and sees its organization', async () => {
    await signIn(page, 'energy-cert', process.env.PARTNER_PASSWORD);
    await page.waitForURL(/#\/portal\/org/);
    me = await apiGet(page, '/me');
    sameList([me.role, me.org && me.org.name], ['partner', 'Energy Sector CERT'], 'GET /api/v1/me');
    await page.locator('main h1', { hasText: 'Energy Sector CERT' }).waitFor();
    await page.locator('main tr[data-contact-id]').first().waitFor();
  });
  await check('[portal] partners_edit = contacts: the partner adds a contact, and may not touch resources', async () => {
    assert(me.may.edit_contacts && !me.may.edit_resources, `may: ${JSON.stringify(me.may)}`);
    const box = page.locator('#contact-form');
    await box.locator('summary').click();
    await box.locator('input[name=name]').fill(`Night shift ${tag}`);
    await box.locator('input[name=email]').fill(`night-${tag}@energy-sector-cert.test`);
    await box.locator('button[type=submit]').click();
    await page.locator('main tr[data-contact-id]', { hasText: `Night shift ${tag}` }).waitFor();
    const list = await apiGet(page, `/orgs/${me.org.id}/contacts?limit=1000`);
    assert(list.items.some((c) => c.email === `night-${tag}@energy-sector-cert.test`), 'not in the API\'s contacts');
    sameList(await page.locator('main input[name=value]').count(), 0, 'resource forms shown');
  });
  const own = me ? me.org.id : 0;
  await check('the partner sees its own events only (its members\', as a liaison)', async () => {
    memberIds = (await apiGet(page, `/orgs/${own}/members?limit=1000`)).items.map((o) => String(o.id));
    await go(page, '#/portal/events', 'tr[data-org-id]');
    const ids = await page.locator('tr[data-org-id]').evaluateAll((rows) => rows.map((r) => r.dataset.orgId));
    const allowed = new Set([String(own), ...memberIds]);
    const stray = ids.filter((id) => !allowed.has(id));
    assert(ids.length > 0, 'no events shown');
    sameList(stray, [], 'rows of other organizations');
    const api = await apiGet(page, `/events?org=${own}&limit=1000`);
    sameList(ids.length, api.items.length, 'rows against GET /api/v1/events');
  });
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'portal-events.png') });

  await check('on a phone (375 px) the partner\'s events fit the width', async () => {
    await page.setViewportSize(PHONE);
    await page.waitForTimeout(100);
    const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
    await page.setViewportSize(WIDE);
    assert(width <= PHONE.width, `the page is ${width} px wide`);
  });
  await check('the events\' CSV download gives the same rows as CSV', async () => {
    const href = await page.locator('#events-csv').getAttribute('href');
    assert(/format=csv/.test(href), `the link is ${href}`);
    const res = await page.request.get(`${BASE}${href}`);
    sameList(res.status(), 200, 'the status');
    assert(/text\/csv/.test(res.headers()['content-type'] || ''), `Content-Type ${res.headers()['content-type']}`);
    const lines = (await res.text()).split('\r\n').filter(Boolean);
    assert(lines[0].startsWith('id,time,'), `the header is ${lines[0]}`);
    sameList(lines.length - 1, await page.locator('tr[data-org-id]').count(), 'CSV rows against table rows');
  });
  await check('a filter narrows the events (type in the address, rows of that type only)', async () => {
    const type = await page.locator('tr[data-org-id] td:nth-child(2)').first().textContent();
    await go(page, `#/portal/events?type=${encodeURIComponent(type)}`, 'tr[data-org-id]');
    const types = await page.locator('tr[data-org-id] td:nth-child(2)').allTextContents();
    assert(types.length > 0 && types.every((x) => x === type), `types ${JSON.stringify(types)}`);
  });
  await check('a liaison sees its members, each with a link to its events', async () => {
    await go(page, '#/portal/members', 'tr[data-org-id]');
    const ids = await page.locator('tr[data-org-id]').evaluateAll((rows) => rows.map((r) => r.dataset.orgId));
    sameList(ids, memberIds, 'the members\' rows');
    const href = await page.locator('tr[data-org-id] a').first().getAttribute('href');
    sameList(href, `#/portal/events/${memberIds[0]}`, 'the first link');
  });
  await check('a liaison sees one member\'s events on its page', async () => {
    const all = await apiGet(page, `/events?org=${own}&limit=1000`);
    const member = all.items.map((e) => (e['schakel.recipient'] || {}).member_id).find((id) => id && id !== own);
    assert(member, 'the demo liaison has no events about a member');
    await go(page, `#/portal/events/${member}`, 'tr[data-org-id]');
    const ids = await page.locator('tr[data-org-id]').evaluateAll((rows) => rows.map((r) => r.dataset.orgId));
    const want = all.items.filter((e) => (e['schakel.recipient'] || {}).member_id === member).length;
    sameList([...new Set(ids)], [String(member)], 'the rows\' organizations');
    sameList(ids.length, want, 'the member\'s rows');
  });
  const other = analystOrgs.find((o) => o.id !== own && !memberIds.includes(String(o.id)) && o.name === 'Example Bank') ||
    analystOrgs.find((o) => o.id !== own && !memberIds.includes(String(o.id)));
  await check('another organization\'s events, typed into the address bar, show an error and no rows', async () => {
    assert(other, 'no other organization in the demo');
    expectedRefusals.push(new RegExp(`/api/v1/(orgs/${other.id}|events\\?.*org=${other.id})`));
    await page.evaluate((h) => { location.hash = h; }, `#/portal/events/${other.id}`);
    const msg = await alertText(page);
    assert(msg.length > 0, 'the alert region is empty');
    sameList(await page.locator('tr[data-org-id]').count(), 0, 'rows shown');
    assert(!(await page.locator('main').textContent()).includes(other.name), `the page names ${other.name}`);
  });
  await check('another organization\'s events through the API: 403', async () => {
    const res = await page.request.get(`${BASE}/api/v1/events?org=${other.id}`);
    sameList(res.status(), 403, 'the status');
    const res2 = await page.request.get(`${BASE}/api/v1/events?org=${other.id}&format=csv`);
    sameList(res2.status(), 403, 'the CSV status');
  });

  let reported = null;
  const subject = `Ransomware on a file server ${tag}`;
  await check('the report form creates a ticket and shows its number and the acknowledgement', async () => {
    await go(page, '#/portal/report', 'main form textarea[name=text]');
    const form = page.locator('main form').filter({ has: page.locator('textarea[name=text]') });
    await form.locator('input[name=subject]').fill(subject);
    await form.locator('textarea[name=text]').fill(`Since 06:10 files on 192.0.2.200 are encrypted (${tag}).`);
    await form.locator('button[type=submit]').click();
    const p = page.locator('#report-ticket');
    await p.waitFor();
    reported = { id: await p.getAttribute('data-ticket-id'), number: await p.getAttribute('data-ticket-number') };
    const ack = (await page.locator('#report-ack').textContent()) || '';
    assert(ack.includes(reported.number), `the acknowledgement does not name #${reported.number}: ${ack.slice(0, 200)}`);
  });
  await check('the report is among the partner\'s reports (page and GET /api/v1/reports)', async () => {
    assert(reported, 'no report was made');
    await go(page, '#/portal/reports', `tr[data-ticket-id="${reported.id}"]`);
    const row = await page.locator(`tr[data-ticket-id="${reported.id}"]`).textContent();
    assert(row.includes(subject), `the row is ${row}`);
    const list = await apiGet(page, '/reports');
    assert(list.items.some((r) => String(r.id) === reported.id && r.subject === subject), 'not in GET /api/v1/reports');
  });
  await check('the acknowledgement of the report reaches smtp-sink', async () => {
    assert(reported, 'no report was made');
    await waitSink(20, `#${reported.number}]`, tag);
  });
  await check('the partner may not read the staff pages: #/queue shows no tickets', async () => {
    await page.evaluate(() => { location.hash = '#/queue'; });
    await page.waitForTimeout(300);
    sameList(await page.locator('tr[data-ticket-id]').count(), 0, 'queue rows');
  });
  await check('in Dutch the portal speaks Dutch', async () => {
    await go(page, '#/portal/events', 'tr[data-org-id]');
    await page.locator('#lang').selectOption('nl');
    await page.locator('main h1', { hasText: 'Gebeurtenissen' }).waitFor();
    await page.locator('#nav', { hasText: 'Incident melden' }).waitFor();
    sameList(await page.evaluate(() => document.documentElement.lang), 'nl', 'the page\'s lang');
    await page.locator('#lang').selectOption('en');
    await page.locator('main h1', { hasText: 'Events' }).waitFor();
  });
  await check('times are shown in the user\'s time zone, with the zone named', async () => {
    const zone = (await page.locator('footer').textContent()) || '';
    assert(zone.includes('Europe/Brussels'), `the footer says "${zone}"`);
    const cell = await page.locator('tr[data-org-id] time').first().textContent();
    assert(/CET|CEST|GMT\+1|UTC\+1/.test(cell), `a time reads "${cell}"`);
  });
  await signOut(page);

  await check('the analyst sees the partner\'s report in the queue', async () => {
    assert(reported, 'no report was made');
    await signIn(page, 'analyst', process.env.ANALYST_PASSWORD);
    // The tickets API names a ticket by its number.
    await page.locator(`tr[data-ticket-id="${reported.number}"]`).waitFor();
  });

  // ---- warnings: advisories, alerts, the calling list, publications ----
  const published = (await apiGet(page, '/advisories?status=published')).items || [];
  const vpn = published.find((a) => /VPN Gateway/.test(a.title));
  const mailAdv = published.find((a) => /Mail Server/.test(a.title));
  const clearAdv = published.find((a) => a.tlp === 'TLP:CLEAR');
  await check('the demo has three published advisories, two of them urgent', async () => {
    assert(vpn && mailAdv && clearAdv, `published: ${JSON.stringify(published.map((a) => [a.number, a.title, a.tlp]))}`);
    sameList([vpn.matrix, vpn.label, mailAdv.label, clearAdv.matrix], ['H/H', 'Urgent', 'Urgent', 'M/M'], 'the scoring');
  });
  await check('the advisory page shows the NCSC matrix with its cell marked, and its alerts', async () => {
    await go(page, `#/advisories/${vpn.id}`, 'table.matrix td.here');
    const cells = await page.locator('table.matrix td.here').evaluateAll((tds) => tds.map((td) => td.dataset.cell));
    sameList(cells, ['H/H'], 'the marked cells');
    sameList(await page.locator('table.matrix td[aria-current="true"]').count(), 1, 'cells with aria-current');
    const alerts = (await apiGet(page, `/alerts?advisory=${vpn.id}`)).items;
    const rows = await page.locator('tr[data-alert]').evaluateAll((trs) => trs.map((tr) => tr.dataset.alert));
    sameList(rows, alerts.map((a) => String(a.id)), 'the alert rows');
    assert(alerts.some((a) => a.state === 'acknowledged') && alerts.some((a) => a.state === 'calllist'),
      `alert states ${JSON.stringify(alerts.map((a) => a.state))}`);
    await page.locator(`a[href="#/advisories/${vpn.id}/calllist"]`).waitFor();
  });
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'console-advisory.png') });

  let called = null;
  await check('the calling list lists the escalated organizations in its order, with their phones as tel: links', async () => {
    const list = (await apiGet(page, `/advisories/${vpn.id}/calllist`)).items;
    assert(list.length > 0, 'the calling list is empty');
    await go(page, `#/advisories/${vpn.id}/calllist`, 'tr[data-alert]');
    const rows = await page.locator('tr[data-alert]').evaluateAll((trs) => trs.map((tr) => tr.dataset.alert));
    sameList(rows, list.map((r) => String(r.alert.id)), 'the rows');
    called = list.find((r) => r.alert.state === 'calllist');
    assert(called, 'no organization on the calling list');
    const row = page.locator(`tr[data-alert="${called.alert.id}"]`);
    const text = await row.textContent();
    assert(text.includes(called.alert.org), `the row does not name ${called.alert.org}`);
    const phone = called.phones.split('; ')[0].split(': ').pop();
    const href = await row.locator('a[href^="tel:"]').first().getAttribute('href');
    sameList(href, `tel:${phone.replace(/[^+0-9]/g, '')}`, 'the phone link');
  });
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'console-calllist.png') });
  await check('recording a call shows it on the calling list and in the API', async () => {
    assert(called, 'no organization on the calling list');
    const form = page.locator(`form.call[data-alert="${called.alert.id}"]`);
    await form.locator('select[name=reached]').selectOption('yes');
    await form.locator('input[name=who]').fill(`Night desk ${tag}`);
    await form.locator('input[name=notes]').fill('Will patch within the hour');
    await form.locator('button[type=submit]').click();
    await page.locator(`tr[data-alert="${called.alert.id}"]`, { hasText: `Night desk ${tag}` }).waitFor();
    const list = (await apiGet(page, `/advisories/${vpn.id}/calllist`)).items;
    const calls = (list.find((r) => r.alert.id === called.alert.id) || { calls: [] }).calls;
    assert(calls.some((c) => c.reached && c.who === `Night desk ${tag}` && c.by === 'analyst'), `calls ${JSON.stringify(calls)}`);
  });
  await check('the publications page lists the demo guidance, and its page its text', async () => {
    const pubs = (await apiGet(page, '/publications')).items;
    assert(pubs.length > 0, 'no publications');
    await go(page, '#/publications', `a[href="#/publications/${pubs[0].id}"]`);
    await go(page, `#/publications/${pubs[0].id}`, 'main pre.text');
    assert((await page.locator('main pre.text').textContent()).includes('#'), 'the Markdown body is not shown');
  });
  await check('a new publication with an attachment: the file goes up as base64 and comes back as a download', async () => {
    await go(page, '#/publications', 'main details summary');
    await page.locator('main details summary').click();
    const form = page.locator('#form-publication-new');
    await form.locator('select[name=kind]').selectOption('threat-assessment');
    await form.locator('input[name=title]').fill(`Threats to remote access ${tag}`);
    await form.locator('select[name=tlp]').selectOption('TLP:GREEN');
    await form.locator('input[name=audience]').fill('class:oes');
    await form.locator('textarea[name=body]').fill('# Threats\n\nGateways are scanned daily.');
    const bytes = Buffer.from(`indicator,kind\n198.51.100.23,scanner ${tag}\n`);
    await form.locator('input[type=file]').setInputFiles({ name: 'indicators.csv', mimeType: 'text/csv', buffer: bytes });
    await form.locator('button[type=submit]').click();
    await page.waitForURL(/#\/publications\/\d+$/);
    const id = page.url().split('/').pop();
    const p = await apiGet(page, `/publications/${id}`);
    sameList([p.title, p.kind, p.tlp, p.status], [`Threats to remote access ${tag}`, 'threat-assessment', 'TLP:GREEN', 'draft'], 'the publication');
    sameList((p.attachments || []).map((f) => [f.name, f.size]), [['indicators.csv', bytes.length]], 'its attachments');
    const link = page.locator('main a[download="indicators.csv"]');
    const res = await page.request.get(new URL(await link.getAttribute('href'), BASE).href);
    sameList((await res.body()).toString(), bytes.toString(), 'the download');
  });
  await signOut(page);

  await check('the partner sees the advisories addressed to its organization', async () => {
    await signIn(page, 'energy-cert', process.env.PARTNER_PASSWORD);
    await page.waitForURL(/#\/portal\//);
    const mine = (await apiGet(page, '/advisories?status=published')).items;
    await go(page, '#/portal/advisories', 'tr[data-advisory]');
    const rows = await page.locator('tr[data-advisory]').evaluateAll((trs) => trs.map((tr) => tr.dataset.advisory));
    sameList(rows, mine.map((a) => a.number), 'the advisory rows');
    assert(rows.includes(mailAdv.number), `${mailAdv.number} is not among ${rows}`);
  });
  await check('the partner acknowledges the alert of an urgent advisory for its organization', async () => {
    await go(page, `#/portal/advisories/${mailAdv.id}`, 'table.matrix td.here');
    await page.locator('main button', { hasText: 'Acknowledge' }).click();
    await page.locator('[data-alert-state="acknowledged"]').waitFor();
    const me = await apiGet(page, '/me');
    const al = ((await apiGet(page, `/alerts?advisory=${mailAdv.id}`)).items || []).find((a) => a.org_id === me.org.id);
    sameList(al && al.state, 'acknowledged', 'the alert\'s state');
  });
  await signOut(page);

  await check('the public /advisories page lists the TLP:CLEAR items and no others, without signing in', async () => {
    const anon = await browser.newContext();
    try {
      const res = await anon.request.get(`${BASE}/advisories`);
      assert(res.ok(), `GET /advisories: ${res.status()}`);
      const html = await res.text();
      assert(html.includes(clearAdv.number), `${clearAdv.number} (TLP:CLEAR) is not listed`);
      for (const a of [vpn, mailAdv]) assert(!html.includes(a.number), `${a.number} (${a.tlp}) is listed`);
      assert(/Hardening remote access gateways/.test(html), 'the TLP:CLEAR guidance is not listed');
      const feed = await anon.request.get(`${BASE}/advisories.atom`);
      assert(feed.ok() && (await feed.text()).includes(clearAdv.number), `the Atom feed: ${feed.status()}`);
    } finally {
      await anon.close();
    }
  });
  await signIn(page, 'analyst', process.env.ANALYST_PASSWORD);
  await page.waitForURL(/#\/queue/);

  await check(`every page rendered within ${PAGE_BUDGET_MS} ms`, async () => {
    const slow = timings.filter(([, ms]) => ms > PAGE_BUDGET_MS);
    for (const [hash, ms] of timings) console.log(`# ${hash}: ${ms} ms`);
    sameList(slow, [], 'pages over the budget');
  });
  await check('no console errors and no page errors during the run', async () => {
    sameList(consoleErrors, [], 'errors');
  });
} catch (err) {
  notOk('the browser run went to its end', err && err.stack ? err.stack : err);
} finally {
  await browser.close();
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
