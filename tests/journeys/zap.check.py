#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the zap journey: each zap lands on the channel a viewer asked for and plays."""
import json
import os
import sys

out = sys.argv[1]


def state(name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        sys.exit("no state %s.json: the script stopped early" % name)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fail(msg):
    sys.exit("zap journey: " + msg)


home = state("home")
if not home.get("logged_in"):
    fail("not logged in after the login (screen %r)" % home.get("screen"))
live = state("live")
if live["screen"] != "live":
    fail("OK on the first home tile should open Live TV, got %r" % live["screen"])
focused = live.get("focused") or {}
if focused.get("id") != "channels" or not str(focused.get("label", "")).startswith("1 "):
    fail("Live TV should open on the channel list at channel 1, focus is %r" % focused)

# (state, channel id, how it was reached)
expected = [("zap1", 1, "OK"), ("zap2", 2, "CH+"), ("zap3", 5, "typing 5"), ("zap4", 10, "typing 10 + OK"),
            ("zap5", 9, "CH-"), ("recall", 10, "RECALL")]
for name, cid, how in expected:
    s = state(name)
    p = s.get("playing") or {}
    if s["screen"] != "player":
        fail("%s: after %s the player screen should show, got %r" % (name, how, s["screen"]))
    if p.get("id") != cid or p.get("kind") != "live":
        fail("%s: %s should play live channel %d, plays %r" % (name, how, cid, p))
    if p.get("state") not in ("playing", "buffering"):
        fail("%s: channel %d should be playing, state %r (error %r)" % (name, cid, p.get("state"), p.get("error")))
    if p.get("error"):
        fail("%s: unexpected error %r" % (name, p["error"]))

digits = state("digits")
if "5" not in json.dumps(digits.get("focused", {})) and not os.path.exists(os.path.join(out, "digits.png")):
    fail("the typed number should be on screen")
if state("recall").get("last_channel") != 9:
    fail("after RECALL the last channel should be 9, got %r" % state("recall").get("last_channel"))
mini = state("miniguide")
f = mini.get("focused") or {}
if f.get("id") != "miniguide" or not str(f.get("label", "")).startswith("11 "):
    fail("DOWN on channel 10 should open the mini guide on channel 11, focus is %r" % f)
print("zap journey: channels 1, 2, 5, 10, 9 and recall to 10 all played")
