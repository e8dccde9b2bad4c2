#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks standby: power stops playback and blanks the screen, a key brings the channel back; the
operator's QoE sink got e=b with bg then without, and the box events app_start and login."""
import json
import os
import re
import sys

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
    sys.exit("standby journey: " + msg)


w = state("watching")
if (w.get("playing") or {}).get("state") != "playing":
    fail("channel 1 should play first, got %r" % w.get("playing"))
s = state("standby")
if not s.get("standby") or s["screen"] != "standby":
    fail("power should put the box in standby, screen %r standby %r" % (s["screen"], s.get("standby")))
if (s.get("playing") or {}).get("state") not in ("idle", None):
    fail("nothing may play in standby, got %r" % s.get("playing"))
if s.get("texts"):
    fail("the standby screen should be blank, shows %r" % [t["text"] for t in s["texts"]])
b = state("back")
p = b.get("playing") or {}
if b.get("standby") or p.get("id") != 1 or p.get("state") != "playing":
    fail("a key should bring channel 1 back, got standby %r playing %r" % (b.get("standby"), p))

beacons = json.load(open(os.path.join(out, "panel_records.json"))).get("beacons") or []
records = [cmcd(r) if isinstance(r, str) else r for x in beacons for r in x.get("records", [])]
events = [(r.get("e"), r.get("bg"), r.get("cen")) for r in records]
b_events = [bg for e, bg, _ in events if e == "b"]
if b_events[:2] != [True, None]:
    fail("the sink should have e=b with bg, then e=b without, got %r" % events)
cens = [c for e, _, c in events if e == "ce"]
if "app_start" not in cens or "login" not in cens:
    fail("the box events app_start and login should reach the sink, got %r" % cens)
print("standby journey: standby and back, e=b both ways, app_start and login box events")
