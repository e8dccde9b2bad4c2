#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the lock on the channel list: a locked category shows nothing and plays nothing without the
PIN, a wrong PIN is refused, the right one opens it and its channel plays."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lock_common import fail_with, playing, prompt_open, state  # noqa: E402
from tr import T  # noqa: E402

out = sys.argv[1]
fail = fail_with("lock_list")

if state(out, "pin_saved").get("toast") != T("PIN saved."):
    fail("Settings should save the PIN 1234, toast %r (row %r)"
         % (state(out, "pin_saved").get("toast"), (state(out, "settings_pin").get("focused") or {}).get("label")))
locked = state(out, "locked").get("live") or {}
if locked.get("category") != "Adult XXX" or not locked.get("category_locked") or locked.get("channels") != 0:
    fail("the adult category should be locked and show no channel, got %r" % locked)
p = state(out, "prompt")
if not prompt_open(p) or playing(p):
    fail("OK on the locked category should ask for the PIN and play nothing, got %r playing %r"
         % (p["screen"], playing(p)))
w = state(out, "wrong")
if not prompt_open(w) or w.get("pin_message") not in (None, T("Wrong PIN")) or playing(w):
    fail("a wrong PIN should keep the prompt and play nothing, got %r %r" % (w["screen"], playing(w)))
u = state(out, "unlocked")
lv = u.get("live") or {}
if u["screen"] != "live" or lv.get("category") != "Adult XXX" or not lv.get("channels") or not lv.get("unlocked"):
    fail("the right PIN should show the category's channels, got %r %r" % (u["screen"], lv))
pl = state(out, "playing")
p = playing(pl)
if pl["screen"] != "player" or not p or "XXX" not in p.get("name", "") or p.get("state") not in ("playing", "opening", "buffering"):
    fail("OK on a channel of the unlocked category should play it, got %r on %r" % (p, pl["screen"]))
print("lock_list: locked category refused without the PIN, wrong PIN refused, %r plays after it" % p["name"])
