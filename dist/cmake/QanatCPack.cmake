# SPDX-License-Identifier: MIT
# CPack: one .deb per architecture, for Debian-based boxes and for bring-up. The architecture comes
# from the toolchain (aarch64 -> arm64), and the library dependencies from dpkg-shlibdeps, which
# reads the binary's NEEDED entries and finds the packages that ship those libraries; in a Debian
# multiarch cross build these are the :arm64 packages, so an arm64 .deb depends on what an arm64
# box must have. Build it with `cpack -G DEB` in a build directory, or dist/scripts/build-oem.
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "qanat")
set(CPACK_PACKAGE_VENDOR "Qanat")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "Qanat maintainers <maintainers@qanat.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "IPTV client for Xtream-compatible panels, for set-top boxes")
set(CPACK_PACKAGE_DESCRIPTION
    "Qanat is a 10-foot IPTV client driven by a remote control: live TV, guide, catch-up, movies and series, subscription self-service, and QoE beacons to the operator. On a box it runs full screen through KMSDRM from qanat.service.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT") # qanat_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "video")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The font files the build chose (cmake/QanatConfig.cmake) are opened by path at run time: depend on
# the Debian packages that ship them.
set(qanat_font_pkgs "")
foreach(font "${QANAT_FONT_LATIN}" "${QANAT_FONT_ARABIC}")
  if(font MATCHES "/noto/")
    list(APPEND qanat_font_pkgs "fonts-noto-core")
  elseif(font MATCHES "/dejavu/")
    list(APPEND qanat_font_pkgs "fonts-dejavu-core")
  endif()
endforeach()
# the fallback chain (ui_text.c) looks the symbol and emoji fonts up by name through fontconfig
list(APPEND qanat_font_pkgs "fonts-noto-core" "fonts-noto-color-emoji")
list(REMOVE_DUPLICATES qanat_font_pkgs)
string(REPLACE ";" ", " CPACK_DEBIAN_PACKAGE_DEPENDS "${qanat_font_pkgs}")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")

if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "arm64")
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|amd64|AMD64)$")
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "amd64")
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^arm")
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "armhf")
endif()

# dpkg-shlibdeps on a cross-built binary: it reads the ELF itself and maps each NEEDED library to
# the package that ships it in the dpkg database, where Debian multiarch registered the :arm64
# packages; the target's multiarch directories are named so the libraries are found there.
if(CMAKE_CROSSCOMPILING AND CMAKE_LIBRARY_ARCHITECTURE)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS
      "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE};/lib/${CMAKE_LIBRARY_ARCHITECTURE}")
endif()

set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${CMAKE_CURRENT_LIST_DIR}/../debian/postinst;${CMAKE_CURRENT_LIST_DIR}/../debian/prerm;${CMAKE_CURRENT_LIST_DIR}/../debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

include(CPack)
