#!/usr/bin/env python3
# feed/shadowserver/trim.py: make schakel's built-in Shadowserver mapping
# (schema.json here) from Shadowserver's full report schema (intelmq.json
# of github.com/The-Shadowserver-Foundation/report_schema): the report
# types listed below, copied as they are, plus the legacy "sic" column.
# Run by hand when the schema changes: trim.py FULL.json COMMIT > schema.json
"""Trim Shadowserver's IntelMQ report schema to schakel's built-in set."""

import json
import sys

# The report types (file_name) schakel knows without a schema file.
REPORTS = """
blocklist compromised_account compromised_iot compromised_website
compromised_website6 device_id device_id6 malware_url ransomware_victim
sandbox_url spam_url
event4_ddos_participant event4_honeypot_brute_force event4_honeypot_darknet
event4_honeypot_ddos_amp event4_honeypot_http_scan event4_ip_spoofer
event4_microsoft_sinkhole event4_microsoft_sinkhole_http event4_sinkhole
event4_sinkhole_dns event4_sinkhole_http event4_sinkhole_http_referer
event6_sinkhole event6_sinkhole_http event6_sinkhole_http_referer
scan_adb scan_afp scan_amqp scan_ard scan_chargen scan_coap scan_couchdb
scan_cwmp scan_db2 scan_dns scan_docker scan_elasticsearch scan_exchange
scan_ftp scan_hadoop scan_http scan_http_proxy scan_http_vulnerable scan_ics
scan_imap scan_ipmi scan_ipp scan_isakmp scan_kubernetes scan_ldap_tcp
scan_ldap_udp scan_mdns scan_memcached scan_mongodb scan_mqtt scan_mssql
scan_mysql scan_nat_pmp scan_netbios scan_ntp scan_ntpmonitor scan_pop3
scan_portmapper scan_postgres scan_qotd scan_rdp scan_redis scan_rsync
scan_sip scan_slp scan_smb scan_smtp scan_smtp_vulnerable scan_snmp scan_ssdp
scan_ssh scan_ssl scan_ssl_freak scan_ssl_poodle scan_stun scan_telnet
scan_tftp scan_ubiquiti scan_vnc scan_ws_discovery scan_xdmcp
scan6_dns scan6_elasticsearch scan6_ftp scan6_http scan6_http_vulnerable
scan6_imap scan6_ldap_tcp scan6_mongodb scan6_mysql scan6_ntp scan6_pop3
scan6_postgres scan6_rdp scan6_smb scan6_smtp scan6_snmp scan6_ssh scan6_ssl
scan6_telnet scan6_vnc
""".split()

# Older reports have a "sic" column (US SIC code) that the current schema
# no longer maps; IntelMQ 3.2.1 kept it as extra.sic with 0 left out.
LEGACY = [["extra.", "sic", "invalidate_zero"]]


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: trim.py FULL_SCHEMA.json REPORT_SCHEMA_COMMIT")
    with open(argv[1], encoding="utf-8") as f:
        full = json.load(f)
    by_file = {v["file_name"]: (k, v) for k, v in full.items() if k != "_meta"}
    missing = [r for r in REPORTS if r not in by_file]
    if missing:
        sys.exit("not in the schema: " + " ".join(missing))
    out = {
        "_meta": {
            "source": "https://github.com/The-Shadowserver-Foundation/report_schema",
            "commit": argv[2],
            "date_created": full.get("_meta", {}).get("date_created", ""),
            "note": "Shadowserver's IntelMQ report schema, trimmed to the report "
            "types schakel knows without a schema file (feeds.shadowserver_schema); "
            "entries copied unchanged except that each maps the legacy column "
            "'sic' as IntelMQ 3.2.1 did. Published by The Shadowserver Foundation "
            "for IntelMQ; IntelMQ ships such a subset as AGPL-3.0-or-later "
            "(SPDX-FileCopyrightText: 2023 The Shadowserver Foundation).",
        }
    }
    for name in sorted(REPORTS):
        key, entry = by_file[name]
        entry = json.loads(json.dumps(entry))
        columns = {f[1] for f in entry["required_fields"] + entry["optional_fields"]}
        for legacy in LEGACY:
            if legacy[1] not in columns:
                entry["optional_fields"].append(legacy)
        out[key] = entry
    json.dump(out, sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
