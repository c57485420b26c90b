#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
# tests/csaf/schema.py: validate JSON files against the CSAF 2.0 schemas
# in tests/fixtures/csaf, offline (the FIRST CVSS schemas and the CSAF
# schema registered under their URLs). Usage: schema.py csaf|provider FILE...
# Prints each error as "FILE: PATH MESSAGE"; exits 1 if there was any.
import json
import os
import sys

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "csaf",
                    "csaf_2.0")


def load(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as f:
        return json.load(f)


csaf = load("json_schema", "csaf_json_schema.json")
provider = load("json_schema", "provider_json_schema.json")
resources = [(csaf["$id"], Resource.from_contents(csaf)),
             (provider["$id"], Resource.from_contents(provider))]
for v in ("2.0", "3.0", "3.1"):
    s = load("referenced_schema", "first", "cvss-v%s.json" % v)
    resources.append(("https://www.first.org/cvss/cvss-v%s.json" % v,
                      Resource.from_contents(s)))
registry = Registry().with_resources(resources)
schema = csaf if sys.argv[1] == "csaf" else provider
validator = Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())
errors = 0
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    for e in validator.iter_errors(doc):
        print("%s: /%s %s" % (path, "/".join(str(p) for p in e.absolute_path), e.message))
        errors += 1
print("%d files, %d errors" % (len(sys.argv) - 2, errors))
sys.exit(1 if errors else 0)
