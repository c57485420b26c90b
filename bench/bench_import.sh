#!/bin/bash
# bench/bench_import.sh BUILD: time `schakel import` of 10,000 organizations
# with 100,000 resources (IPv4 and IPv6 prefixes, AS numbers, domains)
# into a fresh store on each backend: an SQLite file, against the same rows
# inserted by sqlite3 into bare tables in one transaction; and a PostgreSQL
# server started here with scripts/pg-test (stopped at the end), against
# the same rows sent by psql as INSERT statements and as COPY, each in one
# transaction. BENCH_BACKENDS="sqlite postgresql" picks the backends. The
# last line is the figure.
set -eu
build=${1:-build}
schakel="$build/schakel"
ORGS=${BENCH_ORGS:-10000}
PER_ORG=${BENCH_PER_ORG:-10}
[ -x "$schakel" ] || { echo "bench_import: no $schakel (build first)" >&2; exit 1; }
BACKENDS=${BENCH_BACKENDS:-sqlite postgresql}
here=$(cd "$(dirname "$0")" && pwd)
pgtest="$here/../scripts/pg-test"
case " $BACKENDS " in *" sqlite "*)
	command -v sqlite3 >/dev/null || { echo "bench_import: sqlite3 is needed for the baseline" >&2; exit 1; } ;;
esac
case " $BACKENDS " in *" postgresql "*)
	command -v psql >/dev/null || { echo "bench_import: psql is needed for the baseline" >&2; exit 1; } ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/schakel-bench.XXXXXX")
pgdir=""
cleanup() {
	[ -z "$pgdir" ] || { "$pgtest" stop "$pgdir"; rm -rf "$pgdir"; }
	rm -rf "$tmp"
}
trap cleanup EXIT

# The document and, for the baseline, the same rows as SQL. Documentation
# ranges only: IPv4 prefixes inside 192.0.2.0/24, 198.51.100.0/24 and
# 203.0.113.0/24 (shared by many organizations, as upstream and customer
# blocks are), IPv6 /48s and /64s inside 2001:db8::/32, the 32
# documentation AS numbers, and names under .test.
python3 - "$ORGS" "$PER_ORG" "$tmp/doc.json" "$tmp/rows.sql" "$tmp/orgs.tsv" "$tmp/resources.tsv" <<'PY'
import ipaddress, json, random, sys
orgs, per_org = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(1)
v4 = [str(n) for base in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
      for plen in range(24, 33) for n in ipaddress.ip_network(base).subnets(new_prefix=plen)]
asns = ["AS%d" % a for a in list(range(64496, 64512)) + list(range(65536, 65552))]
classes = ["oes", "essential-public", "administration", "private", "public"]
sectors = ["energy/electricity", "transport/rail", "banking", "health", "drinking-water",
           "digital-infrastructure", "none"]
