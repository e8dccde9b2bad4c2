#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the next-episode journey: at the end of an episode the next one is offered and plays."""
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
    sys.exit("next_episode journey: " + msg)


series = state("series")
if series["screen"] != "series" or (series.get("focused") or {}).get("id") != "covers":
    fail("the Series tile should open the cover grid, got %r focus %r" % (series["screen"], series.get("focused")))
show = series["focused"]["label"]

eps = state("episodes")
ef = eps.get("focused") or {}
if eps["screen"] != "episodes" or ef.get("id") != "episodes" or not ef.get("label", "").startswith(T("E") + "1 "):
    fail("OK on %r should list its episodes with E1 focused, got %r on %r" % (show, ef, eps["screen"]))

playing = state("playing")
p = playing.get("playing") or {}
if playing["screen"] != "player" or p.get("kind") != "episode" or not p.get("episode_id"):
    fail("OK on E1 should play the episode, got %r on %r" % (p, playing["screen"]))
if p.get("state") not in ("playing", "buffering"):
    fail("E1 should be playing, state %r (error %r)" % (p.get("state"), p.get("error")))
first = p["episode_id"]

offer = state("offer")
of = offer.get("focused") or {}
if of.get("label") != T("Play next"):
    fail("at the end of E1 the next episode should be offered, focus %r on %r (playing %r)"
         % (of, offer["screen"], offer.get("playing")))

nxt = state("next")
n = nxt.get("playing") or {}
if nxt["screen"] != "player" or n.get("kind") != "episode":
    fail("accepting should play the next episode, got %r on %r" % (n, nxt["screen"]))
if n.get("episode_id") == first or int(n.get("episode_id", "0")) != int(first) + 1:
    fail("the next episode after %s should be %d, got %r" % (first, int(first) + 1, n.get("episode_id")))
if n.get("state") not in ("playing", "buffering", "opening"):
    fail("the next episode should be starting, state %r (error %r)" % (n.get("state"), n.get("error")))
print("next_episode: %s ended, %s offered and playing (%s)" % (first, n["episode_id"], n.get("name")))
