#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks CH+/CH- skip a channel the parental lock hides."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lock_common import LOCKED, LockChecks, fail_with, playing, prompt_open, state  # noqa: E402
from tr import T  # noqa: E402

out = sys.argv[1]
fail = fail_with("lock_chup")
if state(out, "pin_saved").get("toast") != T("PIN saved."):
    fail("Settings should save the PIN, toast %r" % state(out, "pin_saved").get("toast"))


checks = LockChecks(out, "lock_chup")
st, held, plays_locked, number = checks.st, checks.held, checks.plays_locked, checks.number

a = playing(st("at25"))
if not a or number("at25") != 25:
    fail("number 25 should play, got %r" % a)
c = st("chup")
if prompt_open(c):
    fail("CH+ should never ask for a PIN: it skips locked channels")
p = playing(c)
if not p or p.get("id") in LOCKED or number("chup") != 27:
    fail("CH+ from 25 should skip the locked 26 and play 27, got %r" % p)
d = playing(st("chdown"))
if not d or number("chdown") != 25:
    fail("CH- from 27 should skip 26 back to 25, got %r" % d)
print("lock_chup: 25 -> CH+ -> 27 -> CH- -> 25, the locked 26 skipped")
