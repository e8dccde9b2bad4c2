#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the line expiring while watching: the box stopped (no clip played as the channel), says
the subscription is no longer active, and the operator's QoE got biz.xtream.expired."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tr import T  # noqa: E402

out = sys.argv[1]


def cmcd(line):
    """A CMCD v2 record line as a dict (a bare key is True)."""
    rx = r'([A-Za-z0-9.\-]+)(?:=("(?:[^"\\]|\\.)*"|\([^)]*\)|[^,]*))?(?:,|$)'
    out = {}
    for k, v in re.findall(rx, line):
        out[k] = True if v == "" else v.strip('"')
    return out


def state(name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        sys.exit("no state %s.json: the script stopped early" % name)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fail(msg):
    sys.exit("expired_watching journey: " + msg)


s = state("watching")
p = s.get("playing") or {}
if p.get("id") != 1 or p.get("state") != "playing":
    fail("channel 1 should play before the line expires, got %r on %r" % (p, s["screen"]))
runner = json.load(open(os.path.join(out, "runner.json")))
posts = [a for a in runner["actions"] if a["action"][0] == "sh"]
if not posts or posts[0].get("status") != 0:
    fail("the runner could not expire the line: %r" % posts)

e = state("ended")
ui = e.get("player_ui") or {}
if (e.get("playing") or {}).get("state") not in ("idle", None):
    fail("the box should have stopped the channel, it is %r" % (e.get("playing") or {}).get("state"))
if not ui.get("account_ended"):
    fail("the player should know the line ended (player_ui %r, screen %r)" % (ui, e["screen"]))
texts = " | ".join(t["text"] for t in e.get("texts", []))
if T("Your subscription is no longer active.") not in texts and e["screen"] == "player":
    fail("the viewer should read that the subscription is no longer active, sees %r" % texts)

beacons = json.load(open(os.path.join(out, "panel_records.json"))).get("beacons") or []
lines = [r for b in beacons for r in b.get("records", [])]
blob = json.dumps(lines)
if "biz.xtream.expired" not in blob:
    fail("the operator's QoE should have an ec biz.xtream.expired, got %s" % blob[-2000:])
print("expired_watching journey: the box stopped, said the line ended, and told the operator")
