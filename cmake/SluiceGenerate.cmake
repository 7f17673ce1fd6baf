# sluice_generate(): C++ classes from Avro schemas, regenerated at build time whenever a
# schema file changes.
#
#   find_package(Sluice CONFIG REQUIRED)          # or inside the Sluice tree itself
#   add_executable(app main.cc)
#   sluice_generate(TARGET app SCHEMAS schemas/event.avsc [more.avsc ...]
#                   [NAMESPACE my::events] [OUTPUT_DIR <dir>] [HEADER <file.hpp>])
#   // main.cc: #include "event.hpp"
#
# Adds a custom command running `sluice avro codegen <schemas> [--namespace ns] --out
# <OUTPUT_DIR>/<HEADER>` that depends on every schema file (and on the sluice command),
# makes the header a source of TARGET so it exists before TARGET compiles, adds
# OUTPUT_DIR to TARGET's include directories and links TARGET with sluice::avro
# (both PUBLIC).
#   OUTPUT_DIR  default ${CMAKE_CURRENT_BINARY_DIR}/sluice_generated/<TARGET>; a relative
#               path is taken from ${CMAKE_CURRENT_BINARY_DIR}
#   HEADER      default <stem of the schema>.hpp for one schema, <TARGET>_schemas.hpp
#               for several
# The sluice command: ${SLUICE_EXECUTABLE} when set; else the `sluice` target when
# building inside Sluice; else `sluice` in the Sluice package's bin folder or on PATH.
include_guard(GLOBAL)

function(sluice_generate)
  cmake_parse_arguments(ARG "" "TARGET;NAMESPACE;OUTPUT_DIR;HEADER" "SCHEMAS" ${ARGN})
  if(NOT ARG_TARGET OR NOT ARG_SCHEMAS)
    message(FATAL_ERROR "sluice_generate: TARGET and SCHEMAS are required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "sluice_generate: unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${ARG_TARGET})
    message(FATAL_ERROR "sluice_generate: ${ARG_TARGET} is not a target")
  endif()
  if(NOT ARG_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR "${CMAKE_CURRENT_BINARY_DIR}/sluice_generated/${ARG_TARGET}")
  else()
    # A relative OUTPUT_DIR is in the build tree (generated files stay out of the sources).
    get_filename_component(ARG_OUTPUT_DIR "${ARG_OUTPUT_DIR}" ABSOLUTE
                           BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  list(LENGTH ARG_SCHEMAS schema_count)
  if(NOT ARG_HEADER)
    if(schema_count EQUAL 1)
      get_filename_component(stem "${ARG_SCHEMAS}" NAME_WE)
      set(ARG_HEADER "${stem}.hpp")
    else()
      set(ARG_HEADER "${ARG_TARGET}_schemas.hpp")
    endif()
  endif()

  set(schemas "")
  foreach(schema IN LISTS ARG_SCHEMAS)
    get_filename_component(schema "${schema}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND schemas "${schema}")
  endforeach()

  set(command_deps "")
  if(SLUICE_EXECUTABLE)
    set(sluice "${SLUICE_EXECUTABLE}")
  elseif(TARGET sluice)
    set(sluice "$<TARGET_FILE:sluice>")
    set(command_deps sluice)
  else()
    find_program(SLUICE_EXECUTABLE sluice HINTS "${SLUICE_BINDIR}")
    if(NOT SLUICE_EXECUTABLE)
      message(FATAL_ERROR "sluice_generate: the sluice command was not found; set "
                          "SLUICE_EXECUTABLE or install the sluice_runtime component")
    endif()
    set(sluice "${SLUICE_EXECUTABLE}")
  endif()

  set(namespace_args "")
  if(ARG_NAMESPACE)
    set(namespace_args --namespace "${ARG_NAMESPACE}")
  endif()
  set(header "${ARG_OUTPUT_DIR}/${ARG_HEADER}")
  file(MAKE_DIRECTORY "${ARG_OUTPUT_DIR}")
  add_custom_command(OUTPUT "${header}"
    COMMAND "${sluice}" avro codegen ${schemas} ${namespace_args} --out "${header}"
    DEPENDS ${schemas} ${command_deps}
    COMMENT "sluice avro codegen -> ${header}"
    VERBATIM)
  target_sources(${ARG_TARGET} PRIVATE "${header}")
  target_include_directories(${ARG_TARGET} PUBLIC "${ARG_OUTPUT_DIR}")
  target_link_libraries(${ARG_TARGET} PUBLIC sluice::avro)
endfunction()
