#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the max-connections kick: the box says another device uses the subscription and does not
take the connection back (the panel kicked exactly one connection: the box's)."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tr import T  # noqa: E402

out = sys.argv[1]


def state(name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        sys.exit("no state %s.json: the script stopped early" % name)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fail(msg):
    sys.exit("kick journey: " + msg)


s = state("kick_playing")
p = s.get("playing") or {}
if s["screen"] != "player" or p.get("id") != 1 or p.get("state") != "playing":
    fail("channel 1 should play before the other device starts, got %r on %r" % (p, s["screen"]))
runner = json.load(open(os.path.join(out, "runner.json")))
holds = [a for a in runner["actions"] if a["action"][0] == "hold-stream"]
if not holds or holds[0].get("http_status") != 200 or holds[0].get("bytes", 0) < 100000:
    fail("the runner's second connection did not get the stream: %r" % holds)

for name in ("kicked", "kicked_later"):
    k = state(name)
    ui = k.get("player_ui") or {}
    msg = ui.get("message", "")
    if k["screen"] != "player" or not ui.get("kicked") or T("Another device is using your subscription") not in msg:
        fail("%s: the box should say another device uses the subscription, shows %r (player_ui %r)" % (name, msg, ui))
    if (k.get("playing") or {}).get("state") not in ("idle", None):
        fail("%s: the box should have stopped playing, state %r" % (name, k["playing"].get("state")))

log = open(os.path.join(out, "panel.log"), encoding="utf-8", errors="replace").read()
kicks = re.findall(r"max connections: user single kicked connection", log)
lives = re.findall(r'"GET /live/\*/\*/1\.(?:ts|m3u8)', log)
if len(kicks) != 1:
    fail("the panel should have kicked one connection (the box's), it kicked %d: the box fought back\n%s"
         % (len(kicks), log[-3000:]))
if len(lives) != 2:
    fail("expected two stream requests (the box, then the other device), the panel saw %d" % len(lives))
print("kick journey: the box stopped and said why; the other device kept its connection")
