# SPDX-License-Identifier: MIT
# -DCMAKE_PROJECT_INCLUDE=dist/cmake/QanatDistHook.cmake adds dist/ to a build whose top-level
# CMakeLists.txt does not (yet) say add_subdirectory(dist). dist/CMakeLists.txt guards against
# being added twice.
add_subdirectory(${CMAKE_SOURCE_DIR}/dist ${CMAKE_BINARY_DIR}/dist-hook)
