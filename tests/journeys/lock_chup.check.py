#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks CH+/CH- skip a channel the parental lock hides."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lock_common import fail_with, playing, prompt_open, state  # noqa: E402

out = sys.argv[1]
fail = fail_with("lock_chup")
if state(out, "pin_saved").get("toast") != "PIN saved.":
    fail("Settings should save the PIN, toast %r" % state(out, "pin_saved").get("toast"))


def st(name):
    return state(out, name)


def held(name, screen):
    """The PIN prompt came up and nothing (locked) plays; after BACK the screen is back."""
    p = st(name)
    if not prompt_open(p):
        fail("%s: the PIN prompt should be on screen, got %r focused %r" % (name, p["screen"], p.get("focused")))
    if playing(p) and playing(p).get("id") in LOCKED:
        fail("%s: the locked channel plays without the PIN: %r" % (name, playing(p)))
    r = st("refused")
    if r["screen"] != screen or (playing(r) and playing(r).get("id") in LOCKED):
        fail("BACK should close the prompt on %s and play nothing locked, got %r playing %r"
             % (screen, r["screen"], playing(r)))


def plays_locked(name):
    p = st(name)
    pl = playing(p)
    if p["screen"] != "player" or not pl or pl.get("id") not in LOCKED:
        fail("%s: with the right PIN the locked channel should play, got %r on %r" % (name, pl, p["screen"]))
    return pl


def number(name):
    """The channel number the player screen shows."""
    return (st(name).get("player_ui") or {}).get("number")


# the panel's adult category (tests/panel/qpanel/catalog.py): ids 26, 43, 60, ... every 17th from 26
LOCKED = set(range(26, 321, 17))

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
