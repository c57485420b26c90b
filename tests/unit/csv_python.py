#!/usr/bin/env python3
"""tests/unit/csv_python.py: CSV inputs and the records IntelMQ reads from
them, for test_csv.c to compare with schakel's reader. IntelMQ (3.3,
intelmq/lib/bot.py parse_csv_dict) strips the report, drops its NUL bytes
and reads it with csv.DictReader(io.StringIO(text, newline=''),
dialect='unix'), which skips blank lines. Prints one JSON object a line:
{"input": TEXT, "records": [[FIELD, ...], ...]}. The inputs are tricky
cases written out and random strings of the characters that matter (a
fixed seed: every run prints the same)."""
import csv
import io
import json
import random

FIXED = [
    # a real scan_http row: backslash-escaped, doubled quotes
    'timestamp,http_www_authenticate\n'
    '"2024-01-31 12:00:00","Basic realm=\\"\\"OpenWebif\\"\\""\n',
    'a,"b""c",d\n',
    '"a\\"b",c\n',
    '"a\\",b\n',
    '"a\nb",c\n',
    '"a\r\nb",c\r\n',
    '"a\rb",c\r',
    'a,b\rc,d\r',
    'a\r\nb\nc\rd',
    '"abc\ndef',
    '"abc\ndef\n  ',
    'a,"b',
    '"a"b,c',
    '"a" ,b',
    '"a"""',
    '"a""',
    'a"b,c',
    ',,\n""\n"",""',
    '\n\na\n\n\nb',
    '\r\r\na\r\r\nb\r',
    '  \n a,b \n  ',
    '\t\x0b\x0c\x1c a\x1f\t',
    '\x00a,b\x00\n"c\x00"',
    '  \x00  a  \x00  ',
    'a\x00\n',
    '"a"\r',
    '"a"\r\n',
    'a,\r',
    ' "a"',
    'a,',
    '"',
    '""""',
    '"a"\n"b"',
    'a,"b\r\nc"d,e\r\nf',
]

ALPHABET = ['a', 'b', ',', ',', '"', '"', '"', '\\', '\n', '\r', ' ', '\t', '\x00',
            '\r\n']


def intelmq_records(text):
    text = text.strip().translate({0: None})
    rows = csv.reader(io.StringIO(text, newline=''), dialect='unix')
    return [row for row in rows if row != []]


def main():
    rng = random.Random(4180)
    cases = list(FIXED)
    for _ in range(2000):
        cases.append(''.join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 30))))
    for text in cases:
        print(json.dumps({'input': text, 'records': intelmq_records(text)}))


if __name__ == '__main__':
    main()
