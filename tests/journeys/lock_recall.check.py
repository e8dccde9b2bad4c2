#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks RECALL on home onto a channel locked again since: PIN first, then it plays."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lock_common import LOCKED, LockChecks, fail_with, playing, state  # noqa: E402
from tr import T  # noqa: E402

out = sys.argv[1]
fail = fail_with("lock_recall")
if state(out, "pin_saved").get("toast") != T("PIN saved."):
    fail("Settings should save the PIN, toast %r" % state(out, "pin_saved").get("toast"))


checks = LockChecks(out, "lock_recall")
st, held, plays_locked, number = checks.st, checks.held, checks.plays_locked, checks.number

first = playing(st("first"))
if not first or first.get("id") not in LOCKED:
    fail("the unlocked category's channel should play first, got %r" % first)
second = playing(st("second"))
if not second or second.get("id") in LOCKED:
    fail("then an open channel should play, got %r" % second)
if st("relocked").get("toast") != T("Locked again"):
    fail("red should lock again, toast %r" % st("relocked").get("toast"))
if st("home")["screen"] != "home":
    fail("BACK should reach home, got %r" % st("home")["screen"])
held("prompt", "home")
pl = plays_locked("playing")
if pl.get("id") != first.get("id"):
    fail("RECALL should go back to %r, got %r" % (first.get("id"), pl))
print("lock_recall: RECALL onto the locked %r asked for the PIN, played after it" % pl.get("id"))
