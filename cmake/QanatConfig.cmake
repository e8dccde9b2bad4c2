# SPDX-License-Identifier: MIT
# The one generated configuration header (STYLE.md rule 11): build features as QANAT_HAVE_*,
# never OS or SoC names in the code.

# The two primary fonts (the theme's font_latin and font_arabic): a file found here in the Debian font
# packages (or given with -DQANAT_FONT_LATIN=... by an OEM recipe), else a fontconfig pattern. At run
# time a file that is not there is resolved with fontconfig too (ui/ui_text.c), and every fallback face
# (Noto Sans Symbols and Symbols2, Noto Color Emoji, any font with the code point) always is.
find_file(QANAT_FONT_LATIN NAMES NotoSans-Regular.ttf DejaVuSans.ttf
          PATHS /usr/share/fonts/truetype/noto /usr/share/fonts/truetype/dejavu NO_DEFAULT_PATH
          NO_CMAKE_FIND_ROOT_PATH)
find_file(QANAT_FONT_ARABIC NAMES NotoSansArabic-Regular.ttf NotoNaskhArabic-Regular.ttf DejaVuSans.ttf
          PATHS /usr/share/fonts/truetype/noto /usr/share/fonts/truetype/dejavu NO_DEFAULT_PATH
          NO_CMAKE_FIND_ROOT_PATH)
if(NOT QANAT_FONT_LATIN)
  message(WARNING "Noto Sans not found at configure time: the UI asks fontconfig for 'Noto Sans' "
                  "(scripts/install-deps installs fonts-noto-core)")
  set(QANAT_FONT_LATIN "Noto Sans")
endif()
if(NOT QANAT_FONT_ARABIC)
  message(WARNING "Noto Sans Arabic not found at configure time: the UI asks fontconfig for it")
  set(QANAT_FONT_ARABIC "Noto Sans Arabic")
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
