// SPDX-FileCopyrightText: 2026 The schakel authors
// SPDX-License-Identifier: EUPL-1.2
//
// pages/index.js: every page of the console, in the order of the
// navigation. A page is {path, title, nav, allow(me), render(main, params, ctx)},
// and may name the navigation entry it belongs under (under: '/queue').

import signin from './signin.js';
import queue from './queue.js';
import ticket from './ticket.js';
import orgs from './orgs.js';
import org from './org.js';
import whois from './whois.js';
import feeds from './feeds.js';
import mail from './mail.js';
import audit from './audit.js';
import account from './account.js';
import advisories from './advisories.js';
import advisory from './advisory.js';
import portalOrg from './portal-org.js';
import portalEvents, { memberEvents } from './portal-events.js';
import portalMembers from './portal-members.js';
import portalReports from './portal-reports.js';
import portalReport from './portal-report.js';
import calllist from './calllist.js';
import publications from './publications.js';
import publication from './publication.js';
import { portalAdvisories, portalAdvisory } from './portal-advisories.js';

export const pages = [
  signin,
  queue, ticket, orgs, org, whois, feeds, mail, audit,
  portalOrg, portalEvents, memberEvents, portalMembers, portalReports, portalReport,
  portalAdvisories, portalAdvisory,
  advisories, advisory, calllist, publications, publication,
  account,
];
