# SPDX-License-Identifier: MIT
"""What the lock_* journey checks share: reading a state, what plays, whether the PIN prompt is up."""
import json
import os
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
