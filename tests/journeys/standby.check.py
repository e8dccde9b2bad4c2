#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks standby: power stops playback and blanks the screen, a key brings the channel back; the
operator's QoE sink got e=b with bg then without, and the box events app_start and login."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lock_common import beacon_records, fail_with  # noqa: E402
from lock_common import state as lock_state  # noqa: E402

out = sys.argv[1]
fail = fail_with("standby")


def state(name):
    return lock_state(out, name)


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

records = beacon_records(out)
events = [(r.get("e"), r.get("bg"), r.get("cen")) for r in records]
b_events = [bg for e, bg, _ in events if e == "b"]
if b_events[:2] != [True, None]:
    fail("the sink should have e=b with bg, then e=b without, got %r" % events)
cens = [c for e, _, c in events if e == "ce"]
if "app_start" not in cens or "login" not in cens:
    fail("the box events app_start and login should reach the sink, got %r" % cens)
print("standby journey: standby and back, e=b both ways, app_start and login box events")
