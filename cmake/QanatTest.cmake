# SPDX-License-Identifier: MIT
# qanat_unit_test(NAME SOURCES a.c b.c LIBS lib... [LABELS l...])
# A cmocka test executable registered with CTest. Cross builds run it through
# CMAKE_CROSSCOMPILING_EMULATOR (qemu-user), so the same tests prove the ARM build.
function(qanat_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} PkgConfig::CMOCKA)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "unit;${T_LABELS}" TIMEOUT 300
    ENVIRONMENT "SDL_VIDEODRIVER=dummy;SDL_AUDIODRIVER=dummy;SDL_RENDER_DRIVER=software;SDL_FRAMEBUFFER_ACCELERATION=0;DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent")
endfunction()

# qanat_layer(NAME SOURCES ... DEPS ...): one folder = one static library; its public headers sit in
# the folder itself, which is the only include directory it exports.
# A folder with no sources yet is an INTERFACE library, so the layering already holds for it.
function(qanat_layer name)
  cmake_parse_arguments(L "" "" "SOURCES;DEPS" ${ARGN})
  if(L_SOURCES)
    add_library(${name} STATIC ${L_SOURCES})
    target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
    target_link_libraries(${name} PUBLIC ${L_DEPS})
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR})
    target_link_libraries(${name} INTERFACE ${L_DEPS})
  endif()
endfunction()
