#!/usr/bin/env python3
"""Harvests a whole OAI-PMH list from a running server and reports records/s and the time of
the first page (which carries completeListSize), over one keep-alive connection.

Usage: bench/oai_list_bench.py PORT [METADATA_PREFIX] [SET]
Start the server first, e.g. `build/disan serve --data DIR --listen 127.0.0.1:18601`, and wait
until GET /healthz answers and the search engine is built (the log says so). Not part of CI.
"""
import http.client
import re
import sys
import time
import urllib.parse

port = int(sys.argv[1])
prefix = sys.argv[2] if len(sys.argv) > 2 else "oai_dc"
oai_set = sys.argv[3] if len(sys.argv) > 3 else ""
connection = http.client.HTTPConnection("127.0.0.1", port)
path = "/oai?verb=ListRecords&metadataPrefix=" + prefix
if oai_set:
    path += "&set=" + urllib.parse.quote(oai_set, safe="")
records = pages = 0
first_page = None
size = "?"
started = time.time()
while True:
    t = time.time()
    connection.request("GET", path)
    body = connection.getresponse().read().decode()
    if first_page is None:
        first_page = time.time() - t
        m = re.search(r'completeListSize="(\d+)"', body)
        size = m.group(1) if m else "?"
    pages += 1
    records += body.count("<record>")
    m = re.search(r"<resumptionToken[^>]*>([^<]+)</resumptionToken>", body)
    if not m:
        break
    path = "/oai?verb=ListRecords&resumptionToken=" + urllib.parse.quote(m.group(1), safe="")
elapsed = time.time() - started
print(f"{records} records (completeListSize {size}), {pages} pages, {elapsed:.2f} s, "
      f"{records / elapsed:.0f} records/s, first page {first_page * 1000:.0f} ms")
