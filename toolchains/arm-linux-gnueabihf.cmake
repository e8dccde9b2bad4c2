# SPDX-License-Identifier: MIT
# Cross-compiling for 32-bit ARM boxes (armhf). Best effort: needs `scripts/install-deps --armhf`,
# which may fail when the Debian mirror's armhf index is stale. Same rules as the aarch64 file.
set(QANAT_TRIPLE arm-linux-gnueabihf)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(QANAT_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
