/* cmd/schakel.c: the schakel command-line tool: global options, then one
 * dispatch table from command words to the functions in cli_*.c, each
 * with its --help text. Exit codes follow sysexits.h. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd/cli.h"
#include "config_build.h"
#include "lib/log.h"

struct cli_command {
	const char *group; /* "org", or NULL for a command of one word */
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	const char *summary;
	const char *usage;
};

#define ORG_HELP  "ORG is an organization's numeric id or its exact name.\n"
#define JSON_HELP "  --json  print JSON instead of text\n"

static const struct cli_command commands[] = {
    {NULL, "init", cli_init, "create the store or bring it up to date",
     "usage: schakel init\n"
     "Create the store (or apply pending migrations) and print where it is.\n"},
    {"org", "add", cli_org_add, "add an organization",
     "usage: schakel org add NAME --kind KIND --class CLASS [--sector SECTOR]\n"
     "         [--country CC] [--status STATUS] [--notes TEXT] [--member-of LIAISON]...\n"
     "Add an organization, and make it a member of each LIAISON given.\n"
     "  KIND    national-csirt, liaison or constituent\n"
     "  CLASS   oes, essential-public, administration, private or public\n"
     "  SECTOR  a NIS sector (energy/electricity, energy/oil, energy/gas, transport/air,\n"
     "          transport/rail, transport/water, transport/road, banking,\n"
     "          financial-market-infrastructure, health, drinking-water,\n"
     "          digital-infrastructure) or none (the default)\n"
     "  CC      ISO 3166-1 two-letter country code\n"
     "  STATUS  applied, designated, connected (the default) or suspended\n" JSON_HELP},
    {"org", "list", cli_org_list, "list organizations",
     "usage: schakel org list [--search TEXT] [--kind KIND] [--class CLASS]\n"
     "                        [--sector SECTOR] [--json]\n"
     "List organizations by name, optionally only those whose name contains TEXT\n"
     "(ASCII letters in either case, at most 100 bytes) or of one kind, class or\n"
     "sector.\n" JSON_HELP},
    {"org", "show", cli_org_show, "show an organization with its contacts and resources",
     "usage: schakel org show ORG [--json]\n"
     "Show an organization: its fields, liaison organizations, members, contacts and\n"
     "resources.\n" ORG_HELP JSON_HELP},
    {"org", "set", cli_org_set, "change fields of an organization",
     "usage: schakel org set ORG FIELD=VALUE...\n"
     "Change fields of an organization. FIELD is name, kind, class, sector, country,\n"
     "status or notes; an empty VALUE clears country and notes.\n" ORG_HELP JSON_HELP},
    {"org", "rm", cli_org_rm, "remove an organization",
     "usage: schakel org rm ORG\n"
     "Remove an organization with its contacts, resources, memberships and users.\n" ORG_HELP
	 JSON_HELP},
    {"member", "add", cli_member_add, "make an organization a member of a liaison",
     "usage: schakel member add LIAISON MEMBER\n"
     "Make MEMBER a member of the liaison organization LIAISON (both ORG: id or "
     "name).\n" JSON_HELP},
    {"member", "rm", cli_member_rm, "end a membership",
     "usage: schakel member rm LIAISON MEMBER\n"
     "End MEMBER's membership of LIAISON.\n" JSON_HELP},
    {"contact", "add", cli_contact_add, "add a contact to an organization",
     "usage: schakel contact add ORG --name NAME --email EMAIL [--phone PHONE]\n"
     "         [--role ROLE] [--lang LANGUAGES] [--pgp FINGERPRINT]\n"
     "Add a contact (a person or a mailbox) to an organization.\n"
     "  ROLE         operational-24x7, advisory, abuse, management or other\n"
     "               (the default)\n"
     "  LANGUAGES    comma list of nl, fr, de, en (default en)\n"
     "  FINGERPRINT  OpenPGP v4 fingerprint: 40 hex digits, spaces allowed\n" ORG_HELP
	 JSON_HELP},
    {"contact", "list", cli_contact_list, "list contacts",
     "usage: schakel contact list [ORG] [--json]\n"
     "List the contacts of one organization, or of all.\n" ORG_HELP JSON_HELP},
    {"contact", "set", cli_contact_set, "change a contact",
     "usage: schakel contact set ORG ID [--name NAME] [--email EMAIL] [--phone PHONE]\n"
     "         [--role ROLE] [--lang LANGUAGES] [--pgp FINGERPRINT]\n"
     "Change the fields given of contact ID of ORG (see schakel contact list); an\n"
     "empty --phone or --pgp removes it. The values are those of contact add.\n" ORG_HELP
	 JSON_HELP},
    {"contact", "rm", cli_contact_rm, "remove a contact",
     "usage: schakel contact rm ID\n"
     "Remove the contact with this id (see schakel contact list).\n" JSON_HELP},
    {"resource", "add", cli_resource_add, "add AS numbers, prefixes or domains",
     "usage: schakel resource add ORG VALUE...\n"
     "Add resources to an organization, all or none. VALUE is typed or bare:\n"
     "  prefix:198.51.100.0/24  prefix:2001:db8::/32  198.51.100.7 (a host prefix)\n"
     "  asn:AS64496  AS64496\n"
     "  domain:example.be  example.be\n"
     "A prefix with host bits set (198.51.100.1/24) is refused, not corrected.\n" ORG_HELP
	 JSON_HELP},
    {"resource", "list", cli_resource_list, "list resources",
     "usage: schakel resource list [ORG] [--type asn|prefix|domain] [--json]\n"
     "List the resources of one organization, or of all.\n" ORG_HELP JSON_HELP},
    {"resource", "rm", cli_resource_rm, "remove a resource",
     "usage: schakel resource rm ORG VALUE\n"
     "       schakel resource rm ID\n"
     "Remove a resource of an organization, by value or by id.\n" ORG_HELP JSON_HELP},
    {"resource", "overlaps", cli_resource_overlaps,
     "prefixes of different organizations that nest",
     "usage: schakel resource overlaps [--json]\n"
     "List every pair of prefixes of different organizations where one covers the\n"
     "other (equal prefixes included), ordered by the inner prefix.\n" JSON_HELP},
    {NULL, "whois", cli_whois, "who owns an address, prefix, AS number or domain",
     "usage: schakel whois VALUE [--json]\n"
     "Name the organizations owning VALUE (an IP address, a prefix, an AS number or a\n"
     "domain name) and the resource through which each owns it, most specific "
     "first.\n" JSON_HELP},
    {NULL, "import", cli_import, "import a constituency document",
     "usage: schakel import FILE\n"
     "Import a document in the format of schakel export (FILE, or - for stdin), all or\n"
     "nothing: organizations are added or updated by name; contacts (by e-mail),\n"
     "resources and memberships are added where missing. A bad entry stores nothing\n"
     "and the error names it.\n" JSON_HELP},
    {NULL, "export", cli_export, "export the constituency as one JSON document",
     "usage: schakel export [FILE]\n"
     "Write every organization with its members, contacts and resources as one JSON\n"
     "document to FILE (replaced only once complete) or to stdout.\n"},
    {NULL, "parse", cli_parse_feed, "read feed files and print their events as IntelMQ JSON",
     "usage: schakel parse FILE... [--format shadowserver|intelmq|csv] [--report TYPE]\n"
     "         [--mapping FILE] [--feed NAME] [--tlp LABEL] [--strict] [--raw]\n"
     "Read feed files (- for stdin) and write their events to stdout as IntelMQ JSON\n"
     "lines, without a store. Bad lines go to stderr as FILE:LINE: reason and the\n"
     "rest is read; each file ends with a summary line on stderr.\n"
     "  --format   shadowserver, intelmq or csv; by default from the file name:\n"
     "             *.json, *.jsonl: intelmq; YYYY-MM-DD-REPORT-*.csv: shadowserver\n"
     "  --report   the Shadowserver report type (scan_ntp, ...), if the name lacks it\n"
     "  --mapping  for csv: the file saying which column is which field\n"
     "  --feed     feed.name of every event\n"
     "  --tlp      TLP of events that have none (default [feeds] tlp, TLP:AMBER)\n"
     "  --strict   stop at the first bad line\n"
     "  --raw      add raw (the header and the row, base64) to Shadowserver and CSV\n"
     "             events\n"
     "Exit 0, or 65 if a line was rejected, 66 if a FILE cannot be opened, 74 on a\n"
     "read or write error. See docs/feeds.md.\n"},
    {NULL, "ingest", cli_ingest, "take in feed files: route their events and store them",
     "usage: schakel ingest FILE... [--format shadowserver|intelmq|csv] [--report TYPE]\n"
     "         [--mapping FILE] [--feed NAME] [--tlp LABEL] [--strict] [--raw]\n"
     "         [--match most-specific|all-covering] [--json]\n"
     "Read feed files (- for stdin) as schakel parse does, fill in what events lack\n"
     "([route] asn_mmdb, country_mmdb), find who receives each (as schakel route does)\n"
     "and store the events with their recipients, each file in one transaction: a file\n"
     "that fails (or, with --strict, has a bad line) stores nothing. Prints per file\n"
     "what was read, parsed, rejected, matched and unmatched, then the events per\n"
     "organization. Bad lines go to stderr as FILE:LINE: reason.\n"
     "Exit 0, or 65 if a line was rejected, 66 if a FILE cannot be opened, 75 if the\n"
     "store is busy or unreachable (retry). See docs/feeds.md and "
     "docs/routing.md.\n" JSON_HELP},
    {NULL, "notify", cli_notify, "queue the notification digests that are due",
     "usage: schakel notify [--dry-run | --send] [--all] [--json]\n"
     "Gather each organization's new events per feed and classification type into one\n"
     "digest mail (a short text in the contact's language and a CSV file of its events)\n"
     "once the interval they arrived in has ended ([notify] interval, default 1d;\n"
     "[notify] immediate types at once), and queue it for the relay. schakeld does this\n"
     "every minute.\n"
     "  --dry-run  show what would be queued; write nothing\n"
     "  --send     then send the queue at once, as schakel mail send does\n"
     "  --all      every waiting event, whatever its interval\n"
     "See docs/notifications.md.\n" JSON_HELP},
    {NULL, "route", cli_route, "add to IntelMQ events the organizations that receive them",
     "usage: schakel route [--tlp LABEL] [--match most-specific|all-covering] [FILE]...\n"
     "Read IntelMQ events (JSON lines) from stdin or each FILE, find who receives each\n"
     "from the registry (owners of the matching prefixes, AS numbers and domains, their\n"
     "liaison organizations as TLP allows, the national CSIRT) and write each event to\n"
     "stdout with a \"recipients\" array added. Writes nothing to the store. Bad lines\n"
     "go to stderr as FILE:LINE: reason; a summary ends the run.\n"
     "  --tlp    the TLP of events that have none (default [feeds] tlp, TLP:AMBER);\n"
     "           the output carries the label used\n"
     "  --match  whose resources count: the most specific match (default [route]\n"
     "           match, most-specific) or every covering one\n"
     "Exit 0, or 65 if a line was rejected, 66 if a FILE cannot be opened, 74 on a\n"
     "read or write error. See docs/routing.md.\n"},
    {"user", "add", cli_user_add, "add a user",
     "usage: schakel user add NAME --role admin|analyst|partner [--org ORG]\n"
     "         [--password-stdin]\n"
     "Add a user. A partner belongs to one organization (--org, required); admins and\n"
     "analysts belong to none. With --password-stdin the password is the first line of\n"
     "stdin; otherwise a random password is printed, once.\n" ORG_HELP JSON_HELP},
    {"user", "passwd", cli_user_passwd, "set a new password for a user",
     "usage: schakel user passwd NAME [--stdin]\n"
     "Set a new password for user NAME and end all of its sign-in sessions. With\n"
     "--stdin the password is the first line of stdin (at least 12 characters);\n"
     "otherwise a random password is printed, once.\n" JSON_HELP},
    {"token", "create", cli_token_create, "create an API token for a user",
     "usage: schakel token create USER [--label LABEL] [--expires DURATION]\n"
     "         [--scope SCOPE]...\n"
     "Create an API token for USER and print it alone on stdout. It is shown only once\n"
     "and stored only as a hash. With --expires (90d, 12h, 30m; at most 3650d) the API\n"
     "refuses it from that time on; without, it is valid until the user is "
     "removed.\n"
     "--scope (repeated, or a comma list) adds a permission beyond the user's role:\n"
     "events:write lets the token submit events (POST /api/v1/events).\n" JSON_HELP},
    {"token", "list", cli_token_list, "list API tokens",
     "usage: schakel token list [USER] [--json]\n"
     "List the API tokens of USER, or of every user: id, user, label, when each was\n"
     "created, when it expires, when it was last used (to the minute) and its scopes.\n"
     "The tokens themselves are never shown.\n" JSON_HELP},
    {NULL, "audit", cli_audit, "show the audit log",
     "usage: schakel audit [--actor A] [--action X] [--object KIND [--id N]]\n"
     "         [--since T] [--until T] [--limit N] [--json]\n"
     "Show who changed what, newest first (at most N entries, default 50), as\n"
     "GET /api/v1/audit does. Each option narrows the list:\n"
     "  --actor A     who: cli:USER, api:USER, ...\n"
     "  --action X    what: ticket.update, org.add, feed.ingest, ...\n"
     "  --object KIND the kind of object (ticket, org, user, mail, ...); with --id N\n"
     "                that one object\n"
     "  --since T, --until T  from T on, before T: 2024-01-31, 2024-01-31T12:00:00Z\n"
     "                or a span back from now (90m, 12h, 7d)\n" JSON_HELP},
    {NULL, "migrate", cli_migrate,
     "copy the whole store into a new one (SQLite <-> PostgreSQL)",
     "usage: schakel migrate [--from URL] --to URL [--json]\n"
     "Copy a whole store into a new, empty one, in one transaction: organizations,\n"
     "memberships, contacts, resources, users with their password hashes, API tokens,\n"
     "the audit log, events with their recipients and opt-outs, every id kept, so\n"
     "tokens and ids go on working. --from\n"
     "defaults to the configured store (--db, -c). A target that already holds\n"
     "organizations, users or audit entries is refused (exit 65). Changes made to the\n"
     "source while it runs are not carried over: stop schakeld first.\n"
     "  URL  sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE\n" JSON_HELP},
    {"events", "list", cli_events_list, "list stored events",
     "usage: schakel events list [--org ORG] [--since T] [--until T] [--type TYPE]\n"
     "         [--feed NAME] [--limit N] [--after ID] [--json]\n"
     "List stored events in id order: all of them, or those ORG receives (with its\n"
     "role and why), each checked against the TLP policy for that organization.\n"
     "  T      ISO 8601 (2024-01-31 or 2024-01-31T12:00:00Z) or a span back from now\n"
     "         (90m, 12h, 7d); --since includes T, --until excludes it\n"
     "  TYPE   a classification.type (schakel's taxonomy, e.g. infected-system)\n"
     "  N      at most N events (default 100; 0: all); when more follow, stderr says\n"
     "         which --after ID continues\n" ORG_HELP
     "  --json  one JSON object a line: the IntelMQ event with schakel.id,\n"
     "          schakel.received and, with --org, schakel.recipient\n"},
    {NULL, "purge", cli_purge, "delete events past their retention",
     "usage: schakel purge [--days N] [--dry-run]\n"
     "Delete events (with their recipient rows) whose time is more than N days ago\n"
     "and which were stored more than N days ago, and sent or failed mail created\n"
     "more than N days ago. N defaults to [events] retention_days of the\n"
     "configuration (90). Prints the counts. --dry-run only counts them.\n" JSON_HELP},
    {"optout", "add", cli_optout_add, "stop sending an organization events of a type",
     "usage: schakel optout add ORG TYPE...\n"
     "ORG no longer wants events of these classification types (all or none).\n" ORG_HELP
	 JSON_HELP},
    {"optout", "rm", cli_optout_rm, "end an opt-out",
     "usage: schakel optout rm ORG TYPE...\n"
     "ORG wants events of these classification types again (all or none).\n" ORG_HELP
	 JSON_HELP},
    {"optout", "list", cli_optout_list, "list opt-outs",
     "usage: schakel optout list [ORG] [--json]\n"
     "List the opt-outs of one organization, or of all.\n" ORG_HELP JSON_HELP},
    {"key", "generate", cli_key_generate, "generate schakel's own OpenPGP key",
     "usage: schakel key generate --name NAME --email ADDRESS [--expires 730d|never]\n"
     "                            [--passphrase-file FILE] [--json]\n"
     "Generate schakel's key pair in its keyring (a signing key with an encryption\n"
     "subkey), valid for --expires (default 730d). With --passphrase-file the secret\n"
     "key is protected by the file's first line (never give it on the command line);\n"
     "without, it is not: keep the keyring 0700 (docs/pgp.md).\n" JSON_HELP},
    {"key", "import", cli_key_import, "import a partner's public key (or schakel's own)",
     "usage: schakel key import FILE|- [--secret [--passphrase-file FILE]] [--json]\n"
     "Import the OpenPGP keys in FILE (armored or binary, at most 1 MiB). A file with\n"
     "a secret key is refused unless --secret: that is schakel's own key pair.\n" JSON_HELP},
    {"key", "list", cli_key_list, "list the keys of schakel's keyring",
     "usage: schakel key list [--secret] [--expiring 30d] [--json]\n"
     "List the keys with their state (usable, expired, revoked, expires in N days).\n"
     "--expiring D: only the keys that will not be usable D from now.\n" JSON_HELP},
    {"key", "show", cli_key_show, "show one key",
     "usage: schakel key show FINGERPRINT|ADDRESS [--json]\n" JSON_HELP},
    {"key", "delete", cli_key_delete, "delete a key from schakel's keyring",
     "usage: schakel key delete FINGERPRINT [--secret] [--json]\n"
     "Delete a partner's key; schakel's own (with a secret part) only with "
     "--secret.\n" JSON_HELP},
    {"mail", "list", cli_mail_list, "list the outbound mail queue",
     "usage: schakel mail list [--status queued|held|sent|failed] [--limit N] [--json]\n"
     "List outbound mail newest first (at most N, default 50): queued messages with\n"
     "when they are next tried, sent ones with when, failed and held ones with "
     "why.\n" JSON_HELP},
    {"mail", "send", cli_mail_send, "send the mail that is due, once",
     "usage: schakel mail send [--limit N] [--json]\n"
     "Hand every due message (at most N) to the relay ([mail] relay) once, as schakeld\n"
     "does every few seconds, and print how many were sent, deferred and failed. A\n"
     "message the relay refuses for now is tried again later (from 1 minute, doubling\n"
     "to 1 hour) until [mail] max_attempts; one it refuses for good fails. Exit 75\n"
     "when the relay cannot take mail: nothing is lost, it stays queued.\n" JSON_HELP},
    {"mail", "retry", cli_mail_retry, "queue a failed message again",
     "usage: schakel mail retry ID\n"
     "Queue mail ID again, due at once, with its attempts counted from zero.\n" JSON_HELP},
    {"mail", "release", cli_mail_release, "send a held message (no usable key)",
     "usage: schakel mail release ID [--json]\n"
     "Send held mail ID (docs/pgp.md): signed, and in clear to the recipients without a\n"
     "usable key. Audited.\n" JSON_HELP},
    {"mail", "drop", cli_mail_drop, "drop a held message",
     "usage: schakel mail drop ID [--json]\n"
     "Give up held mail ID: it is marked failed and never sent. Audited.\n" JSON_HELP},
    {"mail", "test", cli_mail_test, "queue a test message, to check the relay",
     "usage: schakel mail test --to ADDRESS [--from ADDRESS] [--json]\n"
     "Queue a short test message to ADDRESS from --from or [mail] from; schakeld (or\n"
     "schakel mail send) sends it.\n" JSON_HELP},
    {NULL, "mailgate", cli_mailgate, "take in one mail from an MTA (stdin)",
     "usage: schakel mailgate [--sender ADDRESS] [--json] < MESSAGE\n"
     "Read one RFC 5322 message on stdin, as an MTA's pipe transport gives it, and\n"
     "store it exactly as received with what was read from it: on the ticket its\n"
     "subject's [TAG #N] or its In-Reply-To/References name, else on a new ticket,\n"
     "which gets an acknowledgement with its number (RFC 3834: never to mail a\n"
     "machine sent). The same mail twice (its Message-ID with the same body, or from\n"
     "the same sender) is stored once. A mail over the [tickets] MIME limits is\n"
     "stored as received and marked not parsed.\n"
     "  --sender  the envelope sender (Postfix: ${sender}); \"\" is a bounce's\n"
     "Exit 0 stored (or a duplicate), 65 never acceptable (too large, not a mail:\n"
     "the MTA bounces it), 75 anything else (store locked or down, disk full,\n"
     "configuration, a wrong command line): the MTA keeps the mail and tries again.\n"
     "See docs/tickets.md.\n"},
    {"stats", "ingest", cli_stats_ingest, "events received by day and feed",
     "usage: schakel stats ingest [--days N] [--json]\n"
     "The events received on each of the last N days (default 14, today included;\n"
     "at most 366), by UTC day (newest first) and feed, with the number of\n"
     "recipient rows the routing gave them, as GET /api/v1/stats/ingest does.\n" JSON_HELP},
    {"stats", "orgs", cli_stats_orgs, "events each organization received",
     "usage: schakel stats orgs [--days N] [--json]\n"
     "The organizations that received events in the last N days (default 14, today\n"
     "included; at most 366), most first, with when the last arrived, as\n"
     "GET /api/v1/stats/orgs does.\n" JSON_HELP},
    {NULL, "doctor", cli_doctor, "check a deployment and say what to fix",
     "usage: schakel doctor [--json]\n"
     "Check what schakel needs, reading only: the configuration (every setting known),\n"
     "the store (SQLite files mode 0600 and yours; no PostgreSQL password in a file\n"
     "everyone reads), that it opens and its schema is the newest (else schakel init),\n"
     "its directory writable with 1 GiB free, the mail templates of every language,\n"
     "the web console's files, [http] tls_cert and tls_key (readable, key mode 0600,\n"
     "a pair, 30 days left), the relay (connect and EHLO, 3 s; nothing is sent),\n"
     "schakel's own key (signs, 30 days left), partners' keys that expired or expire\n"
     "within 30 days, and the clock (NTP synchronized). Prints each check with ok,\n"
     "warn or fail, what it found and what to do, then a summary line.\n"
     "Exit 0 when no check failed (warnings allowed), 69 when one failed, 78 when\n"
     "the configuration cannot be read.\n" JSON_HELP},
    {NULL, "queue", cli_queue, "the duty officer's view: open tickets by urgency",
     "usage: schakel queue [--owner USER] [--class CLASS] [--limit N] [--json]\n"
     "The open tickets by priority, then by the due time of the next SLA clock\n"
     "(acknowledge, first response, resolve), with the business time left on the\n"
     "ticket's calendar (office hours or 24x7, [sla]) and the clocks already breached.\n"
     "At most N (default 50; 0: all). See docs/sla.md.\n"
     "  --owner USER   only USER's tickets; none: the unowned ones\n"
     "  --class CLASS  only those whose reporter's organization is of CLASS (oes,\n"
     "                 essential-public, administration, private, public)\n" JSON_HELP},
    {"report", "list", cli_report_list, "list the reports of an organization",
     "usage: schakel report list [--org ORG] [--json]\n"
     "List the reports (tickets of type report) of organization ORG, newest first:\n"
     "those from its contacts' addresses and those its partners sent through the\n"
     "portal; without --org, every report. See docs/portal.md.\n" ORG_HELP JSON_HELP},
    {"report", "submit", cli_report_submit, "report an incident as a partner user",
     "usage: schakel report submit --as USER --contact ID --subject SUBJECT [--tlp LABEL]\n"
     "         [--json] < TEXT\n"
     "Report an incident as partner USER would through the portal: the text on stdin\n"
     "becomes a mail from contact ID of USER's organization and is taken in as\n"
     "schakel mailgate takes mail in (ticket, number, SLA clocks, acknowledgement).\n"
     "Subject at most 200 bytes, text at most 64 KiB. See docs/portal.md.\n" JSON_HELP},
    {"ticket", "list", cli_ticket_list, "list tickets",
     "usage: schakel ticket list [--type TYPE] [--status S] [--org ORG] [--open]\n"
     "         [--owner USER] [--class CLASS] [--limit N] [--json]\n"
     "List tickets newest first (at most N, default 50; 0: all).\n"
     "  TYPE    report, incident or vulnerability-coordination\n"
     "  --open  only those not resolved\n"
     "  --owner USER   only USER's tickets; none: the unowned ones\n"
     "  --class CLASS  only those whose reporter's organization is of CLASS\n" ORG_HELP
	 JSON_HELP},
    {"ticket", "show", cli_ticket_show, "show a ticket with its messages",
     "usage: schakel ticket show NUMBER [--json]\n"
     "Show ticket NUMBER (42 or #42): its fields, what its text names and who owns\n"
     "it, its links, every message and comment, oldest first, and its history (its\n"
     "entries in the audit log, oldest first). Encrypted mail is not shown.\n" JSON_HELP},
    {"ticket", "raw", cli_ticket_raw, "write a stored mail as it was received",
     "usage: schakel ticket raw MESSAGE\n"
     "Write message MESSAGE (its number in ticket show) to stdout, byte for byte as it\n"
     "was received; encrypted mail stays encrypted.\n"},
    {"ticket", "decrypt", cli_ticket_decrypt, "read an encrypted report (audited)",
     "usage: schakel ticket decrypt NUMBER --reason TEXT [--message M] [--part K]\n"
     "                              [--extract] [--json]\n"
     "Decrypt part K (default: the first encrypted one) of the ticket's encrypted\n"
     "mail (message M, default: the first) with schakel's key and write the clear\n"
     "text to stdout. It is held in locked memory only and never stored; the\n"
     "request and its reason go into the audit log first. --extract stores what\n"
     "the clear text names (addresses, domains, URLs, CVE ids, with their owners),\n"
     "each marked as found in that encrypted part. See docs/tickets.md.\n"
     "  --reason TEXT  why it is read (required, one line, at most 500 bytes)\n" JSON_HELP},
    {"ticket", "forward", cli_ticket_forward, "forward an encrypted report (audited)",
     "usage: schakel ticket forward NUMBER --to ADDRESS --reason TEXT [--message M]\n"
     "                              [--part K] [--json]\n"
     "Forward part K (default: the first encrypted one) of the ticket's encrypted mail\n"
     "(message M, default: the first) to ADDRESS, the requester or a party the TLP\n"
     "label lets receive it. It is decrypted in locked memory, the request and its\n"
     "reason in the audit log first, then signed with schakel's key and encrypted to\n"
     "ADDRESS's key and schakel's own before it is queued. Without a usable key for\n"
     "ADDRESS nothing is sent or queued. See docs/tickets.md.\n"
     "  --reason TEXT  why (required, one line, at most 500 bytes)\n" JSON_HELP},
    {"ticket", "new", cli_ticket_new, "open a ticket by hand",
     "usage: schakel ticket new SUBJECT [--type TYPE] [--requester ADDRESS] [--json]\n"
     "Open a ticket (TYPE report, incident (the default) or\n"
     "vulnerability-coordination) and print its number.\n" JSON_HELP},
    {"ticket", "set", cli_ticket_set, "change a ticket's fields",
     "usage: schakel ticket set NUMBER [--status S] [--owner USER] [--severity SEV]\n"
     "         [--service SERVICE] [--tags LIST] [--tlp LABEL] [--json]\n"
     "Change a ticket. Statuses by type: report new, open, resolved, rejected;\n"
     "incident open, resolved, abandoned; vulnerability-coordination open, embargoed,\n"
     "disclosed, closed. SEV critical, high, medium or low. --owner \"\" clears it.\n"
     "Every change is in the audit log.\n" JSON_HELP},
    {"ticket", "resolve", cli_ticket_resolve, "end a ticket",
     "usage: schakel ticket resolve NUMBER [--status S] [--json]\n"
     "End a ticket: status resolved (closed for a vulnerability case), or S, one\n"
     "that ends its type (rejected, abandoned, disclosed, ...).\n" JSON_HELP},
    {"ticket", "comment", cli_ticket_comment, "add an internal comment",
     "usage: schakel ticket comment NUMBER (--text TEXT | --stdin) [--json]\n"
     "Add a comment for handlers; it is never mailed.\n" JSON_HELP},
    {"ticket", "reply", cli_ticket_reply, "mail a reply from the ticket",
     "usage: schakel ticket reply NUMBER (--text TEXT | --stdin) [--to ADDRESS] [--json]\n"
     "Mail TEXT to the requester, or to the party at ADDRESS, with [TAG #NUMBER] in\n"
     "the subject, through the outbound queue. The ticket's TLP decides: the requester\n"
     "may always receive it, a party (the organization concerned) not if it is\n"
     "TLP:RED; nobody else is mailed.\n" JSON_HELP},
    {"ticket", "link", cli_ticket_link, "link a report to an incident",
     "usage: schakel ticket link REPORT INCIDENT\n"
     "Record that report REPORT is part of incident INCIDENT.\n"},
    {"ticket", "party", cli_ticket_party, "add a party to an incident",
     "usage: schakel ticket party NUMBER [--org ORG] [--address ADDRESS]\n"
     "Add an organization (mailed at ADDRESS, else at its first contact) or an\n"
     "address as a party of incident NUMBER; replies to it are kept apart.\n" ORG_HELP},
    {"csaf", "export", cli_csaf_export, "write the CSAF 2.0 provider tree",
     "usage: schakel csaf export DIR\n"
     "Write the CSAF 2.0 trusted provider tree of the published advisories below\n"
     "DIR/.well-known/csaf/ (provider-metadata.json, a directory per TLP with the\n"
     "documents, index.txt, changes.csv and a ROLIE feed, hashes and signatures by\n"
     "schakel's key), built in DIR.tmp and renamed over DIR. Needs [csaf]\n"
     "publisher_name and publisher_namespace. See docs/csaf.md.\n"},
    {"advisory", "new", cli_advisory_new, "draft an advisory",
     "usage: schakel advisory new (--from FILE.json | --title T) [FIELD OPTIONS] [--json]\n"
     "Draft an advisory numbered PREFIX-YEAR-NNNN ([advisories] prefix). --from reads\n"
     "the fields from a JSON object (docs/advisories.md gives its shape; - reads\n"
     "stdin); the field options set one field each and win over the file:\n"
     "  --title, --summary, --description, --remediation  text (Markdown)\n"
     "  --cvss VECTOR       a CVSS v3.1 base vector; its score is computed\n"
     "  --tlp LABEL         TLP:CLEAR ... TLP:RED (default TLP:AMBER)\n"
     "  --probability L, --damage L   high, medium or low\n"
     "  --probability-criteria T, --damage-criteria T   what decided them\n"
     "  --cves, --cwes, --references  comma lists\n" JSON_HELP},
    {"advisory", "edit", cli_advisory_edit, "change a draft advisory",
     "usage: schakel advisory edit ADVISORY (--from FILE.json | FIELD OPTIONS) [--json]\n"
     "Change a draft, or one in review (which returns it to draft). ADVISORY is its\n"
     "id or number. The options are those of advisory new.\n" JSON_HELP},
    {"advisory", "show", cli_advisory_show, "show an advisory",
     "usage: schakel advisory show ADVISORY [--json]\n"
     "Show an advisory with its scoring (the NCSC matrix cell and Urgent or Normal),\n"
     "CVSS score and severity, products and revisions.\n" JSON_HELP},
    {"advisory", "list", cli_advisory_list, "list advisories",
     "usage: schakel advisory list [--status S] [--json]\n"
     "List advisories newest first; S is draft, review, published or withdrawn.\n" JSON_HELP},
    {"advisory", "submit", cli_advisory_submit, "submit a draft for review",
     "usage: schakel advisory submit ADVISORY\n"
     "Submit a complete draft for review by another analyst.\n"},
    {"advisory", "approve", cli_advisory_approve, "approve an advisory in review",
     "usage: schakel advisory approve ADVISORY\n"
     "Approve an advisory in review; its author may not.\n"},
    {"advisory", "publish", cli_advisory_publish, "publish an advisory",
     "usage: schakel advisory publish ADVISORY [--json]\n"
     "Publish revision 1 of an approved advisory (or of a draft when [advisories]\n"
     "review = no) and print the organizations it is addressed to.\n" JSON_HELP},
    {"advisory", "update", cli_advisory_update, "publish a new revision",
     "usage: schakel advisory update ADVISORY --summary CHANGE [--from FILE.json]\n"
     "                               [FIELD OPTIONS] [--json]\n"
     "Change a published advisory as a new revision; --summary says what changed (to\n"
     "change the advisory's own summary, give it in --from). Every revision is "
     "kept.\n" JSON_HELP},
    {"advisory", "withdraw", cli_advisory_withdraw, "withdraw a published advisory",
     "usage: schakel advisory withdraw ADVISORY --reason TEXT\n"
     "Withdraw a published advisory; its revisions are kept.\n"},
    {"advisory", "audience", cli_advisory_audience, "the organizations an advisory reaches",
     "usage: schakel advisory audience ADVISORY [--json]\n"
     "Resolve the audience: each organization with its TLP relation (named,\n"
     "concerned, or liaison for a member).\n" JSON_HELP},
    {"advisory", "revisions", cli_advisory_revisions, "the published revisions",
     "usage: schakel advisory revisions ADVISORY [--json]\n"
     "The revisions with their dates and changes; --json adds each snapshot.\n" JSON_HELP},
    {"publication", "new", cli_publication_new, "draft a publication",
     "usage: schakel publication new --kind K --title T --body FILE.md [--summary S]\n"
     "         [--tlp LABEL] [--audience LIST] [--attach FILE]... [--json]\n"
     "Draft a publication numbered PREFIX-YEAR-NNNN ([publications] prefix):\n"
     "  --kind K        threat-assessment, resilience-measure, guidance, best-practice\n"
     "  --body FILE.md  the text, Markdown, at most 256 KiB\n"
     "  --tlp LABEL     TLP:CLEAR ... TLP:RED (default TLP:AMBER)\n"
     "  --audience L    all, class:C, sector:S, org:ID, comma-separated\n"
     "  --attach FILE   a file to attach, at most [publications] max_attachment\n"
     "                  bytes; all are stored or none\n" JSON_HELP},
    {"publication", "attach", cli_publication_attach, "attach a file to a draft",
     "usage: schakel publication attach PUBLICATION FILE [--type TYPE/SUBTYPE] [--json]\n"
     "Attach FILE to a draft; its media type follows its extension unless --type.\n" JSON_HELP},
    {"publication", "show", cli_publication_show, "show a publication",
     "usage: schakel publication show PUBLICATION [--json]\n"
     "PUBLICATION is an id or a number.\n" JSON_HELP},
    {"publication", "list", cli_publication_list, "list publications",
     "usage: schakel publication list [--status S] [--json]\n"
     "Newest first; S is draft, review, published or withdrawn.\n" JSON_HELP},
    {"publication", "submit", cli_publication_submit, "submit a draft for review",
     "usage: schakel publication submit PUBLICATION\n"
     "Submit a complete draft for review by another analyst.\n"},
    {"publication", "approve", cli_publication_approve, "approve a publication in review",
     "usage: schakel publication approve PUBLICATION\n"
     "Approve a publication in review; its author may not.\n"},
    {"publication", "publish", cli_publication_publish, "publish a publication",
     "usage: schakel publication publish PUBLICATION [--json]\n"
     "Publish an approved publication (or a draft when [advisories] review = no) and\n"
     "print how many organizations its audience reaches.\n" JSON_HELP},
    {"publication", "withdraw", cli_publication_withdraw, "withdraw a publication",
     "usage: schakel publication withdraw PUBLICATION --reason TEXT\n"
     "Withdraw a published publication.\n"},
    {"publication", "attachment", cli_publication_attachment, "write an attachment out",
     "usage: schakel publication attachment get PUBLICATION NAME > FILE\n"
     "Write the bytes of attachment NAME to standard output.\n"},
    {"asset", "add", cli_asset_add, "declare a product an organization runs",
     "usage: schakel asset add ORG NAME [--json]\n"
     "NAME is a CPE 2.3 name (cpe:2.3:a:vendor:product:version:...) or a purl\n"
     "(pkg:type/namespace/name@version). Advisories addressed by assets reach ORG\n"
     "when it matches an affected product.\n" ORG_HELP JSON_HELP},
    {"asset", "list", cli_asset_list, "list assets",
     "usage: schakel asset list [ORG] [--json]\n"
     "The assets of ORG, or of every organization.\n" ORG_HELP JSON_HELP},
    {"asset", "rm", cli_asset_rm, "remove an asset",
     "usage: schakel asset rm ORG ID\n"
     "Remove asset ID (its number in asset list) of ORG.\n" ORG_HELP},
    {"alert", "list", cli_alert_list, "list the alerts of urgent advisories",
     "usage: schakel alert list [--advisory ADVISORY] [--json]\n"
     "The alerts, one per recipient organization of an urgent advisory: state (sent,\n"
     "acknowledged, calllist), the contact step, how and how fast it was "
     "acknowledged.\n" JSON_HELP},
    {"alert", "ack", cli_alert_ack, "acknowledge an alert for its organization",
     "usage: schakel alert ack ID [--how phone|portal] [--notes TEXT] [--json]\n"
     "Record that the organization of alert ID acknowledged it (by phone unless\n"
     "--how says otherwise); --notes also records the call.\n" JSON_HELP},
    {"alert", "calllist", cli_alert_calllist, "the duty officer's calling list",
     "usage: schakel alert calllist ADVISORY [--json]\n"
     "The organizations of ADVISORY's alerts that nobody acknowledged, those on the\n"
     "calling list first, by class priority (oes first), with their 24x7 phone\n"
     "numbers and the last call: reached or not, who, when, by whom, notes.\n" JSON_HELP},
    {"alert", "call", cli_alert_call, "record a call about an alert",
     "usage: schakel alert call ID --reached yes|no [--who NAME] [--notes TEXT] [--json]\n"
     "Record the duty officer's call to the organization of alert ID.\n" JSON_HELP},
    {"alert", "escalate", cli_alert_escalate, "escalate unacknowledged alerts once",
     "usage: schakel alert escalate [--json]\n"
     "Send every alert unacknowledged for [alerts] escalate_after to its\n"
     "organization's next operational-24x7 contact, or put it on the calling list\n"
     "after the last one (schakeld does this every minute).\n" JSON_HELP},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char main_usage_head[] =
    "usage: schakel [-c FILE] [--db URL] [--json] COMMAND [ARGS]\n"
    "The constituency registry of a national CSIRT: organizations, their contacts and\n"
    "the AS numbers, prefixes and domains they own.\n"
    "\n"
    "Options:\n"
    "  -c, --config FILE  configuration file (default $SCHAKEL_CONF or\n"
    "                     /etc/schakel/schakel.conf)\n"
    "  --db URL           the store, e.g. sqlite:/var/lib/schakel/schakel.db\n"
    "  --json             print JSON instead of tables\n"
    "  --version          print the version\n"
    "  --help             print this help\n"
    "\n"
    "Commands:\n";

static const char main_usage_tail[] =
    "\n"
    "Run 'schakel COMMAND --help' for a command's options. Exit status: 0 done,\n"
    "64 usage error, 65 bad data, 75 store temporarily unavailable, 78 configuration.\n";

static void print_main_usage(FILE *f)
{
	fputs(main_usage_head, f);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		char words[32];

		snprintf(words, sizeof(words), "%s%s%s",
			 commands[i].group ? commands[i].group : "",
			 commands[i].group ? " " : "", commands[i].name);
		fprintf(f, "  %-18s %s\n", words, commands[i].summary);
	}
	fputs(main_usage_tail, f);
}

