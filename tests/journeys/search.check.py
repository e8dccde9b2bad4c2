#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the search journey: results follow the typing, across channels, programmes and movies."""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tr import T  # noqa: E402

out = sys.argv[1]


def state(name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        sys.exit("no state %s.json: the script stopped early" % name)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fail(msg):
    sys.exit("search journey: " + msg)


s = state("search")
if s["screen"] != "search" or (s.get("focused") or {}).get("id") != "keyboard":
    fail("the Search tile should open the keyboard, got %r" % s.get("focused"))

typed = state("typed")
if (typed.get("focused") or {}).get("text") != "news":
    fail("the keyboard should hold 'news', got %r" % typed.get("focused"))

res = state("results")
rf = res.get("focused") or {}
if rf.get("id") != "results" or not rf.get("label", "").startswith(T("Channel") + ": "):
    fail("Done should move to the results, channels first, got %r" % rf)
if "news" not in rf["label"].lower():
    fail("the first channel found for 'news' should have news in its name, got %r" % rf["label"])
channel = rf["label"][len(T("Channel") + ": "):]

prog = state("programme")
pf = prog.get("focused") or {}
if not pf.get("label", "").startswith(T("Programme") + ": ") or "news" not in pf["label"].lower():
    fail("below the ten channels the guide's programmes for 'news' should follow, got %r" % pf)

play = state("playing")
p = play.get("playing") or {}
if play["screen"] != "player" or p.get("kind") != "live" or p.get("name") != channel:
    fail("OK on %r should play it, got %r on %r" % (channel, p, play["screen"]))

back = state("back")
if back["screen"] != "search" or (back.get("focused") or {}).get("id") != "results":
    fail("back from the player should return to the results, got %r %r" % (back["screen"], back.get("focused")))

ar = state("arabic")
af = ar.get("focused") or {}
if af.get("id") != "results" or not af.get("label", "").startswith(T("Movie") + ": ") or "فيلم" not in af["label"]:
    fail("searching 'فيلم 8' should find the Arabic movie, got %r (typed %r)"
         % (af, state("arabic_typed").get("focused")))
opened = state("opened")
if opened["screen"] != "movie":
    fail("OK on an Arabic movie should open its details, got %r" % opened["screen"])
print("search: 'news' -> %r played, %r listed; 'فيلم 8' -> %r" % (channel, pf["label"], af["label"]))
