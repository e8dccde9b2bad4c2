################################################################################
#
# qanat
#
################################################################################
# SPDX-License-Identifier: MIT
# Builds the Qanat checkout this BR2_EXTERNAL tree belongs to (dist/buildroot is inside it). To build
# a release tarball or your own fork instead, set QANAT_SITE/QANAT_SITE_METHOD/QANAT_VERSION in your
# own external tree, or QANAT_OVERRIDE_SRCDIR in local.mk during development.

QANAT_VERSION = 0.1.0
QANAT_SITE = $(BR2_EXTERNAL_QANAT_PATH)/../..
QANAT_SITE_METHOD = local
QANAT_LICENSE = MIT
QANAT_DEPENDENCIES = host-pkgconf sdl2 ffmpeg libcurl jansson freetype harfbuzz libfribidi \
	sqlite expat zlib libqrencode fontconfig openssl

# The fonts are opened by path at run time: Buildroot's DejaVu package. The hook adds dist/ (unit,
# sysusers, docs) even where the top-level CMakeLists.txt does not yet; it is a no-op otherwise.
QANAT_CONF_OPTS = \
	-DQANAT_TESTS=OFF \
	-DQANAT_WERROR=OFF \
	-DQANAT_SANITIZE=OFF \
	-DQANAT_FONT_LATIN=/usr/share/fonts/dejavu/DejaVuSans.ttf \
	-DQANAT_FONT_ARABIC=/usr/share/fonts/dejavu/DejaVuSans.ttf \
	-DCMAKE_PROJECT_INCLUDE=$(@D)/dist/cmake/QanatDistHook.cmake

# The dedicated user of qanat.service (makeusers(8) table format).
define QANAT_USERS
	qanat -1 qanat -1 * /var/lib/qanat - video,render,input,audio Qanat IPTV client
endef

# The image boots into Qanat: the unit (installed by CMake to /usr/lib/systemd/system) is enabled.
define QANAT_INSTALL_INIT_SYSTEMD
	$(INSTALL) -d $(TARGET_DIR)/etc/systemd/system/multi-user.target.wants
	ln -sf /usr/lib/systemd/system/qanat.service \
		$(TARGET_DIR)/etc/systemd/system/multi-user.target.wants/qanat.service
endef

$(eval $(cmake-package))