static bool group_exists(const char *group)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (commands[i].group && strcmp(commands[i].group, group) == 0)
			return true;
	return false;
}

static void print_group_usage(FILE *f, const char *group)
{
	fprintf(f, "usage: schakel %s SUBCOMMAND [ARGS]\nSubcommands:\n", group);
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (commands[i].group && strcmp(commands[i].group, group) == 0)
			fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "Run 'schakel %s SUBCOMMAND --help' for its options.\n", group);
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "schakel: %s '%s'\nTry 'schakel --help'.\n", what, arg);
	return EX_USAGE;
}

static bool is_help(const char *a)
{
	return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* Run the command named at argv[0] (and argv[1] for a group). */
static int dispatch(struct cli *c, int argc, char **argv)
{
	const char *word = argv[0];
	char name[32];

	if (group_exists(word)) {
		if (argc < 2) {
			fprintf(stderr, "schakel %s: which subcommand?\n", word);
			print_group_usage(stderr, word);
			return EX_USAGE;
		}
		if (is_help(argv[1])) {
			print_group_usage(stdout, word);
			return EX_OK;
		}
		for (size_t i = 0; i < NCOMMANDS; i++) {
			if (commands[i].group && strcmp(commands[i].group, word) == 0 &&
			    strcmp(commands[i].name, argv[1]) == 0) {
				snprintf(name, sizeof(name), "%s %s", word, argv[1]);
				c->cmd_name = name;
				c->usage = commands[i].usage;
				return commands[i].run(c, argc - 2, argv + 2);
			}
		}
		fprintf(stderr, "schakel %s: unknown subcommand '%s'\n", word, argv[1]);
		print_group_usage(stderr, word);
		return EX_USAGE;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (commands[i].group == NULL && strcmp(commands[i].name, word) == 0) {
			c->cmd_name = commands[i].name;
			c->usage = commands[i].usage;
			return commands[i].run(c, argc - 1, argv + 1);
		}
	}
	return usage_error("unknown command", word);
}

/* Whether the command word is mailgate: the first word that is not a
 * global option or its value. */
static bool is_mailgate(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0 ||
		    strcmp(argv[i], "--db") == 0)
			i++;
		else if (argv[i][0] != '-')
			return strcmp(argv[i], "mailgate") == 0;
	}
	return false;
}

