#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks a locked channel found by search: masked, PIN first, then it plays."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lock_common import LockChecks, fail_with, playing, state  # noqa: E402
from tr import T  # noqa: E402

out = sys.argv[1]
fail = fail_with("lock_search")
if state(out, "pin_saved").get("toast") != T("PIN saved."):
    fail("Settings should save the PIN, toast %r" % state(out, "pin_saved").get("toast"))


checks = LockChecks(out, "lock_search")
st, held, plays_locked, number = checks.st, checks.held, checks.plays_locked, checks.number

f = st("results").get("focused") or {}
if f.get("label") != T("Channel") + ": " + T("Locked channel"):
    fail("the locked channel should be found without its name, got %r" % f)
held("prompt", "search")
pl = plays_locked("playing")
if pl.get("id") != 26:
    fail("the channel found should play, got %r" % pl)
print("lock_search: found masked, asked for the PIN, played after it")
