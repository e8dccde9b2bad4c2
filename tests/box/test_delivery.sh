#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The OEM delivery checked with the real tools, from this build directory's install tree:
#   unit    systemd-analyze verify of the installed unit (in a root holding the host's units and the
#           installed binary), and the sysusers.d file applied to an empty root: the user exists and
#           is in video, render, input and audio
#   deb     CPack's .deb: control fields (architecture, library dependencies, maintainer scripts)
#           and contents (binary, unit, user, keymap, sample operator.json, docs)
#   rauc    the signed bundle: verified by rauc info; a copy with one flipped byte, and the genuine
#           bundle against another CA, are both rejected
# Usage: test_delivery.sh unit|deb|rauc SOURCE_DIR BUILD_DIR   (exit 77 = skipped, with the reason)
set -euo pipefail
what=$1 src=$2 build=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qanat-delivery-$what.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

[ -f "$build/CPackConfig.cmake" ] ||
  fail "dist/ is not part of this build: the top-level CMakeLists.txt needs add_subdirectory(dist)"
need() { command -v "$1" >/dev/null || fail "$1 not found: run scripts/install-deps"; }

install_tree() { # PREFIX -> $tmp/stage
  DESTDIR="$tmp/stage" cmake --install "$build" --prefix "$1" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log" >&2; fail "cmake --install failed"; }
}

case "$what" in
unit)
  command -v systemd-analyze >/dev/null || skip "systemd-analyze not installed (package systemd)"
  install_tree /usr
  unit=$tmp/stage/usr/lib/systemd/system/qanat.service
  [ -f "$unit" ] || fail "no unit installed at usr/lib/systemd/system/qanat.service"
  grep -qx 'ExecStart=/usr/bin/qanat' "$unit" || fail "ExecStart does not follow the prefix"
  # A root with the host's units (targets, getty@) and the installed binary, so verify checks the
  # unit exactly as installed, ExecStart=/usr/bin/qanat included.
  root=$tmp/root
  mkdir -p "$root/usr/lib/systemd" "$root/usr/bin" "$root/etc"
  cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"
  cp "$unit" "$root/usr/lib/systemd/system/"
  cp "$tmp/stage/usr/bin/qanat" "$root/usr/bin/"
  # Can the tool run here at all? (a minimal unit that must pass)
  printf '[Unit]\nDescription=probe\n[Service]\nExecStart=/usr/bin/qanat\n' \
    >"$root/usr/lib/systemd/system/qanat-probe.service"
  if ! systemd-analyze verify --root="$root" qanat-probe.service >"$tmp/probe.log" 2>&1; then
    cat "$tmp/probe.log"
    skip "systemd-analyze verify cannot run in this sandbox (fails on a minimal unit too)"
  fi
  systemd-analyze verify --root="$root" qanat.service >"$tmp/verify.log" 2>&1 ||
    { cat "$tmp/verify.log" >&2; fail "systemd-analyze verify rejected qanat.service"; }
  [ ! -s "$tmp/verify.log" ] || { cat "$tmp/verify.log" >&2; fail "systemd-analyze verify warned"; }
  for d in 'User=qanat' 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'StateDirectory=qanat' \
           'CacheDirectory=qanat' 'Restart=always' 'TTYPath=/dev/tty1' 'Environment=SDL_VIDEODRIVER=kmsdrm' \
           'SupplementaryGroups=video render input audio'; do
    grep -qx "$d" "$unit" || fail "the unit lacks $d"
  done
  echo "unit: systemd-analyze verify passed"
  if command -v systemd-sysusers >/dev/null; then
    users=$tmp/users
    mkdir -p "$users/etc"
    systemd-sysusers --root="$users" "$tmp/stage/usr/lib/sysusers.d/qanat.conf" >"$tmp/sysusers.log" 2>&1 ||
      { cat "$tmp/sysusers.log" >&2; fail "systemd-sysusers refused qanat.conf"; }
    grep -q '^qanat:x:[0-9]*:[0-9]*:Qanat IPTV client:/var/lib/qanat:' "$users/etc/passwd" ||
      fail "no qanat user: $(cat "$users/etc/passwd")"
    for g in video render input audio; do
      grep -Eq "^$g:x:[0-9]+:(.*,)?qanat(,.*)?$" "$users/etc/group" || fail "qanat is not in group $g"
    done
    echo "unit: sysusers.d creates qanat in video, render, input, audio"
  fi
  ;;
