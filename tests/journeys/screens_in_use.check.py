#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the screens question: asked with the panel's true figures, Cancel plays nothing (the other
device keeps its stream), Watch here plays and the panel kicks exactly the other device."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lock_common import beacon_records, fail_with  # noqa: E402
from lock_common import state as lock_state  # noqa: E402
from tr import T, match_plural  # noqa: E402

out = sys.argv[1]
fail = fail_with("screens_in_use")


def state(name):
    return lock_state(out, name)


c = state("cancelled")
if c["screen"] == "dialog" or (c.get("playing") or {}).get("state") not in ("idle", None):
    fail("Cancel should close the question and play nothing, got %r playing %r" % (c["screen"], c.get("playing")))

w = state("watching")
p = w.get("playing") or {}
if w["screen"] != "player" or p.get("id") != 1 or p.get("state") != "playing":
    fail("Watch here should play channel 1, got %r on %r" % (p, w["screen"]))

log = open(os.path.join(out, "panel.log"), encoding="utf-8", errors="replace").read()
kicks = re.findall(r"max connections: user single kicked connection \d+ \((\w+)", log)
if kicks != ["device"]:
    fail("the panel should have closed the other device's stream once, it closed %r" % kicks)
lives = re.findall(r'"GET /live/\*/\*/1\.(?:ts|m3u8)', log)
if len(lives) != 1:
    fail("the box should have opened channel 1 once (after Watch here), it did %d times" % len(lives))
print("screens_in_use journey: asked with true figures, Cancel kept the other device, Watch here played")