/* The MTA bounces a mail on 64 but keeps it on 75: a wrong command line
 * in front of mailgate must not lose mail. */
static int global_usage_error(int argc, char **argv, const char *what, const char *arg)
{
	int rc = usage_error(what, arg);

	if (!is_mailgate(argc, argv))
		return rc;
	fputs("schakel mailgate: the command line is wrong: exit 75, the MTA keeps the mail "
	      "and tries again\n",
	      stderr);
	return EX_TEMPFAIL;
}

int main(int argc, char **argv)
{
	struct cli c;
	int i, rc;

	memset(&c, 0, sizeof(c));
	log_init("schakel", LOG_LEVEL_WARN, 0);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (is_help(a)) {
			print_main_usage(stdout);
			return EX_OK;
		} else if (strcmp(a, "--version") == 0) {
			printf("schakel %s\n", SCHAKEL_VERSION);
			return EX_OK;
		} else if (strcmp(a, "--json") == 0) {
			c.json = true;
		} else if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0 ||
			   strcmp(a, "--db") == 0) {
			if (i + 1 >= argc)
				return global_usage_error(argc, argv,
							  "a value is missing after", a);
			if (a[1] == 'c' || a[2] == 'c')
				c.config_path = argv[++i];
			else
				c.db_flag = argv[++i];
		} else if (strncmp(a, "--config=", 9) == 0) {
			c.config_path = a + 9;
		} else if (strncmp(a, "--db=", 5) == 0) {
			c.db_flag = a + 5;
		} else if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else {
			return global_usage_error(argc, argv, "unknown option", a);
		}
	}
	if (i >= argc) {
		fputs("schakel: which command?\n", stderr);
		print_main_usage(stderr);
		return EX_USAGE;
	}
	rc = dispatch(&c, argc - i, argv + i);
	cli_close(&c);
	/* mailgate's answer to the MTA is its exit status: a mail stored is
	 * not reported lost because its summary could not be written. */
	if (fflush(stdout) != 0 && rc == EX_OK && !is_mailgate(argc, argv))
		rc = EX_IOERR;
	return rc;
}
