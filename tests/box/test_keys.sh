#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A scripted remote-control session through the real binary: struct input_event records, as an IR
# receiver's evdev node delivers them, go through a pipe into `qanat keys --input -`, which must
# print the actions of the shipped keymap in order (a zap by number, OK, guide, colour keys, recall,
# kernel repeats of a held key; unmapped keys silent). In the aarch64 pass it runs under qemu
# (EMULATOR), so the cross-built binary proves its evdev path.
# Usage: test_keys.sh QANAT_BINARY SOURCE_DIR [EMULATOR...]
set -euo pipefail
qanat=$1 src=$2
shift 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qanat-keys.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# struct input_event on 64-bit Linux: struct timeval (two longs), __u16 type, __u16 code, __s32 value
python3 - "$tmp/session.bin" <<'PY'
import struct, sys
EV_SYN, EV_KEY, EV_MSC = 0, 1, 4
codes = dict(KEY_NUMERIC_1=0x201, KEY_NUMERIC_2=0x202, KEY_OK=0x160, KEY_EPG=0x16d, KEY_DOWN=108,
             KEY_RED=0x18e, KEY_LAST=0x195, KEY_TV=0x179, KEY_BACK=158, KEY_CHANNELUP=0x192)
out = bytearray()
t = [1700000000, 0]
def rec(type_, code, value):
    t[1] += 1000
    out.extend(struct.pack("<qqHHi", t[0], t[1], type_, code, value))
def key(name, value):
    rec(EV_MSC, 4, 0x0400 + (codes[name] & 0xff))
    rec(EV_KEY, codes[name], value)
    rec(EV_SYN, 0, 0)
def tap(name):
    key(name, 1); key(name, 0)
tap("KEY_NUMERIC_1"); tap("KEY_NUMERIC_2"); tap("KEY_OK")       # zap to channel 12
tap("KEY_TV")                                                   # not in the keymap: nothing
tap("KEY_EPG"); key("KEY_DOWN", 1); key("KEY_DOWN", 2); key("KEY_DOWN", 2); key("KEY_DOWN", 0)
tap("KEY_RED"); tap("KEY_BACK"); tap("KEY_LAST"); tap("KEY_CHANNELUP")
open(sys.argv[1], "wb").write(out)
PY

# the pipe delivers the session in uneven pieces (a short read splits records)
python3 - "$tmp/session.bin" <<'PY' | "$@" "$qanat" keys --keymap "$src/assets/keymaps/remote-default.keymap" --input - \
  --timeout-ms 20000 >"$tmp/actions.txt"
import sys, time, os
data = open(sys.argv[1], "rb").read()
out = sys.stdout.buffer
i = 0
for n in (7, 50, 24, 1, 300):
    out.write(data[i:i + n]); out.flush(); i += n; time.sleep(0.02)
out.write(data[i:]); out.flush()
PY
cat "$tmp/actions.txt"
want=$'1\n2\nok\nepg\ndown\ndown (repeat)\ndown (repeat)\nred\nback\nrecall\nchup'
[ "$(cat "$tmp/actions.txt")" = "$want" ] || { echo "FAIL: actions differ from:"; echo "$want"; exit 1; }

# JSON, and a keymap error naming the line
"$@" "$qanat" --json keys --keymap "$src/assets/keymaps/remote-default.keymap" --input "$tmp/session.bin" \
  --count 3 >"$tmp/actions.json"
grep -q '"actions":\[{"action":"1","repeat":false},{"action":"2","repeat":false},{"action":"ok","repeat":false}\]' \
  "$tmp/actions.json" || { cat "$tmp/actions.json"; echo "FAIL: json"; exit 1; }
printf 'remote ok KEY_OK\nremote info KEY_INFOO\n' >"$tmp/bad.keymap"
if "$@" "$qanat" keys --keymap "$tmp/bad.keymap" --input "$tmp/session.bin" 2>"$tmp/err.txt"; then
  echo "FAIL: a bad keymap was accepted"; exit 1
fi
grep -q "bad.keymap:2: unknown key name 'KEY_INFOO'" "$tmp/err.txt" || { cat "$tmp/err.txt"; echo "FAIL: message"; exit 1; }
echo "1 passed, 0 failed"
