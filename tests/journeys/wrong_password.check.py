#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the wrong-password journey: the form stays, nothing is logged in, the viewer reads that
the username or password is wrong, and the focus is back on the username to correct it."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tr import T  # noqa: E402

out = sys.argv[1]


def state(name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        sys.exit("no state %s.json: the script stopped early" % name)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fail(msg):
    sys.exit("wrong-password journey: " + msg)


f = state("form")
if f["screen"] != "login" or f.get("logged_in"):
    fail("a box with no login should start on the login form, got %r" % f["screen"])
t = state("typed")
if (t.get("focused") or {}).get("id") != "sign-in":
    fail("after the password the focus should be on Sign in, got %r" % t.get("focused"))
w = state("wrong")
if w["screen"] != "login" or w.get("logged_in"):
    fail("a wrong password must not log in (screen %r, logged_in %r)" % (w["screen"], w.get("logged_in")))
login = w.get("login") or {}
if login.get("outcome") != "wrong_credentials":
    fail("the login outcome should be wrong_credentials, state has %r" % login)
msg = login.get("message", "")
if msg != T("Wrong username or password. Check them and try again."):
    fail("the form should tell the viewer the username or password is wrong, shows %r" % msg)
if (w.get("focused") or {}).get("id") != "username":
    fail("the focus should go back to the username, got %r" % w.get("focused"))
print("wrong-password journey: %s" % msg)
