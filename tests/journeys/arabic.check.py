#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the Arabic journey: the language switch at run time turns every screen Arabic and RTL."""
import json
import os
import re
import sys

out = sys.argv[1]
ARABIC = re.compile("[\u0600-\u06ff]")


def state(name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        sys.exit("no state %s.json: the script stopped early" % name)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fail(msg):
    sys.exit("arabic journey: " + msg)


en = state("settings_en")
if en["screen"] != "settings" or en["rtl"] or (en.get("focused") or {}).get("label") != "Language: English":
    fail("Settings should open in English on the language row, got %r rtl=%r" % (en.get("focused"), en["rtl"]))

ar = state("settings_ar")
if not ar["rtl"] or ar.get("lang") != "ar":
    fail("OK on the language row should switch to Arabic, right to left (rtl=%r lang=%r)" % (ar["rtl"], ar.get("lang")))
if ar["screen"] != "settings" or (ar.get("focused") or {}).get("label") != "اللغة: العربية":
    fail("after the switch Settings should show again, in Arabic, got %r on %r" % (ar.get("focused"), ar["screen"]))

for name, screen, want in (("home_ar", "home", "البث المباشر"), ("home_movies", "home", "الأفلام"),
                           ("home_account", "home", "الحساب")):
    s = state(name)
    f = s.get("focused") or {}
    if s["screen"] != screen or not s["rtl"] or f.get("label") != want:
        fail("%s: expected %r focused on an RTL %s, got %r on %r (rtl=%r)" % (name, want, screen, f, s["screen"], s["rtl"]))

mv = state("movies_ar")
if mv["screen"] != "movies" or not mv["rtl"] or (mv.get("focused") or {}).get("id") != "posters":
    fail("Movies should open mirrored on the posters, got %r" % mv)
md = state("movie_ar")
if md["screen"] != "movie" or (md.get("focused") or {}).get("label") != "تشغيل":
    fail("the movie's details should offer تشغيل (Play), got %r" % md.get("focused"))
acc = state("account_ar")
af = acc.get("focused") or {}
if acc["screen"] != "account" or not ARABIC.search(af.get("label", "")):
    fail("the account screen should be in Arabic, got %r" % af)
for png in ("settings_ar", "home_ar", "movies_ar", "movie_ar", "account_ar"):
    if not os.path.getsize(os.path.join(out, png + ".png")):
        fail("snapshot %s.png is empty" % png)
print("arabic: settings, home, movies, details and account in Arabic, right to left")
