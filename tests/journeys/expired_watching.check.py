#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the line expiring while watching: the box stopped (no clip played as the channel), says
the subscription is no longer active, and the operator's QoE got biz.xtream.expired."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lock_common import beacon_records, fail_with  # noqa: E402
from lock_common import state as lock_state  # noqa: E402
from tr import T  # noqa: E402

out = sys.argv[1]
fail = fail_with("expired_watching")


def state(name):
    return lock_state(out, name)


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

blob = json.dumps(beacon_records(out))
if "biz.xtream.expired" not in blob:
    fail("the operator's QoE should have an ec biz.xtream.expired, got %s" % blob[-2000:])
print("expired_watching journey: the box stopped, said the line ended, and told the operator")
