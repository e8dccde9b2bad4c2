#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the account journey: the subscription facts, the renewal QR code with the renewal noticed by
polling (VALID-7 redeemed from outside), and a voucher typed on the box that moves the expiry 30 days."""
import datetime
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tr import T, match_plural  # noqa: E402

out = sys.argv[1]


def state(name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        sys.exit("no state %s.json: the script stopped early" % name)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fail(msg):
    sys.exit("account journey: " + msg)


def focus(name):
    return state(name).get("focused") or {}


def expires(label):
    """(date, days left) from the account's "Expires: DATE (N days left)" row, else None."""
    head = T("Expires") + ": "
    if not label.startswith(head):
        return None
    r = match_plural("%s (%d day left)", "%s (%d days left)", label[len(head):])
    if not r or not re.fullmatch(r"\d{4}-\d\d-\d\d", r[1][0]):
        return None
    return datetime.date.fromisoformat(r[1][0]), r[0]


acc = state("account")
if acc["screen"] != "account" or focus("account").get("label") != T("Renew (QR code)"):
    fail("the Account tile should open the account screen on Renew, got %r on %r" % (focus("account"), acc["screen"]))

m = expires(focus("expires").get("label", ""))
if not m:
    fail("the account should show the expiry date and the days left, got %r" % focus("expires"))
before, days = m
if not 360 <= days <= 366:
    fail("demo's subscription runs a year from the panel's start, got %d days" % days)

qr = state("qr")
qf = focus("qr")
if qr["screen"] != "renew":
    fail("Renew should show the renewal screen, got %r (toast %r)" % (qr["screen"], qr.get("toast")))
qm = re.match(r"QR (\d+)x\1: (\S+)$", qf.get("label", "")) if qf.get("id") == "qr" else None
if not qm:
    fail("the renewal screen should report its QR code and URL, focus %r" % qf)
server = os.environ.get("SERVER", "")
if qm.group(2) != server + "/renew?u=demo" or int(qm.group(1)) < 21:
    fail("the QR code should encode %s/renew?u=demo, got %r" % (server, qf["label"]))
ren = state("renewed")
rt = ren.get("toast") or ""
rm = re.search(r"(\d{4}-\d\d-\d\d)", rt)
if ren["screen"] != "renew" or not rt.startswith(T("Thank you! Your subscription now runs until")) or not rm:
    fail("with the QR on screen the box should notice the renewal paid elsewhere and confirm it, got toast %r on %r"
         % (rt, ren["screen"]))
renewed = datetime.date.fromisoformat(rm.group(1))
if (renewed - before).days != 7:
    fail("VALID-7 redeemed elsewhere should show as 7 more days: %s -> %s" % (before, renewed))
if state("after_qr")["screen"] != "account":
    fail("BACK should leave the renewal screen, got %r" % state("after_qr")["screen"])

if state("voucher")["screen"] != "voucher":
    fail("the second action should open the voucher entry, got %r" % state("voucher")["screen"])
red = state("redeemed")
toast = red.get("toast") or ""
tm = re.search(r"(\d{4}-\d\d-\d\d)", toast)
if not toast.startswith(T("Voucher applied: your subscription has been extended.")) or not tm:
    fail("VALID-30 should be applied with the new expiry date, toast %r" % toast)
after_toast = datetime.date.fromisoformat(tm.group(1))

m2 = expires(focus("expires_after").get("label", ""))
if not m2:
    fail("back on the account, the expiry row should show, got %r" % focus("expires_after"))
after, days_after = m2
# days left are whole days to the expiry instant: the box's clock moves on during the run (pinned
# to the minute it started, then virtual time), so the count may have rolled over once since the
# first reading (the panel sets the expiry from its own real clock)
if after != after_toast or (after - renewed).days != 30 or days_after not in (days + 36, days + 37):
    fail("the voucher should move the expiry 30 days on: renewed %s, after %s (%s days, was %d), toast %s"
         % (renewed, after, days_after, days, after_toast))
print("account: expiry %s -> renewed %s -> voucher %s (%d -> %s days), QR %s"
      % (before, renewed, after, days, days_after, qm.group(2)))
