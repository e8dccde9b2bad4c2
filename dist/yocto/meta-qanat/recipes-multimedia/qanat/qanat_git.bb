# SPDX-License-Identifier: MIT
SUMMARY = "Qanat: IPTV client for Xtream-compatible panels, for set-top boxes"
DESCRIPTION = "A 10-foot IPTV client driven by a remote control, full screen through KMSDRM, \
started on tty1 by qanat.service as the user qanat."
HOMEPAGE = "https://qanat.invalid/"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://CMakeLists.txt;beginline=1;endline=1;md5=b2dccaa94b3629a08bfb4f983cad6f89"

# Point these at your mirror of the Qanat repository and the commit you ship.
SRC_URI = "git://git.example.com/qanat.git;protocol=https;branch=main"
SRCREV = "${AUTOREV}"
PV = "0.1.0+git${SRCPV}"
S = "${WORKDIR}/git"

inherit cmake pkgconfig systemd useradd

# FFmpeg needs LICENSE_FLAGS_ACCEPTED += "commercial" in local.conf; libsdl2 needs its kmsdrm and
# gles2 PACKAGECONFIGs (PACKAGECONFIG:append:pn-libsdl2 = " kmsdrm gles2").
DEPENDS = "libsdl2 ffmpeg curl jansson freetype harfbuzz fribidi sqlite3 expat zlib qrencode libdrm fontconfig openssl"
RDEPENDS:${PN} = "ttf-dejavu-sans"

EXTRA_OECMAKE = " \
    -DQANAT_TESTS=OFF \
    -DQANAT_WERROR=OFF \
    -DQANAT_SANITIZE=OFF \
    -DQANAT_FONT_LATIN=${datadir}/fonts/truetype/DejaVuSans.ttf \
    -DQANAT_FONT_ARABIC=${datadir}/fonts/truetype/DejaVuSans.ttf \
    -DCMAKE_PROJECT_INCLUDE=${S}/dist/cmake/QanatDistHook.cmake \
"

# CMake installs the unit under ${prefix}/lib/systemd/system; systemd.bbclass looks in
# ${systemd_system_unitdir} (/lib/systemd/system without usrmerge).
do_install:append() {
    if [ "${prefix}/lib/systemd/system" != "${systemd_system_unitdir}" ]; then
        install -d ${D}${systemd_system_unitdir}
        mv ${D}${prefix}/lib/systemd/system/qanat.service ${D}${systemd_system_unitdir}/
        rmdir --ignore-fail-on-non-empty ${D}${prefix}/lib/systemd/system ${D}${prefix}/lib/systemd
    fi
}

SYSTEMD_SERVICE:${PN} = "qanat.service"
SYSTEMD_AUTO_ENABLE = "enable"

USERADD_PACKAGES = "${PN}"
GROUPADD_PARAM:${PN} = "--system render"
USERADD_PARAM:${PN} = "--system --home-dir /var/lib/qanat --no-create-home --shell /sbin/nologin \
    --user-group --groups video,render,input,audio qanat"

FILES:${PN} += "${systemd_system_unitdir}/qanat.service ${prefix}/lib/sysusers.d/qanat.conf \
    ${datadir}/qanat ${datadir}/doc/qanat"
