#!/usr/bin/env python3
"""Count test cases across meson test logs and print "N passed, N failed".

Each argument is a meson build directory (its meson-logs/testlog.json) or
a TAP file of checks that are not meson tests (scripts/check writes one),
counted as the suite "checks". TAP tests count each "ok"/"not ok" line;
other tests count once. A test that failed without reporting a failing
case counts as one failure."""
import json
import os
import re
import sys



def count(out):
    """The passing, skipped and failing TAP lines of out."""
    ok = len(re.findall(r"^ok\b(?!.*# SKIP)", out, re.M))
    skip = len(re.findall(r"^ok\b.*# SKIP", out, re.M))
    bad = len(re.findall(r"^not ok\b", out, re.M))
    return ok, skip, bad


passed = failed = skipped = 0
per_suite = {}
for build in sys.argv[1:]:
    if os.path.isfile(build):
        with open(build) as f:
            ok, skip, bad = count(f.read())
        s = per_suite.setdefault("checks", [0, 0])
        s[0] += ok
        s[1] += bad
        passed, failed, skipped = passed + ok, failed + bad, skipped + skip
        continue
    log = os.path.join(build, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        continue
    with open(log) as f:
        for line in f:
            t = json.loads(line)
            out = t.get("stdout") or ""
            ok, skip, bad = count(out)
            if t["result"] == "SKIP":
                ok, bad, skip = 0, 0, max(skip, 1)
            elif ok + bad + skip == 0:
                ok, bad = (1, 0) if t["result"] in ("OK", "EXPECTEDFAIL") else (0, 1)
            elif t["result"] not in ("OK", "EXPECTEDFAIL", "SKIP") and bad == 0:
                bad = 1
            suite = (t.get("env") or {}).get("SCHAKEL_TEST_BACKEND", "no store")
            s = per_suite.setdefault(suite, [0, 0])
            s[0] += ok
            s[1] += bad
            passed, failed, skipped = passed + ok, failed + bad, skipped + skip
for suite, (p, f) in sorted(per_suite.items()):
    print(f"  {suite:>10}: {p} passed, {f} failed")
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed or passed == 0 else 0)
