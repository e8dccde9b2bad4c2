#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks catch-up of a locked channel: a past programme of the locked archive channel 26 asks for the
PIN and plays nothing; with the PIN it plays as
catch-up from the programme's start."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lock_common import fail_with, playing, prompt_open, state  # noqa: E402
from tr import T  # noqa: E402

out = sys.argv[1]
fail = fail_with("lock_catchup")
LOCKED_ID = 26  # the first channel of the panel's "Adult XXX" (tests/panel/qpanel/catalog.py)


def st(name):
    return state(out, name)


if st("pin_saved").get("toast") != T("PIN saved."):
    fail("Settings should save the PIN, toast %r" % st("pin_saved").get("toast"))

past_state = st("past")
g = past_state.get("guide") or {}
prog = g.get("programme") or {}
now = past_state["wall_ms"] // 1000
if not g.get("channel_locked") or prog.get("stream_id") != LOCKED_ID:
    fail("row 25 should be the locked channel %d, got %r" % (LOCKED_ID, g))
if not prog or prog["stop"] > now:
    fail("LEFT should focus a past programme of channel %d, got %r (now %d)" % (LOCKED_ID, prog, now))
if not prog.get("catchup"):
    fail("the past programme of the locked archive channel should offer catch-up, got %r" % prog)
if prog.get("title") != T("Locked"):
    fail("the locked channel's programme title should be hidden, got %r" % prog.get("title"))

for name in ("prompt", "prompt_again"):
    p = st(name)
    if not prompt_open(p):
        fail("%s: OK on the locked catch-up should ask for the PIN, got %r focused %r"
             % (name, p["screen"], p.get("focused")))
    if playing(p):
        fail("%s: nothing should play before the PIN, got %r" % (name, playing(p)))
r = st("refused")
if r["screen"] != "guide" or playing(r):
    fail("BACK should close the prompt on the guide and play nothing, got %r playing %r"
         % (r["screen"], playing(r)))

# the panel logs each archive request it served
log = open(os.path.join(out, "panel.log"), encoding="utf-8", errors="replace").read()
shifts = re.findall(r"/timeshift/\S+/\S+/\d+/\S+/%d\.(?:ts|m3u8)" % LOCKED_ID, log)
if not shifts:
    fail("with the PIN the panel should have served channel %d's archive:\n%s" % (LOCKED_ID, log[-2000:]))

c = st("playing")
pl = c.get("playing") or {}
if c["screen"] != "player" or pl.get("kind") != "catchup" or pl.get("id") != LOCKED_ID:
    fail("with the right PIN the programme should play as catch-up on %d, got %r on %r"
         % (LOCKED_ID, pl, c["screen"]))
if pl.get("catchup_start") != prog["start"]:
    fail("catch-up should start at the programme's start %d, got %r" % (prog["start"], pl.get("catchup_start")))
if pl.get("state") not in ("playing", "buffering") or pl.get("error"):
    fail("the locked catch-up should play after the PIN, state %r error %r" % (pl.get("state"), pl.get("error")))
print("lock_catchup: channel %d's past programme asked for the PIN, then played from %d"
      % (LOCKED_ID, prog["start"]))
