#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the zap journey: each zap lands on the channel a viewer asked for and plays, and the number a
viewer types is on screen (digits.png: the number box drawn, with the digit in it) before it selects
its channel, then gone once it has."""
import json
import os
import struct
import sys
import zlib

out = sys.argv[1]


def state(name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        sys.exit("no state %s.json: the script stopped early" % name)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fail(msg):
    sys.exit("zap journey: " + msg)


def png_rows(path, last_row):
    """(width, height, rows 0..last_row) of an 8-bit RGBA PNG as the snapshots are written."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("%s is not a PNG" % os.path.basename(path))
    pos, idat, w, h = 8, b"", 0, 0
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or color != 6 or interlace:
                fail("%s: not the 8-bit RGBA the snapshots use" % os.path.basename(path))
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw, stride = zlib.decompress(idat), w * 4
    rows, prev = [], bytearray(stride)
    for y in range(min(h, last_row + 1)):
        at = y * (stride + 1)
        ft, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        for i in range(stride):
            a = line[i - 4] if i >= 4 else 0
            b = prev[i]
            c = prev[i - 4] if i >= 4 else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, rows


# The player's number box (app_screen_player.c: number_box at 1580,60 280x140 of the 1920x1080 design)
NUMBER_BOX = (1580, 60, 280, 140)


def number_box(name):
    """(dark, bright) fractions of the number box's pixels in NAME.png: the box is a dark panel, the
    typed digits are drawn in white on it. A right-to-left screen has it mirrored, at the left."""
    path = os.path.join(out, name + ".png")
    if not os.path.exists(path):
        fail("no snapshot %s.png" % name)
    with open(path, "rb") as f:
        head = f.read(24)
    w, h = struct.unpack(">II", head[16:24])
    left = NUMBER_BOX[0] if not state(name).get("rtl") else 1920 - NUMBER_BOX[0] - NUMBER_BOX[2]
    x0, y0 = left * w // 1920, NUMBER_BOX[1] * h // 1080
    x1, y1 = (left + NUMBER_BOX[2]) * w // 1920, (NUMBER_BOX[1] + NUMBER_BOX[3]) * h // 1080
    _, _, rows = png_rows(path, y1)
    dark = bright = 0
    for y in range(y0, y1):
        r = rows[y]
        for x in range(x0, x1):
            px = r[4 * x:4 * x + 3]
            dark += max(px) < 60
            bright += min(px) > 200
    total = (x1 - x0) * (y1 - y0)
    return dark / total, bright / total


home = state("home")
if not home.get("logged_in"):
    fail("not logged in after the login (screen %r)" % home.get("screen"))
live = state("live")
if live["screen"] != "live":
    fail("OK on the first home tile should open Live TV, got %r" % live["screen"])
focused = live.get("focused") or {}
if focused.get("id") != "channels" or not str(focused.get("label", "")).startswith("1 "):
    fail("Live TV should open on the channel list at channel 1, focus is %r" % focused)

# (state, channel id, how it was reached)
expected = [("zap1", 1, "OK"), ("zap2", 2, "CH+"), ("zap3", 5, "typing 5"), ("zap4", 10, "typing 10 + OK"),
            ("zap5", 9, "CH-"), ("recall", 10, "RECALL")]
for name, cid, how in expected:
    s = state(name)
    p = s.get("playing") or {}
    if s["screen"] != "player":
        fail("%s: after %s the player screen should show, got %r" % (name, how, s["screen"]))
    if p.get("id") != cid or p.get("kind") != "live":
        fail("%s: %s should play live channel %d, plays %r" % (name, how, cid, p))
    if p.get("state") not in ("playing", "buffering"):
        fail("%s: channel %d should be playing, state %r (error %r)" % (name, cid, p.get("state"), p.get("error")))
    if p.get("error"):
        fail("%s: unexpected error %r" % (name, p["error"]))

# "5" typed on channel 2: shown in the number box while channel 2 still plays, and only the time-out
# (zap3 above: channel 5) makes it a zap; then the box is gone.
digits = state("digits")
ui = digits.get("player_ui") or {}
if ui.get("number_entry") != "5":
    fail("after typing 5 the number entry should read '5', player_ui is %r" % ui)
if (digits.get("playing") or {}).get("id") != 2:
    fail("a typed number should not zap before it times out: playing %r" % digits.get("playing"))
if (state("zap3").get("player_ui") or {}).get("number_entry"):
    fail("the number entry should be cleared once channel 5 is selected, got %r" % state("zap3")["player_ui"])
dark, bright = number_box("digits")
if dark < 0.6 or bright < 0.004:
    fail("digits.png should show the number box with the typed 5 in it (dark %.0f%%, digit %.1f%% of "
         "the box)" % (dark * 100, bright * 100))
dark3, _ = number_box("zap3")
if dark3 > 0.3:
    fail("zap3.png should no longer show the number box (dark %.0f%% of it)" % (dark3 * 100))
if state("recall").get("last_channel") != 9:
    fail("after RECALL the last channel should be 9, got %r" % state("recall").get("last_channel"))
mini = state("miniguide")
f = mini.get("focused") or {}
if f.get("id") != "miniguide" or not str(f.get("label", "")).startswith("11 "):
    fail("DOWN on channel 10 should open the mini guide on channel 11, focus is %r" % f)
print("zap journey: channels 1, 2, 5, 10, 9 and recall to 10 all played; the typed 5 was on screen first")
