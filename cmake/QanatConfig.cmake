# SPDX-License-Identifier: MIT
# The one generated configuration header (STYLE.md rule 11): build features as QANAT_HAVE_*,
# never OS or SoC names in the code.

# Fonts come from Debian font packages at build time; a box gets them in its assets directory.
find_file(QANAT_FONT_LATIN NAMES NotoSans-Regular.ttf DejaVuSans.ttf
          PATHS /usr/share/fonts/truetype/noto /usr/share/fonts/truetype/dejavu NO_DEFAULT_PATH
          NO_CMAKE_FIND_ROOT_PATH)
find_file(QANAT_FONT_ARABIC NAMES NotoSansArabic-Regular.ttf NotoNaskhArabic-Regular.ttf DejaVuSans.ttf
          PATHS /usr/share/fonts/truetype/noto /usr/share/fonts/truetype/dejavu NO_DEFAULT_PATH
          NO_CMAKE_FIND_ROOT_PATH)
if(NOT QANAT_FONT_LATIN OR NOT QANAT_FONT_ARABIC)
  message(FATAL_ERROR "Fonts not found: run scripts/install-deps (fonts-noto-core, fonts-dejavu-core)")
endif()

if(DEFINED ENV{SOURCE_DATE_EPOCH})
  set(QANAT_BUILD_ID "${PROJECT_VERSION}")
else()
  execute_process(COMMAND git -C ${CMAKE_SOURCE_DIR} describe --always --dirty
                  OUTPUT_VARIABLE QANAT_GIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  set(QANAT_BUILD_ID "${PROJECT_VERSION}${QANAT_GIT_SUFFIX}")
  if(QANAT_GIT)
    set(QANAT_BUILD_ID "${PROJECT_VERSION}+${QANAT_GIT}")
  endif()
endif()

set(QANAT_ARCH "${CMAKE_SYSTEM_PROCESSOR}")
set(QANAT_ASSETS_DIR "${CMAKE_SOURCE_DIR}/assets")
# the compiled translation catalogues of a build tree (app/i18n); installed under share/qanat/locale
set(QANAT_LOCALE_DIR "${CMAKE_BINARY_DIR}/locale")
configure_file(${CMAKE_CURRENT_LIST_DIR}/qanat_config.h.in ${CMAKE_BINARY_DIR}/generated/qanat_config.h @ONLY)
