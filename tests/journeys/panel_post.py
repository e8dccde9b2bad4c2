#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""POSTs a JSON object to the local panel during a journey, from a `# when: STATE: sh` line (whose
words lose their quotes): panel_post.py PATH KEY=VALUE ... SERVER comes from the environment
(run_journey.py sets it). A VALUE is JSON when it parses (60, true, null), else a string; NOW is
the current unix time and NOW-3600 or NOW+60 an offset from it (an expiry in the past)."""
import json
import os
import re
import sys
import time
import urllib.request

path, pairs = sys.argv[1], sys.argv[2:]
now = int(time.time())
body = {}
for pair in pairs:
    key, _, val = pair.partition("=")
    m = re.fullmatch(r"NOW\s*([+-]\s*\d+)?", val)
    if m:
        body[key] = now + int((m.group(1) or "0").replace(" ", ""))
        continue
    try:
        body[key] = json.loads(val)
    except ValueError:
        body[key] = val
req = urllib.request.Request(os.environ["SERVER"] + path, data=json.dumps(body).encode(),
                             headers={"Content-Type": "application/json"})
with urllib.request.urlopen(req, timeout=10) as r:
    print(r.status, r.read().decode())
