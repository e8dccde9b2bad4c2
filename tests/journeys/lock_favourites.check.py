#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks a locked favourite: masked in Favourites after the lock is back, PIN first, then it plays."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lock_common import LockChecks, fail_with, playing, state  # noqa: E402
from tr import T, pattern  # noqa: E402

out = sys.argv[1]
fail = fail_with("lock_favourites")
if state(out, "pin_saved").get("toast") != T("PIN saved."):
    fail("Settings should save the PIN, toast %r" % state(out, "pin_saved").get("toast"))


checks = LockChecks(out, "lock_favourites")
st, held, plays_locked, number = checks.st, checks.held, checks.plays_locked, checks.number

u = st("unlocked").get("live") or {}
if not u.get("unlocked") or u.get("category") != "Adult XXX" or not u.get("channels"):
    fail("the category should open with the PIN, got %r" % u)
if not re.fullmatch(pattern("%s: added to favourites"), st("added").get("toast") or ""):
    fail("yellow should add the channel to the favourites, toast %r" % st("added").get("toast"))
r = st("relocked")
if r.get("toast") != T("Locked again") or (r.get("live") or {}).get("unlocked"):
    fail("red should lock again, got toast %r %r" % (r.get("toast"), r.get("live")))
f = st("favourites")
if f["screen"] != "favourites" or (f.get("focused") or {}).get("label") != T("Channel") + ": " + T("Locked channel"):
    fail("Favourites should list the locked channel without its name, got %r %r" % (f["screen"], f.get("focused")))
held("prompt", "favourites")
plays_locked("playing")
print("lock_favourites: the favourite asked for the PIN once locked again, played after it")
