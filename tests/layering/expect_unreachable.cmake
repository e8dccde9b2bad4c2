# SPDX-License-Identifier: MIT
# One layering check, run by ctest as `cmake -P`: the probe must compile when the forbidden header's
# layer is linked (CONTROL: so the probe itself is sound, and a syntax error anywhere in it fails
# here), and must fail to compile in its own layer (TARGET) with exactly one error, the compiler's
# "HEADER not found". Any other outcome - it compiles, it fails for another reason, the header was
# renamed - fails the test, with the compiler's output.
# -DBUILD_DIR=... -DTARGET=... -DCONTROL=... -DHEADER=name.h -DHEADER_FILE=/abs/path/of/it
foreach(v BUILD_DIR TARGET CONTROL HEADER HEADER_FILE)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "expect_unreachable: -D${v}= missing")
  endif()
endforeach()
if(NOT EXISTS "${HEADER_FILE}")
  message(FATAL_ERROR "${HEADER_FILE} does not exist: the probe would fail for the wrong reason")
endif()

execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${CONTROL}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the control ${CONTROL} (${HEADER} reachable) does not compile, so the probe is "
                      "broken:\n${out}")
endif()

# a fresh compile every run (the object of a failed compile is never written, but be sure)
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "${TARGET} compiled: ${HEADER} is reachable from its layer")
endif()
string(REGEX MATCHALL "[^\n]*error:[^\n]*" errors "${out}")
list(LENGTH errors n)
string(REPLACE "." "\\." header_re "${HEADER}")
set(gcc_re "fatal error: ${header_re}: No such file or directory")
set(clang_re "fatal error: '${header_re}' file not found")
if(NOT n EQUAL 1 OR NOT (out MATCHES "${gcc_re}" OR out MATCHES "${clang_re}"))
  message(FATAL_ERROR "${TARGET} failed, but not (only) because ${HEADER} is unreachable "
                      "(${n} errors):\n${out}")
endif()
message(STATUS "${TARGET}: ${HEADER} unreachable, as it must be")
