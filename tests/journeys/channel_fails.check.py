#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks that a failing channel says why (HTTP 404) and that the next zap plays."""
import json
import os
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
    sys.exit("channel-fails journey: " + msg)


f = state("failed")
p = f.get("playing") or {}
ui = f.get("player_ui") or {}
if f["screen"] != "player" or p.get("id") != 3:
    fail("typing 3 should try channel 3 on the player screen, got %r on %r" % (p, f["screen"]))
if p.get("state") != "failed" or p.get("http_status") != 404:
    fail("channel 3 should have failed with HTTP 404, state %r http %r" % (p.get("state"), p.get("http_status")))
msg = ui.get("message", "")
if not msg.startswith(T("This channel is not available")) or "404" not in msg:
    fail("the screen should say the channel is not available (HTTP 404), shows %r" % msg)
if not ui.get("info_bar") or ui.get("number") != 3:
    fail("the info bar should stay up with the failed channel's number, got %r" % ui)
n = state("next")
q = n.get("playing") or {}
if q.get("id") != 4 or q.get("state") != "playing" or (n.get("player_ui") or {}).get("message"):
    fail("CH+ after the failure should play channel 4 with no message, got %r %r" % (q, n.get("player_ui")))
print("channel-fails journey: %s; then channel 4 played" % msg)
