# LOADGEN_SELF_CONTAINED (Release builds without sanitizers): a smaller resident set for the binary.
#
# Why: the kernel maps a program's code in 64 KB windows around each page it first touches
# (fault-around), and a run touches code in nearly every translation unit, so with the default
# layout most of the 4 MB of text ended up resident, plus five shared C++ libraries (libstdc++,
# spdlog, fmt, protobuf-lite, Boost.JSON), each resident in part. What a `load` run executes is
# about 0.6 MB of it (callgrind).
#
# How:
# - every function in a section of its own, unused ones dropped (--gc-sections);
# - the C++ libraries linked in (LoadgenDependencies.cmake);
# - the functions a run executes placed first, in the order of cmake/hot-functions.txt (lld's
#   --symbol-ordering-file), so that they share few windows. scripts/hot-functions.sh makes the
#   list from runs under callgrind; a function missing from it (new code, renamed symbols) only
#   lands further back, it still works;
# - relative relocations packed (DT_RELR, glibc 2.36): 150 KB of them were read at every start;
# - the code that runs once per run (flag parsing, reports: loadgen_cold()) optimised for size.
# lld 15 or later is needed for DT_RELR; Debian 12 ships lld-16 (scripts/setup.sh installs it).
# Without it, everything but the ordering and DT_RELR applies.
if(NOT LOADGEN_SELF_CONTAINED)
  function(loadgen_layout target)
  endfunction()
  function(loadgen_cold target)
  endfunction()
  return()
endif()
add_compile_options(-ffunction-sections -fdata-sections)
find_program(LOADGEN_LLD_RELR NAMES ld.lld-16 ld.lld-15)

# loadgen_cold(TARGET): code that runs once per run, not per call: optimised for size (-Os).
function(loadgen_cold target)
  target_compile_options(${target} PRIVATE -Os)
endfunction()

# loadgen_layout(TARGET): the link options for the loadgen binary.
function(loadgen_layout target)
  target_link_options(${target} PRIVATE -Wl,--gc-sections)
  set(order ${PROJECT_SOURCE_DIR}/cmake/hot-functions.txt)
  if(LOADGEN_LLD_RELR AND EXISTS ${order})
    # GCC 12 has no --ld-path: -fuse-ld=lld runs the first `ld.lld` in the -B directories.
    set(dir ${CMAKE_BINARY_DIR}/lld)
    file(MAKE_DIRECTORY ${dir})
    file(CREATE_LINK ${LOADGEN_LLD_RELR} ${dir}/ld.lld SYMBOLIC)
    target_link_options(${target} PRIVATE -B${dir}/ -fuse-ld=lld -Wl,-z,pack-relative-relocs
                        -Wl,--symbol-ordering-file=${order} -Wl,--no-warn-symbol-ordering)
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${order})
  else()
    message(STATUS "loadgen: ld.lld-16 or ${order} missing: the binary's code keeps the default order")
  endif()
endfunction()
