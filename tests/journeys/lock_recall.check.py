#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks RECALL on home onto a channel locked again since: PIN first, then it plays."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lock_common import fail_with, playing, prompt_open, state  # noqa: E402

out = sys.argv[1]
fail = fail_with("lock_recall")
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


# the panel's adult category (tests/panel/qpanel/catalog.py): ids 26, 43, 60, ... every 17th from 26
LOCKED = set(range(26, 321, 17))

first = playing(st("first"))
if not first or first.get("id") not in LOCKED:
    fail("the unlocked category's channel should play first, got %r" % first)
second = playing(st("second"))
if not second or second.get("id") in LOCKED:
    fail("then an open channel should play, got %r" % second)
if st("relocked").get("toast") != "Locked again":
    fail("red should lock again, toast %r" % st("relocked").get("toast"))
if st("home")["screen"] != "home":
    fail("BACK should reach home, got %r" % st("home")["screen"])
held("prompt", "home")
pl = plays_locked("playing")
if pl.get("id") != first.get("id"):
    fail("RECALL should go back to %r, got %r" % (first.get("id"), pl))
print("lock_recall: RECALL onto the locked %r asked for the PIN, played after it" % pl.get("id"))
