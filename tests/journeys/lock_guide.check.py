#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks a locked channel's row in the guide: masked, PIN first, then it plays."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lock_common import LockChecks, fail_with, playing, state  # noqa: E402
from tr import T  # noqa: E402

out = sys.argv[1]
fail = fail_with("lock_guide")
if state(out, "pin_saved").get("toast") != T("PIN saved."):
    fail("Settings should save the PIN, toast %r" % state(out, "pin_saved").get("toast"))


checks = LockChecks(out, "lock_guide")
st, held, plays_locked, number = checks.st, checks.held, checks.plays_locked, checks.number

g = st("row").get("guide") or {}
if not g.get("channel_locked") or (g.get("programme") or {}).get("title", T("Locked")) != T("Locked"):
    fail("row 25 should be the locked channel 26 with its titles hidden, got %r" % g)
held("prompt", "guide")
pl = plays_locked("playing")
print("lock_guide: locked row %r asked for the PIN, played after it" % pl.get("id"))
