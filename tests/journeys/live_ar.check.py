#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks Live TV in Arabic: RTL, favourites, the parental lock, a zap from the favourites list and
the guide."""
import json
import os
import sys

out = sys.argv[1]


def state(name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        sys.exit("no state %s.json: the script stopped early" % name)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fail(msg):
    sys.exit("live_ar journey: " + msg)


live = state("live")
if live["screen"] != "live" or not live.get("rtl") or live.get("lang") != "ar":
    fail("Live TV should open right to left in Arabic, got %r rtl=%r" % (live["screen"], live.get("rtl")))
if (live.get("live") or {}).get("category") != "كل القنوات":
    fail("the first category should be 'all channels' in Arabic, got %r" % live.get("live"))
fav = state("favourite")
if not fav.get("toast") or "المفضلة" not in fav["toast"]:
    fail("the yellow key should confirm the favourite in Arabic, toast %r" % fav.get("toast"))
favs = state("favourites")
lv = favs.get("live") or {}
if lv.get("category") != "المفضلة" or lv.get("channels") != 1:
    fail("Favourites should hold the one channel just added, got %r" % lv)
locked = state("locked").get("live") or {}
if not locked.get("category_locked") or locked.get("channels") != 0:
    fail("the adult category should be locked and show no channel before the PIN, got %r" % locked)
pin = state("pin")
if pin["screen"] != "pin" or (pin.get("focused") or {}).get("id") != "pin":
    fail("OK on a locked category should ask for the PIN on the keyboard, got %r" % pin["screen"])
if state("pin_closed")["screen"] != "live":
    fail("BACK should close the PIN prompt")
z = state("zap")
p = z.get("playing") or {}
if z["screen"] != "player" or p.get("id") != 1 or p.get("state") != "playing":
    fail("OK on the favourite should play channel 1, got %r" % p)
if not (z.get("player_ui") or {}).get("info_bar"):
    fail("a zap should show the info bar")
if state("back_to_live")["screen"] != "live":
    fail("BACK from the player should return to Live TV")
g = state("guide")
if g["screen"] != "guide" or not g.get("rtl") or (g.get("guide") or {}).get("channels", 0) < 10:
    fail("EPG should open the guide in Arabic with the channels, got %r" % g.get("guide"))
print("live_ar journey: favourites, lock, zap and guide in Arabic")
