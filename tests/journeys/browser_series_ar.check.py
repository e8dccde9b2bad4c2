#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the series browser in Arabic: grid, episodes page and favourite toggle, right to left."""
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
    sys.exit("browser_series_ar journey: " + msg)


def focus(name):
    return state(name).get("focused") or {}


home = state("home_series")
if home["screen"] != "home" or not home["rtl"] or focus("home_series").get("label") != "المسلسلات":
    fail("below Live TV the Series tile should be focused on an RTL home, got %r" % focus("home_series"))

grid = state("series_ar")
if grid["screen"] != "series" or not grid["rtl"] or focus("series_ar").get("id") != "covers":
    fail("Series should open mirrored on the covers, got %r on %r" % (focus("series_ar"), grid["screen"]))
show = focus("series_ar").get("label")
if not show:
    fail("a titled series should be focused on the grid, got %r" % focus("series_ar"))

eps = state("episodes_ar")
ef = focus("episodes_ar")
if eps["screen"] != "episodes" or ef.get("id") != "episodes" or not ef.get("label", "").startswith("ح1 "):
    fail("OK on %r should list its episodes with ح1 focused, got %r on %r" % (show, ef, eps["screen"]))

fav = focus("favourite")
if fav.get("id") != "favourite" or fav.get("label") != "إضافة إلى المفضلة":
    fail("above the episodes the favourite button should offer إضافة إلى المفضلة, got %r" % fav)
added = state("added")
if added.get("toast") != "أضيف إلى المفضلة" or focus("added").get("label") != "إزالة من المفضلة":
    fail("OK should add the series (toast and button), got toast %r and %r" % (added.get("toast"), focus("added")))

back = state("back")
if back["screen"] != "series" or focus("back").get("label") != show:
    fail("BACK should return to the grid on %r, got %r on %r" % (show, focus("back"), back["screen"]))
for png in ("series_ar", "episodes_ar", "added"):
    if not os.path.getsize(os.path.join(out, png + ".png")):
        fail("snapshot %s.png is empty" % png)
print("browser_series_ar: %r in Arabic, right to left; favourite added from its episodes page" % show)
