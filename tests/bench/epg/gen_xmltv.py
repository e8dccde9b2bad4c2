#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a synthetic XMLTV guide for the EPG benchmark and the big-input tests: N programmes spread
over C channels from a start time, programmes of 20-40 minutes back to back, an English title (an
Arabic one on every fifth channel), a description, a category and an episode number, the way panels
write them. Deterministic for a given seed. Usage:
  gen_xmltv.py OUT --programmes 1000000 --channels 3000 [--start UNIX] [--one-line]"""
import argparse
import random
import time

TITLES = ["Morning Report", "World Today", "Match of the Day", "Cartoon Time", "Planet Earth",
          "Top Hits", "Late Movie", "Weather Update", "Business Hour", "Tech Talk"]
TITLES_AR = ["نشرة الأخبار", "العالم اليوم", "مباراة اليوم", "وقت الكرتون", "كوكب الأرض",
             "أفضل الأغاني", "فيلم السهرة", "النشرة الجوية", "ساعة الأعمال", "حديث التقنية"]
GENRES = ["News", "Sports", "Kids", "Documentary", "Music", "Movie", "Weather", "Magazine"]


def stamp(t):
    return time.strftime("%Y%m%d%H%M%S +0000", time.gmtime(t))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--programmes", type=int, default=1000000)
    ap.add_argument("--channels", type=int, default=3000)
    ap.add_argument("--start", type=int, default=None, help="UNIX time of the first programmes")
    ap.add_argument("--one-line", action="store_true", help="no newlines at all (as XC2 writes it)")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    start = a.start if a.start is not None else (int(time.time()) // 86400 - 3) * 86400
    nl = "" if a.one_line else "\n"
    per = [a.programmes // a.channels + (1 if c < a.programmes % a.channels else 0)
           for c in range(a.channels)]
    stamps = {}

    def st(t):
        s = stamps.get(t)
        if s is None:
            s = stamps[t] = stamp(t)
        return s

    with open(a.out, "w", encoding="utf-8", buffering=1 << 20) as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>' + nl + '<tv generator-info-name="qanat-bench">' + nl)
        for c in range(a.channels):
            f.write('<channel id="ch%d.bench"><display-name>Channel %d</display-name>'
                    '<icon src="http://logo.example/%d.png"/></channel>%s' % (c, c, c, nl))
        for c in range(a.channels):
            t = start
            arabic = c % 5 == 0
            out = []
            for k in range(per[c]):
                dur = rng.choice((1200, 1800, 2400))
                i = rng.randrange(len(TITLES))
                ar = '<title lang="ar">%s</title>' % TITLES_AR[i] if arabic else ""
                out.append('<programme start="%s" stop="%s" channel="ch%d.bench"><title lang="en">%s</title>%s'
                           '<desc lang="en">%s on channel %d, part %d of the day.</desc>'
                           '<category lang="en">%s</category>'
                           '<episode-num system="xmltv_ns">%d.%d.0/1</episode-num></programme>%s'
                           % (st(t), st(t + dur), c, TITLES[i], ar, TITLES[i], c, k % 48 + 1,
                              GENRES[(c + i) % len(GENRES)], k // 48, k % 48, nl))
                t += dur
            f.write("".join(out))
        f.write("</tv>" + nl)


if __name__ == "__main__":
    main()
