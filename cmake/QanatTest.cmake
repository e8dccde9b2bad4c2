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

# qanat_fuzz_target(NAME SOURCES ... LIBS ... CORPUS dir)
# A libFuzzer entry point (LLVMFuzzerTestOneInput). With QANAT_FUZZ=ON (clang) it is built with
# -fsanitize=fuzzer,address,undefined and ctest fuzzes it for QANAT_FUZZ_SECONDS from the corpus.
# Otherwise it is linked with tests/support/fuzz_main.c, and ctest replays the corpus as a regression
# test, so every build checks that the seeds (and every crash once added to them) still pass.
set(QANAT_FUZZ_SECONDS 30 CACHE STRING "Seconds each fuzz target runs under ctest when QANAT_FUZZ=ON")
function(qanat_fuzz_target name)
  cmake_parse_arguments(F "" "CORPUS" "SOURCES;LIBS" ${ARGN})
  if(QANAT_FUZZ)
    add_executable(${name} ${F_SOURCES})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE ${F_LIBS})
    set(work ${CMAKE_CURRENT_BINARY_DIR}/${name}-corpus)
    add_test(NAME ${name}
      COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
              sh -c "mkdir -p '${work}' && exec \"$0\" -max_total_time=${QANAT_FUZZ_SECONDS} -rss_limit_mb=1024 -timeout=10 '${work}' '${F_CORPUS}'"
              $<TARGET_FILE:${name}>)
    set_tests_properties(${name} PROPERTIES LABELS "fuzz;host-only" TIMEOUT 600)
  else()
    add_executable(${name} ${F_SOURCES} ${CMAKE_SOURCE_DIR}/tests/support/fuzz_main.c)
    target_link_libraries(${name} PRIVATE ${F_LIBS})
    add_test(NAME ${name} COMMAND ${name} ${F_CORPUS})
    set_tests_properties(${name} PROPERTIES LABELS "unit;fuzz-replay" TIMEOUT 300)
  endif()
endfunction()
