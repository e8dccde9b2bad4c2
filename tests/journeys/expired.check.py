#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the expired-account journey: no login, and a message with the expiry date (the panel's
account "expired" ended ten days before the panel started) and a renewal hint."""
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tr import T  # noqa: E402

out = sys.argv[1]
with open(os.path.join(out, "expired.json"), encoding="utf-8") as f:
    s = json.load(f)


def fail(msg):
    sys.exit("expired journey: " + msg)


if s["screen"] != "login" or s.get("logged_in"):
    fail("an expired account must not log in (screen %r)" % s["screen"])
login = s.get("login") or {}
if login.get("outcome") != "expired":
    fail("the login outcome should be expired, state has %r" % login)
msg = login.get("message", "")
runner = json.load(open(os.path.join(out, "runner.json")))
ended = datetime.datetime.fromtimestamp(runner["clock"] - 10 * 86400, datetime.timezone.utc)
dates = {(ended + datetime.timedelta(days=d)).strftime("%Y-%m-%d") for d in (-1, 0, 1)}
if not any(d in msg for d in dates):
    fail("the message should give the expiry date (%s), shows %r" % (ended.strftime("%Y-%m-%d"), msg))
if msg not in (T("Your subscription expired on %s. Renew it with your provider.") % d for d in dates):
    fail("the message should say how to renew, shows %r" % msg)
print("expired journey: %s" % msg)
