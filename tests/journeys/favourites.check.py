#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the favourites journey: favourites added from details and from search are listed and used."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tr import T  # noqa: E402

out = sys.argv[1]
CHANNEL, MOVIE = T("Channel") + ": ", T("Movie") + ": "


def state(name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        sys.exit("no state %s.json: the script stopped early" % name)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fail(msg):
    sys.exit("favourites journey: " + msg)


def focus(name):
    return state(name).get("focused") or {}


if focus("details").get("label") != T("Add to favourites"):
    fail("a movie's details should offer 'Add to favourites', got %r" % focus("details"))
added = state("added")
if added.get("toast") != T("Added to favourites") or focus("added").get("label") != T("Remove from favourites"):
    fail("OK should add it (toast and button), got toast %r and %r" % (added.get("toast"), focus("added")))

sf = focus("search")
if not sf.get("label", "").startswith(CHANNEL):
    fail("searching 'qanat news' should put a channel first, got %r" % sf)
channel = sf["label"][len(CHANNEL):]
if state("channel_added").get("toast") != T("Added to favourites"):
    fail("yellow on a channel result should add it to the favourites, toast %r" % state("channel_added").get("toast"))

fav = state("favourites")
if fav["screen"] != "favourites":
    fail("the Favourites tile should open Favourites, got %r" % fav["screen"])
if focus("favourites").get("label") != CHANNEL + channel:
    fail("Favourites should list the channel %r first, got %r" % (channel, focus("favourites")))
play = state("channel_playing")
p = play.get("playing") or {}
if play["screen"] != "player" or p.get("kind") != "live" or p.get("name") != channel:
    fail("OK on the favourite channel should play it, got %r on %r" % (p, play["screen"]))

mr = focus("movie_row")
if not mr.get("label", "").startswith(MOVIE):
    fail("the favourite movie should follow the channel, got %r" % mr)
movie = mr["label"][len(MOVIE):]
if state("movie_details")["screen"] != "movie":
    fail("OK on the favourite movie should open its details, got %r" % state("movie_details")["screen"])
mp = state("movie_playing")
m = mp.get("playing") or {}
if mp["screen"] != "player" or m.get("kind") != "vod" or m.get("name") != movie:
    fail("Play from the favourite should play %r, got %r" % (movie, m))

again = state("favourites_again")
if again["screen"] != "favourites" or focus("favourites_again").get("label") != MOVIE + movie:
    fail("back twice should return to Favourites on the movie, got %r %r" % (again["screen"], focus("favourites_again")))
removed = state("removed")
if removed.get("toast") != T("Removed from favourites"):
    fail("yellow should remove the movie from the favourites, toast %r" % removed.get("toast"))
if focus("removed").get("label") != CHANNEL + channel:
    fail("after removing the movie only the channel should be left, focus %r" % focus("removed"))
print("favourites: channel %r and movie %r added, used, movie removed" % (channel, movie))
