#!/usr/bin/env python3
"""Write share/demo/constituency.json: the demo constituency of `make run`.

A national CSIRT, two liaison organizations and twelve members of every
class, with documentation-range resources only (192.0.2.0/24,
198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, AS64496-AS64509, *.test,
example.be, example.nl). The output is in the canonical order of
`schakel export`, so importing it and exporting again gives the same
document. Run: scripts/demo-constituency.py > share/demo/constituency.json
"""
import hashlib
import ipaddress
import json
import sys

NATIONAL = ("CERT Demo", "national-csirt", "administration", "none")
LIAISONS = [
    ("Energy Sector CERT", "liaison", "oes", "energy/electricity"),
    ("Health ISAC", "liaison", "essential-public", "health"),
]
MEMBERS = {
    "oes": [
        ("Example Power Grid", "energy/electricity"),
        ("Example Gas Transport", "energy/gas"),
        ("Example Oil Terminal", "energy/oil"),
        ("Example Airport", "transport/air"),
        ("Example Rail Infrastructure", "transport/rail"),
        ("Example Port Authority", "transport/water"),
        ("Example Motorways", "transport/road"),
        ("Example Bank", "banking"),
        ("Example Clearing House", "financial-market-infrastructure"),
        ("Example University Hospital", "health"),
        ("Example Water Works", "drinking-water"),
        ("Example Internet Exchange", "digital-infrastructure"),
    ],
    "essential-public": [
        ("Example Regional Hospital", "health"),
        ("Example Ambulance Service", "health"),
        ("Example Blood Bank", "health"),
        ("Example Public Transport", "transport/road"),
        ("Example Regional Rail", "transport/rail"),
        ("Example Ferry Service", "transport/water"),
        ("Example Air Traffic Control", "transport/air"),
        ("Example Water Board", "drinking-water"),
        ("Example Sewage Authority", "drinking-water"),
        ("Example Municipal Energy", "energy/electricity"),
        ("Example District Heating", "energy/gas"),
        ("Example Emergency Dispatch", "none"),
    ],
    "administration": [
        ("Example Federal Public Service", "none"),
        ("Example Ministry of the Interior", "none"),
        ("Example Tax Administration", "none"),
        ("Example Social Security Office", "none"),
        ("Example Province", "none"),
        ("Example City Council", "none"),
        ("Example Police Zone", "none"),
        ("Example Statistics Office", "none"),
        ("Example Land Registry", "none"),
        ("Example Customs", "none"),
        ("Example Municipal Network", "digital-infrastructure"),
        ("Example Government Cloud", "digital-infrastructure"),
    ],
    "private": [
        ("Example Telecom", "digital-infrastructure"),
        ("Example Hosting", "digital-infrastructure"),
        ("Example Data Centre", "digital-infrastructure"),
        ("Example Payments", "banking"),
        ("Example Insurance", "none"),
        ("Example Chemicals", "none"),
        ("Example Logistics", "transport/road"),
        ("Example Retail", "none"),
        ("Example Pharma", "health"),
        ("Example Solar Farms", "energy/electricity"),
        ("Example Fuel Distribution", "energy/oil"),
        ("Example Software", "none"),
    ],
    "public": [
        ("Example University", "none"),
        ("Example College", "none"),
        ("Example Research Institute", "none"),
        ("Example Library", "none"),
        ("Example Museum", "none"),
        ("Example Broadcasting", "none"),
        ("Example School Network", "digital-infrastructure"),
        ("Example Science Park", "none"),
        ("Example Public Archive", "none"),
        ("Example Zoo", "none"),
        ("Example Sports Federation", "none"),
        ("Example Youth Services", "none"),
    ],
}
ENERGY_MEMBERS = ["Example Power Grid", "Example Gas Transport", "Example Oil Terminal",
                  "Example Municipal Energy", "Example District Heating",
                  "Example Solar Farms", "Example Fuel Distribution"]
HEALTH_MEMBERS = ["Example University Hospital", "Example Regional Hospital",
                  "Example Ambulance Service", "Example Blood Bank", "Example Pharma"]
ASNS = {
    "Example Telecom": 64496, "Example Hosting": 64497, "Example Internet Exchange": 64498,
    "Example Bank": 64499, "Example Power Grid": 64500, "Example Gas Transport": 64501,
    "Example Airport": 64502, "Example Rail Infrastructure": 64503,
    "Example Clearing House": 64504, "Example Government Cloud": 64505,
    "Example Data Centre": 64506, "Example University": 64507, "CERT Demo": 64508,
    "Example Port Authority": 64509,
}
# Customers of Example Telecom get a /28 inside its 198.51.100.0/24 and a
# /48 inside its 2001:db8:1000::/36; those of Example Hosting a /29 inside
# 203.0.113.0/25. Everybody else gets a block of its own.
TELECOM_CUSTOMERS = ["Example Power Grid", "Example City Council", "Example Retail",
                     "Example Insurance", "Example Police Zone", "Example Library",
                     "Example Sports Federation", "Example Ferry Service",
                     "Example Youth Services", "Example Logistics"]
HOSTING_CUSTOMERS = ["Example Software", "Example Museum", "Example Zoo",
                     "Example Science Park", "Example Public Archive", "Example Chemicals"]
