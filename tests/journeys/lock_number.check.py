#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks a number typed in Live TV for a locked channel: PIN first, then it plays."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lock_common import LockChecks, fail_with, playing, state  # noqa: E402
from tr import T  # noqa: E402

out = sys.argv[1]
fail = fail_with("lock_number")
if state(out, "pin_saved").get("toast") != T("PIN saved."):
    fail("Settings should save the PIN, toast %r" % state(out, "pin_saved").get("toast"))


checks = LockChecks(out, "lock_number")
st, held, plays_locked, number = checks.st, checks.held, checks.plays_locked, checks.number

d = st("digits")
if (d.get("live") or {}).get("number") != "26":
    fail("the digits should show in Live TV, got %r" % d.get("live"))
held("prompt", "live")
pl = plays_locked("playing")
if pl.get("id") != 26 or number("playing") != 26:
    fail("number 26 should play channel 26, got %r" % pl)
print("lock_number: 26 asked for the PIN, played after it")
