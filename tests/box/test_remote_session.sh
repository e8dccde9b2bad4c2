#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A remote control drives the real box from login to playback: the UI runs headless against the
# local panel, logs in, and then only struct input_event records written into a FIFO (what an IR
# receiver's evdev node delivers) move it: BACK closes the operator's message, OK opens Live TV,
# OK zaps to the first channel. The state the box reports must show that channel playing. In the
# aarch64 pass EMULATOR is qemu-aarch64, so the cross-built binary proves the whole path.
# Usage: test_remote_session.sh QANAT_BINARY SOURCE_DIR [EMULATOR...]
set -euo pipefail
qanat=$1 src=$2
shift 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qanat-remote.XXXXXX")
panel_pid=""
cleanup() {
  [ -n "$panel_pid" ] && kill "$panel_pid" 2>/dev/null && wait "$panel_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$src/tests/panel/run" --port "$port" >"$tmp/panel.out" 2>"$tmp/panel.log" &
panel_pid=$!
for _ in $(seq 1 600); do grep -q ready "$tmp/panel.out" 2>/dev/null && break; sleep 0.2; done
grep -q ready "$tmp/panel.out" || { echo "FAIL: the panel did not start"; cat "$tmp/panel.log"; exit 1; }

mkdir -p "$tmp/input" "$tmp/snap"
mkfifo "$tmp/input/event0"
cat >"$tmp/session.script" <<'SCRIPT'
idle 120000
wait 300
state ready
sleep 12000
state after
snap after
quit
SCRIPT

# The remote: waits until the box is logged in and idle, then presses BACK, OK, OK.
python3 - "$tmp/input/event0" "$tmp/snap/ready.json" <<'PY' &
import os, struct, sys, time
fifo, ready = sys.argv[1], sys.argv[2]
deadline = time.time() + 300
while not os.path.exists(ready) and time.time() < deadline:
    time.sleep(0.1)
EV_SYN, EV_KEY = 0, 1
KEY_OK, KEY_BACK = 0x160, 158
# a FIFO opened for writing needs a reader: retry without blocking, so a box that died cannot hang us
fd = -1
while fd < 0 and time.time() < deadline:
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        time.sleep(0.1)
if fd < 0:
    sys.exit(0)
os.set_blocking(fd, True)
with os.fdopen(fd, "wb", buffering=0) as f:
    def tap(code):
        t = time.time()
        for value in (1, 0):
            f.write(struct.pack("<qqHHi", int(t), int(t % 1 * 1e6), EV_KEY, code, value))
            f.write(struct.pack("<qqHHi", int(t), int(t % 1 * 1e6), EV_SYN, 0, 0))
    time.sleep(0.5)
    tap(KEY_BACK)   # the operator's message of the day
    time.sleep(1.0)
    tap(KEY_OK)     # Live TV
    time.sleep(1.5)
    tap(KEY_OK)     # the first channel
    time.sleep(9.0)
PY
feeder=$!

SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0 \
DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent HOME="$tmp" \
  timeout -k 5 400 "$@" "$qanat" --headless --server "http://127.0.0.1:$port" --user demo --pass demo \
  --db "$tmp/qanat.db" --input "$tmp/input" \
  --script "$tmp/session.script" --snap "$tmp/snap" >"$tmp/qanat.out" 2>"$tmp/qanat.log" || true
wait "$feeder" || true

python3 - "$tmp/snap/after.json" <<'PY'
import json, sys
try:
    s = json.load(open(sys.argv[1]))
except OSError:
    sys.exit("FAIL: the box wrote no state (see its log)")
p = s.get("playing", {})
print("screen %s, playing %s (%s), state %s, first frame after %s ms" % (
    s.get("screen"), p.get("id"), p.get("name"), p.get("state"), p.get("first_frame_ms")))
if s.get("screen") != "player" or p.get("state") != "playing" or p.get("id", 0) <= 0 or not p.get("first_frame_ms"):
    sys.exit("FAIL: the remote's keys did not lead to a playing channel")
PY