EXTRA_DOMAINS = {
    "Example Federal Public Service": ["example.be"],
    "Example Government Cloud": ["example.nl"],
    "Example Municipal Energy": ["energie.example.be"],
    "Example City Council": ["stad.example.nl"],
}
STATUS = {"Example Youth Services": "applied", "Example Zoo": "applied",
          "Example Sports Federation": "designated", "Example Science Park": "suspended"}
NOTES = {
    "Example Telecom": "Upstream provider of many constituents; customers hold /28s of "
                       "its 198.51.100.0/24.",
    "Example Power Grid": "Transmission system operator. High/High alerts by phone, 24/7.",
    "CERT Demo": "The national CSIRT of this demo.",
}


def slug(name):
    return name.lower().replace(" ", "-")


def fingerprint(name):
    return hashlib.sha1(name.encode()).hexdigest().upper()


def contacts(name, country, index):
    domain = slug(name) + ".test"
    langs = ["nl", "fr", "en"] if country == "BE" else ["nl", "en"]
    if country == "BE":
        phone = "+32 2 555 %02d %02d" % (index // 100, index % 100)
    else:
        phone = "+31 20 555 %04d" % index
    out = [
        {"name": "Security Operations Centre", "email": "soc@" + domain, "phone": phone,
         "role": "operational-24x7", "languages": langs,
         "pgp_fingerprint": fingerprint(name + "/soc")},
        {"name": "Abuse Desk", "email": "abuse@" + domain, "phone": None, "role": "abuse",
         "languages": langs[-1:], "pgp_fingerprint": None},
    ]
    if index % 3 == 0:
        out.append({"name": "Chief Information Security Officer", "email": "ciso@" + domain,
                    "phone": None, "role": "management", "languages": langs[:1],
                    "pgp_fingerprint": fingerprint(name + "/ciso")})
    return sorted(out, key=lambda c: (c["name"].encode(), c["email"].encode()))


def resource_key(r):
    order = {"asn": 0, "prefix": 1, "domain": 2}
    if r["type"] == "asn":
        key = (int(r["value"][2:]),)
    elif r["type"] == "prefix":
        net = ipaddress.ip_network(r["value"])
        key = (net.version, net.network_address.packed, net.prefixlen)
    else:
        key = (r["value"].encode(),)
    return (order[r["type"]], key)


def main():
    orgs = [NATIONAL] + LIAISONS
    for cls, members in MEMBERS.items():
        orgs += [(name, "constituent", cls, sector) for name, sector in members]
    assert len(orgs) == 63

    v4_blocks = [ipaddress.ip_network("192.0.2.0/24").subnets(new_prefix=28),
                 ipaddress.ip_network("203.0.113.128/25").subnets(new_prefix=28)]
    own_v4 = [n for gen in v4_blocks for n in gen]
    telecom_v4 = list(ipaddress.ip_network("198.51.100.0/24").subnets(new_prefix=28))
    hosting_v4 = list(ipaddress.ip_network("203.0.113.0/25").subnets(new_prefix=29))[1:]
    telecom_v6 = ipaddress.ip_network("2001:db8:1000::/36")

    doc_orgs = []
    for i, (name, kind, cls, sector) in enumerate(orgs):
        country = "BE" if i % 2 == 0 else "NL"
        res = []
        if name in ASNS:
            res.append({"type": "asn", "value": "AS%d" % ASNS[name]})
        if name == "Example Telecom":
            res.append({"type": "prefix", "value": "198.51.100.0/24"})
            res.append({"type": "prefix", "value": str(telecom_v6)})
        elif name == "Example Hosting":
            res.append({"type": "prefix", "value": "203.0.113.0/25"})
            res.append({"type": "prefix", "value": "2001:db8:2000::/36"})
        if name in TELECOM_CUSTOMERS:
            k = TELECOM_CUSTOMERS.index(name)
            res.append({"type": "prefix", "value": str(telecom_v4[k])})
            res.append({"type": "prefix", "value": "2001:db8:%x::/48" % (0x1001 + k)})
        elif name in HOSTING_CUSTOMERS:
            k = HOSTING_CUSTOMERS.index(name)
            res.append({"type": "prefix", "value": str(hosting_v4[k])})
            res.append({"type": "prefix", "value": "2001:db8:%x::/48" % (0x2001 + k)})
        elif name not in ("Example Telecom", "Example Hosting"):
            if own_v4 and kind != "liaison":
                res.append({"type": "prefix", "value": str(own_v4.pop(0))})
            res.append({"type": "prefix", "value": "2001:db8:%x::/48" % (i + 1)})
        res.append({"type": "domain", "value": slug(name) + ".test"})
        for d in EXTRA_DOMAINS.get(name, []):
            res.append({"type": "domain", "value": d})
        o = {"name": name, "kind": kind, "class": cls, "sector": sector, "country": country,
             "status": STATUS.get(name, "connected"), "notes": NOTES.get(name)}
        if kind == "liaison":
            members = ENERGY_MEMBERS if name == "Energy Sector CERT" else HEALTH_MEMBERS
            o["members"] = sorted(members, key=str.encode)
        o["contacts"] = contacts(name, country, i)
        o["resources"] = sorted(res, key=resource_key)
        doc_orgs.append(o)
    doc_orgs.sort(key=lambda o: o["name"].encode())
    doc = {"schakel": 1, "exported": "2025-01-01T00:00:00Z", "organizations": doc_orgs}
    json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
