# SPDX-License-Identifier: MIT
# Cross-compiling for 64-bit ARM boxes.
# Default: Debian multiarch (dpkg --add-architecture arm64 and the :arm64 -dev packages, installed by
# scripts/install-deps); the cross gcc already searches the arm64 paths, so no sysroot is needed.
# OEM SDK: set QANAT_SYSROOT (environment or -D) to the SDK's sysroot; its pkg-config files are then
# used through PKG_CONFIG_SYSROOT_DIR. Tests run under qemu-user via CMAKE_CROSSCOMPILING_EMULATOR.
set(QANAT_TRIPLE aarch64-linux-gnu)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(QANAT_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
