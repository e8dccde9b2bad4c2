# SPDX-License-Identifier: MIT
"""What journey checks share: reading a state, what plays, whether the PIN prompt is up, the QoE
records the panel received (panel_records.json)."""
import json
import os
import re
import sys


def state(out, name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        sys.exit("no state %s.json: the script stopped early" % name)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fail_with(journey):
    def fail(msg):
        sys.exit("%s journey: %s" % (journey, msg))
    return fail


def playing(st):
    """The live channel (or catch-up) the state reports as playing, else None."""
    p = st.get("playing") or {}
    if not p or p.get("state") in (None, "idle", "stopped") or not p.get("id"):
        return None
    return p


def prompt_open(st):
    """The parental PIN prompt is on top with its keyboard focused."""
    return st.get("screen") == "pin" and (st.get("focused") or {}).get("id") == "pin"


# the panel's adult category (tests/panel/qpanel/catalog.py): ids 26, 43, 60, ... every 17th from 26
LOCKED = set(range(26, 321, 17))


class LockChecks:
    """The steps every lock_* journey checks, over the states of one run (out) of one journey."""

    def __init__(self, out, journey):
        self.out = out
        self.fail = fail_with(journey)

    def st(self, name):
        return state(self.out, name)

    def held(self, name, screen):
        """The PIN prompt came up and nothing (locked) plays; after BACK the screen is back."""
        p = self.st(name)
        if not prompt_open(p):
            self.fail("%s: the PIN prompt should be on screen, got %r focused %r"
                      % (name, p["screen"], p.get("focused")))
        if playing(p) and playing(p).get("id") in LOCKED:
            self.fail("%s: the locked channel plays without the PIN: %r" % (name, playing(p)))
        r = self.st("refused")
        if r["screen"] != screen or (playing(r) and playing(r).get("id") in LOCKED):
            self.fail("BACK should close the prompt on %s and play nothing locked, got %r playing %r"
                      % (screen, r["screen"], playing(r)))

    def plays_locked(self, name):
        p = self.st(name)
        pl = playing(p)
        if p["screen"] != "player" or not pl or pl.get("id") not in LOCKED:
            self.fail("%s: with the right PIN the locked channel should play, got %r on %r"
                      % (name, pl, p["screen"]))
        return pl

    def number(self, name):
        """The channel number the player screen shows."""
        return (self.st(name).get("player_ui") or {}).get("number")


def cmcd(line):
    """A CMCD v2 record line as a dict (a bare key is True)."""
    rx = r'([A-Za-z0-9.\-]+)(?:=("(?:[^"\\]|\\.)*"|\([^)]*\)|[^,]*))?(?:,|$)'
    return {k: True if v == "" else v.strip('"') for k, v in re.findall(rx, line)}


def beacon_records(out):
    """Every QoE record the panel's sink received in the run, each as a dict."""
    with open(os.path.join(out, "panel_records.json"), encoding="utf-8") as f:
        beacons = json.load(f).get("beacons") or []
    return [cmcd(r) if isinstance(r, str) else r for b in beacons for r in b.get("records", [])]
