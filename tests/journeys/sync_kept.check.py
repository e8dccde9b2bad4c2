#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks that a sync which kept a list back says so on screen, in the viewer's language."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tr import T  # noqa: E402

out = sys.argv[1]
with open(os.path.join(out, "synced.json"), encoding="utf-8") as f:
    s = json.load(f)
toast = s.get("toast") or ""
if toast != T("Some lists could not be updated; the previous ones are kept."):
    sys.exit("sync_kept journey: the box should say some lists were kept, toast %r on %r" % (toast, s["screen"]))
log = open(os.path.join(out, "qanat.log"), encoding="utf-8", errors="replace").read()
if "kept a list back" not in log or "Unauthorized" not in log:
    sys.exit("sync_kept journey: the log should give the reason with the panel's words:\n" + log[-1500:])
print("sync_kept: %r" % toast)