deb)
  need cpack; need dpkg-deb
  (cd "$build" && cpack -G DEB -B "$tmp/cpack" >"$tmp/cpack.log" 2>&1) ||
    { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
  deb=$(ls "$tmp"/cpack/qanat_*.deb)
  echo "deb: $(basename "$deb")"
  dpkg-deb -I "$deb" | tee "$tmp/info.txt"
  arch=$(dpkg-deb -f "$deb" Architecture)
  want=$(dpkg --print-architecture)
  if grep -q 'CMAKE_CROSSCOMPILING:.*=ON\|CMAKE_SYSTEM_PROCESSOR:.*aarch64' "$build/CMakeCache.txt"; then want=arm64; fi
  [ "$arch" = "$want" ] || fail "Architecture: $arch, want $want"
  depends=$(dpkg-deb -f "$deb" Depends)
  for lib in libsdl2-2.0-0 libavcodec libavformat libavutil libswscale libswresample libcurl4 \
             libjansson4 libfreetype6 libharfbuzz0b libfribidi0 libsqlite3-0 libc6 fonts-; do
    case "$depends" in *"$lib"*) ;; *) fail "Depends lacks $lib: $depends" ;; esac
  done
  for script in postinst prerm postrm; do grep -q " $script " "$tmp/info.txt" || fail "no $script"; done
  dpkg-deb -c "$deb" | awk '{print $6}' | tee "$tmp/contents.txt"
  for f in ./usr/bin/qanat ./usr/lib/systemd/system/qanat.service ./usr/lib/sysusers.d/qanat.conf \
           ./usr/share/qanat/keymaps/remote-default.keymap ./usr/share/qanat/operator.sample.json \
           ./usr/share/doc/qanat/README.oem.md; do
    grep -qx "$f" "$tmp/contents.txt" || fail "the package lacks $f"
  done
  # the files inside are the real ones
  dpkg-deb -x "$deb" "$tmp/x"
  grep -qx 'ExecStart=/usr/bin/qanat' "$tmp/x/usr/lib/systemd/system/qanat.service" || fail "unit ExecStart"
  cmp -s "$tmp/x/usr/share/qanat/keymaps/remote-default.keymap" "$src/assets/keymaps/remote-default.keymap" ||
    fail "the packaged keymap differs from assets/"
  file -b "$tmp/x/usr/bin/qanat" | grep -q ELF || fail "usr/bin/qanat is not an ELF binary"
  echo "deb: control and contents as expected"
  ;;
rauc)
  need rauc; need mksquashfs; need openssl
  install_tree /opt/qanat
  grep -qx 'ExecStart=/opt/qanat/bin/qanat' "$tmp/stage/opt/qanat/lib/systemd/system/qanat.service" ||
    fail "the bundle's unit does not start /opt/qanat/bin/qanat"
  bundle=$tmp/out/qanat-test.raucb
  "$src/dist/scripts/mkbundle" --tree "$tmp/stage/opt/qanat" --out "$bundle" --arch test --version 0.0.1 \
    --work "$tmp/work" || fail "mkbundle failed"
  conf=$tmp/work/system.conf ca=$tmp/work/pki/ca.cert.pem
  rauc info --conf="$conf" --keyring="$ca" "$bundle" >"$tmp/info.txt" 2>&1 || { cat "$tmp/info.txt" >&2; fail "rauc info"; }
  grep -q "Compatible:.*'qanat-app-test'" "$tmp/info.txt" || fail "compatible"
  grep -q 'Filename:  qanat-app.squashfs' "$tmp/info.txt" || fail "no appfs image"
  grep -q 'Verified detached signature' "$tmp/info.txt" || fail "signature not verified"
  echo "rauc: genuine bundle verified"
  # one flipped byte inside the squashfs payload
  cp "$bundle" "$tmp/tampered.raucb"
  size=$(stat -c %s "$bundle")
  python3 - "$tmp/tampered.raucb" $((size / 3)) <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2])); b = f.read(1); f.seek(int(sys.argv[2])); f.write(bytes([b[0] ^ 0x01]))
PY
  if rauc info --conf="$conf" --keyring="$ca" "$tmp/tampered.raucb" >"$tmp/tampered.txt" 2>&1; then
    cat "$tmp/tampered.txt" >&2
    fail "a tampered bundle was accepted"
  fi
  grep -qi 'signature verification failed' "$tmp/tampered.txt" || { cat "$tmp/tampered.txt" >&2; fail "tampered: wrong reason"; }
  echo "rauc: tampered copy rejected ($(grep -i -m1 'verification failed' "$tmp/tampered.txt"))"
  # the genuine bundle against a CA the box does not trust
  "$src/dist/scripts/gen-test-ca" "$tmp/other" "Someone else" >/dev/null
  if rauc info --conf="$conf" --keyring="$tmp/other/ca.cert.pem" "$bundle" >"$tmp/other.txt" 2>&1; then
    fail "a bundle signed by another CA was accepted"
  fi
  echo "rauc: bundle rejected by a keyring that does not trust its signer"
  ;;
*) fail "usage: $0 unit|deb|rauc SOURCE_DIR BUILD_DIR" ;;
esac