doc = {"schakel": 1, "organizations": []}
sql = open(sys.argv[4], "w")
orgs_tsv, res_tsv = open(sys.argv[5], "w"), open(sys.argv[6], "w")
sql.write("BEGIN;\n")
now = "2025-01-01T00:00:00Z"
total = 0
for i in range(orgs):
    name = "Bench Org %05d" % i
    res = []
    n4 = per_org * 3 // 10
    n6 = per_org * 4 // 10
    for p in rng.sample(v4, n4):
        res.append({"type": "prefix", "value": p})
    for k in range(n6):
        if k % 2:
            res.append({"type": "prefix", "value": "2001:db8:%x:%x::/64" % (i, k)})
        else:
            res.append({"type": "prefix", "value": "2001:db8:%x::/48" % (0x8000 + i * 2 + k // 2)})
    res.append({"type": "asn", "value": asns[i % len(asns)]})
    for k in range(per_org - n4 - n6 - 1):
        res.append({"type": "domain", "value": "www%d.bench-org-%05d.test" % (k, i)})
    cls, sector = classes[i % 5], sectors[i % len(sectors)]
    doc["organizations"].append({"name": name, "kind": "constituent", "class": cls,
                                 "sector": sector, "country": "BE", "resources": res})
    sql.write("INSERT INTO orgs (name, kind, class, sector, country, status, created, updated)"
              " VALUES ('%s', 'constituent', '%s', '%s', 'BE', 'connected', '%s', '%s');\n"
              % (name, cls, sector, now, now))
    orgs_tsv.write("%s\tconstituent\t%s\t%s\tBE\tconnected\t%s\t%s\n" % (name, cls, sector, now, now))
    for r in res:
        sql.write("INSERT INTO resources (org_id, type, value, created) VALUES (%d, '%s', '%s', '%s');\n"
                  % (i + 1, r["type"], r["value"], now))
        res_tsv.write("%d\t%s\t%s\t%s\n" % (i + 1, r["type"], r["value"], now))
    total += len(res)
sql.write("COMMIT;\n")
json.dump(doc, open(sys.argv[3], "w"))
print("document: %d organizations, %d resources" % (orgs, total))
PY

now_ns() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / (b > 0 ? b : 0.001) }'; }
headline=""

# The bare tables of both baselines: the shape of schakel's, without the
# look-up indexes and the audit log.
bare_tables() {
	cat <<SQL
CREATE TABLE orgs (id $1, name TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL, class TEXT NOT NULL, sector TEXT NOT NULL, country TEXT NOT NULL,
	status TEXT NOT NULL, notes TEXT, created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE TABLE resources (id $1, org_id BIGINT NOT NULL,
	type TEXT NOT NULL, value TEXT NOT NULL, created TEXT NOT NULL);
SQL
}

bench_sqlite() {
	local t0 t1 base took stored
	# Baseline: bare tables, one transaction, sqlite3.
	{ bare_tables "INTEGER PRIMARY KEY"; echo "PRAGMA journal_mode=WAL;"; } | sqlite3 "$tmp/base.db" >/dev/null
	t0=$(now_ns)
	sqlite3 "$tmp/base.db" <"$tmp/rows.sql"
	t1=$(now_ns)
	base=$(secs "$t0" "$t1")
	echo "sqlite3 baseline: $(sqlite3 "$tmp/base.db" 'SELECT count(*) FROM orgs') + $(sqlite3 "$tmp/base.db" 'SELECT count(*) FROM resources') rows in $base s"

	# schakel: a fresh store, then the timed import.
	"$schakel" --db "sqlite:$tmp/schakel.db" init >/dev/null
	t0=$(now_ns)
	"$schakel" --db "sqlite:$tmp/schakel.db" import "$tmp/doc.json" >"$tmp/import.out"
	t1=$(now_ns)
	took=$(secs "$t0" "$t1")
	cat "$tmp/import.out"
	stored=$(sqlite3 "$tmp/schakel.db" 'SELECT count(*) FROM resources')
	echo "schakel store: $(sqlite3 "$tmp/schakel.db" 'SELECT count(*) FROM orgs') organizations, $stored resources, $(sqlite3 "$tmp/schakel.db" 'SELECT count(*) FROM audit') audit rows"
	echo "sqlite import: $ORGS organizations and $stored resources in $took s ($(ratio "$took" "$base") x raw sqlite3 inserts)"
	headline="$headline${headline:+; }SQLite $took s ($(ratio "$took" "$base") x sqlite3 inserts)"
}

bench_postgresql() {
	local url t0 t1 base copy took stored
	pgdir=$(mktemp -d "${TMPDIR:-/tmp}/schakel-bench-pg.XXXXXX")
	url=$("$pgtest" start "$pgdir")
	q() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }
	echo "postgresql: $(q "$url" -c 'SHOW server_version') at ${url%/*}/ (scripts/pg-test: fsync and synchronous_commit off)"

	# Baselines: bare tables; the same INSERT statements one by one, then
	# the same rows by COPY, each in one transaction, psql.
	"$pgtest" createdb "$pgdir" base_insert >/dev/null
	"$pgtest" createdb "$pgdir" base_copy >/dev/null
	for db in base_insert base_copy; do
		bare_tables "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" | q "${url%/*}/$db" >/dev/null
	done
	t0=$(now_ns)
	q "${url%/*}/base_insert" -f "$tmp/rows.sql" >/dev/null
	t1=$(now_ns)
	base=$(secs "$t0" "$t1")
	echo "psql INSERT baseline: $(q "${url%/*}/base_insert" -c 'SELECT (SELECT count(*) FROM orgs) || '"' + '"' || (SELECT count(*) FROM resources)') rows in $base s"
	printf 'BEGIN;\n\\copy orgs (name, kind, class, sector, country, status, created, updated) FROM %s\n\\copy resources (org_id, type, value, created) FROM %s\nCOMMIT;\n' \
		"'$tmp/orgs.tsv'" "'$tmp/resources.tsv'" >"$tmp/copy.sql"
	t0=$(now_ns)
	q "${url%/*}/base_copy" -f "$tmp/copy.sql" >/dev/null
	t1=$(now_ns)
	copy=$(secs "$t0" "$t1")
	echo "psql COPY baseline: $(q "${url%/*}/base_copy" -c 'SELECT (SELECT count(*) FROM orgs) || '"' + '"' || (SELECT count(*) FROM resources)') rows in $copy s"

	# schakel: a fresh store, then the timed import.
	"$pgtest" createdb "$pgdir" schakel >/dev/null
	"$schakel" --db "${url%/*}/schakel" init >/dev/null
	t0=$(now_ns)
	"$schakel" --db "${url%/*}/schakel" import "$tmp/doc.json" >"$tmp/import.out"
	t1=$(now_ns)
	took=$(secs "$t0" "$t1")
	cat "$tmp/import.out"
	stored=$(q "${url%/*}/schakel" -c 'SELECT count(*) FROM resources')
	echo "schakel store: $(q "${url%/*}/schakel" -c 'SELECT count(*) FROM orgs') organizations, $stored resources, $(q "${url%/*}/schakel" -c 'SELECT count(*) FROM audit') audit rows"
	echo "postgresql import: $ORGS organizations and $stored resources in $took s ($(ratio "$took" "$base") x psql inserts, $(ratio "$took" "$copy") x psql COPY)"
	headline="$headline${headline:+; }PostgreSQL $took s ($(ratio "$took" "$base") x psql inserts, $(ratio "$took" "$copy") x COPY)"
}

for b in $BACKENDS; do
	case $b in
	sqlite) bench_sqlite ;;
	postgresql) bench_postgresql ;;
	*) echo "bench_import: unknown backend '$b' in BENCH_BACKENDS" >&2; exit 1 ;;
	esac
done
echo "import of $ORGS organizations and $((ORGS * PER_ORG)) resources: $headline"
