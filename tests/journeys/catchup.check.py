#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the catch-up journey: the guide shows the programme on air, the one before it is marked
as catch-up, OK plays it from the panel's archive at the programme's start (the panel's own log
says which minute it served), and FF reopens the archive at a later start."""
import json
import os
import re
import sys

out = sys.argv[1]


def state(name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        sys.exit("no state %s.json: the script stopped early" % name)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fail(msg):
    sys.exit("catch-up journey: " + msg)


g = state("guide")
if g["screen"] != "guide":
    fail("EPG on home should open the guide, got %r" % g["screen"])
gi = g.get("guide") or {}
prog = gi.get("programme") or {}
now = g["wall_ms"] // 1000
if gi.get("channels", 0) < 10:
    fail("the guide should list the channels, has %r" % gi.get("channels"))
if not prog or not (prog["start"] <= now < prog["stop"]):
    fail("the guide should open on the programme on air (now %d), focus %r" % (now, prog))
if prog.get("stream_id") != 1:
    fail("the first row should be channel 1, got %r" % prog.get("stream_id"))

past = (state("guide_past").get("guide") or {}).get("programme") or {}
if not past or past["stop"] > now or past["stop"] != prog["start"]:
    fail("LEFT should focus the programme before the one on air, got %r" % past)
if not past.get("catchup"):
    fail("a past programme on channel 1 (3-day archive) should be marked for catch-up")
label = (state("guide_past").get("focused") or {}).get("label", "")
if "[catch-up]" not in label:
    fail("the focused programme's label should say catch-up: %r" % label)
d = state("details")
if d["screen"] != "dialog":
    fail("INFO should open the programme details, got screen %r" % d["screen"])

c = state("catchup")
p = c.get("playing") or {}
if c["screen"] != "player" or p.get("kind") != "catchup" or p.get("id") != 1:
    fail("OK on the past programme should play it as catch-up on channel 1, got %r on %r" % (p, c["screen"]))
if p.get("catchup_start") != past["start"]:
    fail("catch-up should start at the programme's start %d, got %r" % (past["start"], p.get("catchup_start")))
if p.get("state") != "playing" or p.get("error"):
    fail("the catch-up programme should be playing, state %r error %r" % (p.get("state"), p.get("error")))

# the panel logs every archive request with the minute it served (its own zone)
log = open(os.path.join(out, "panel.log"), encoding="utf-8", errors="replace").read()
starts = re.findall(r"/timeshift/\S+/\S+/(\d+)/(\d{4}-\d\d-\d\d:\d\d-\d\d)/1\.(?:ts|m3u8)", log)
if not starts:
    fail("the panel saw no timeshift request for channel 1:\n" + log[-2000:])
s = state("catchup_seek")
sp = s.get("playing") or {}
if sp.get("kind") != "catchup" or sp.get("state") not in ("playing", "buffering"):
    fail("after FF the programme should still play, got %r" % sp)
if sp.get("position_ms", 0) < 60000:
    fail("three FF presses should move 90 s into the programme, position %r" % sp.get("position_ms"))
if len(starts) < 2 or starts[-1][1] <= starts[0][1]:
    fail("FF should reopen the archive at a later start, requests: %r" % starts)
print("catch-up journey: %s from %s, then %s after FF" % (past.get("title"), starts[0][1], starts[-1][1]))
