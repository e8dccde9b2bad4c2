#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks Continue watching under the lock: a movie of a locked category left part-way while
unlocked is listed without its name once locked again; OK asks for the PIN and plays nothing; with
the PIN it plays, resumed near where it stopped."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lock_common import fail_with, playing, prompt_open, state  # noqa: E402
from tr import T  # noqa: E402

out = sys.argv[1]
fail = fail_with("lock_continue")
# the panel's "Adult XXX" movies (tests/panel/qpanel/catalog.py): index 4, id 1005
MOVIE_ID, MOVIE = 1005, "Golden River 4"


def st(name):
    return state(out, name)


def vod(s):
    p = playing(s)
    return p if p and p.get("kind") == "vod" else None


if st("pin_saved").get("toast") != T("PIN saved."):
    fail("Settings should save the PIN, toast %r" % st("pin_saved").get("toast"))
res = st("results")
label = (res.get("focused") or {}).get("label", "")
if MOVIE not in label:
    fail("unlocked, search should list the locked movie %r by name first, got %r (was %r unlocked?)"
         % (MOVIE, label, st("unlocked").get("toast")))
w = st("watching")
wp = vod(w)
if w["screen"] != "player" or not wp or wp.get("name") != MOVIE or wp.get("position_ms", 0) < 2000:
    fail("the locked movie should play while unlocked, got %r on %r" % (wp, w["screen"]))
stopped_at = wp["position_ms"]
if not (st("left").get("focused") or {}).get("label", "").startswith(T("Resume from")):
    fail("stopping part-way should leave a resume point, details focus %r" % st("left").get("focused"))
if st("relocked").get("toast") != T("Locked again"):
    fail("red in Live TV should lock again, toast %r (screen %r, home focus was %r)"
         % (st("relocked").get("toast"), st("relocked")["screen"], st("home_back").get("focused")))

c = st("continue")
cf = c.get("focused") or {}
if c["screen"] != "continue":
    fail("the Continue watching tile should open its screen, got %r" % c["screen"])
if not cf.get("label", "").startswith(T("Locked") + " @ ") or MOVIE in cf.get("label", ""):
    fail("Continue watching should list the locked movie first without its name, got %r" % cf)
if vod(c):
    fail("nothing should play on Continue watching yet, got %r" % vod(c))

p = st("prompt")
if not prompt_open(p):
    fail("OK on the locked entry should ask for the PIN, got %r focused %r" % (p["screen"], p.get("focused")))
if vod(p):
    fail("the locked movie plays without the PIN: %r" % vod(p))
r = st("refused")
if r["screen"] != "continue" or vod(r):
    fail("BACK should close the prompt on Continue watching and play nothing, got %r playing %r"
         % (r["screen"], vod(r)))

pl = st("playing")
pp = vod(pl)
if pl["screen"] != "player" or not pp or pp.get("name") != MOVIE:
    fail("with the right PIN the locked movie should play, got %r on %r" % (pp, pl["screen"]))
if pp.get("position_ms", 0) < stopped_at - 3000:
    fail("it should resume near %d ms, the player is at %r ms" % (stopped_at, pp.get("position_ms")))
print("lock_continue: %r stopped at %d ms, listed locked, asked for the PIN, resumed at %d ms"
      % (MOVIE, stopped_at, pp.get("position_ms", 0)))
