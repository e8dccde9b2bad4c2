#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the movie-resume journey: a movie left part-way resumes where it stopped."""
import json
import os
import re
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
    sys.exit("movie_resume journey: " + msg)


def clock_ms(text):
    """'0:07' or '1:02:03' -> milliseconds."""
    parts = [int(p) for p in text.split(":")]
    secs = 0
    for p in parts:
        secs = secs * 60 + p
    return secs * 1000


movies = state("movies")
if movies["screen"] != "movies":
    fail("the third home tile should open Movies, got %r" % movies["screen"])
f = movies.get("focused") or {}
if f.get("id") != "posters" or not f.get("label"):
    fail("Movies should open on the poster grid with a titled movie focused, focus is %r" % f)
title = f["label"]

details = state("details")
if details["screen"] != "movie":
    fail("OK on a poster should open the movie's details, got %r" % details["screen"])
if (details.get("focused") or {}).get("label") != T("Play"):
    fail("a movie never watched should offer Play first, got %r" % details.get("focused"))

playing = state("playing")
p = playing.get("playing") or {}
if playing["screen"] != "player" or p.get("kind") != "vod" or p.get("name") != title:
    fail("Play should show %r on the player, got screen %r playing %r" % (title, playing["screen"], p))
if p.get("state") not in ("playing", "buffering"):
    fail("the movie should be playing after 8 s, state %r (error %r)" % (p.get("state"), p.get("error")))
if p.get("position_ms", 0) < 2000:
    fail("the movie should have played a few seconds, position %r ms" % p.get("position_ms"))
stopped_at = p["position_ms"]

left = state("left")
lf = left.get("focused") or {}
m = re.match(re.escape(T("Resume from")) + r" (\d+(:\d\d)+)$", lf.get("label", ""))
if left["screen"] != "movie" or not m:
    fail("back from the player, the details should offer 'Resume from ...' first, got %r on %r"
         % (lf, left["screen"]))
resume_ms = clock_ms(m.group(1))
if abs(resume_ms - stopped_at) > 5000:
    fail("the resume point %s is not where playback stopped (%d ms)" % (m.group(1), stopped_at))

resumed = state("resumed")
r = resumed.get("playing") or {}
if resumed["screen"] != "player" or r.get("name") != title:
    fail("Resume should play %r again, got %r" % (title, r))
if r.get("position_ms", 0) < resume_ms - 1500:
    fail("resuming should start near %d ms, the player is at %r ms" % (resume_ms, r.get("position_ms")))

cont = state("continue")
cf = cont.get("focused") or {}
if cont["screen"] != "continue":
    fail("the Continue watching tile should open its screen, got %r (home focus was %r)"
         % (cont["screen"], state("home_continue").get("focused")))
if not cf.get("label", "").startswith(title + " @ "):
    fail("Continue watching should list %r first with its position, got %r" % (title, cf))
print("movie_resume: %r stopped at %d ms, offered %s, resumed at %d ms" % (title, stopped_at, m.group(1),
                                                                        r.get("position_ms", 0)))
