# loadgen_layer(NAME SOURCES files... [USES layers...] [LINK targets...])
#
# Makes the static library loadgen_<NAME> (alias loadgen::<NAME>) from src/<NAME>/<files>, with
# include/ as its public include root and src/<NAME>/ as a private one (private headers), linked to
# the layers it USES. Then enforces the layer rule: every file of the layer (its sources, private
# headers and include/loadgen/<NAME>/) may include "loadgen/<layer>/..." only for itself and the
# layers it USES; anything else stops the configure with the file and the line.
set_property(GLOBAL PROPERTY LOADGEN_LAYERS "")

function(loadgen_layer name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;USES;LINK")
  set(dir ${PROJECT_SOURCE_DIR}/src/${name})
  list(TRANSFORM arg_SOURCES PREPEND ${dir}/)
  add_library(loadgen_${name} STATIC ${arg_SOURCES})
  add_library(loadgen::${name} ALIAS loadgen_${name})
  target_include_directories(loadgen_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include PRIVATE ${dir})
  set(deps)
  foreach(use IN LISTS arg_USES)
    list(APPEND deps loadgen_${use})
  endforeach()
  target_link_libraries(loadgen_${name} PUBLIC ${deps} ${arg_LINK} PRIVATE loadgen_warnings)

  set(allowed ${name} ${arg_USES})
  file(GLOB_RECURSE files ${dir}/*.cpp ${dir}/*.hpp ${PROJECT_SOURCE_DIR}/include/loadgen/${name}/*.hpp)
  foreach(file IN LISTS files)
    file(STRINGS ${file} includes REGEX "^#include \"loadgen/[a-z_]+/")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^#include \"loadgen/([a-z_]+)/.*" "\\1" layer "${line}")
      if(NOT layer IN_LIST allowed)
        message(FATAL_ERROR "layer rule: ${file} (layer ${name}) includes the ${layer} layer: ${line}\n"
                            "  ${name} may use: ${allowed}")
      endif()
    endforeach()
  endforeach()
endfunction()
