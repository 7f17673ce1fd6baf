# Warnings and sanitizers applied to every Sluice target through sluice_target_defaults().

add_library(sluice_compile_options INTERFACE)
target_compile_options(sluice_compile_options INTERFACE -Wall -Wextra -Wno-missing-field-initializers)
if(SLUICE_WERROR)
  target_compile_options(sluice_compile_options INTERFACE -Werror)
endif()
if(SLUICE_SANITIZE)
  target_compile_options(sluice_compile_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(sluice_compile_options INTERFACE -fsanitize=address,undefined)
endif()

# Declares a module library from every .cc file in the calling folder (no per-file
# bookkeeping), with sources including from the src/ root: #include "avro/schema.h".
function(sluice_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc
       ${CMAKE_CURRENT_SOURCE_DIR}/internal/*.cc)
  if(NOT sources)
    # A module that is only headers so far.
    add_library(sluice_${name} INTERFACE)
    target_include_directories(sluice_${name} INTERFACE $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>
                               $<INSTALL_INTERFACE:include/sluice>)
    target_link_libraries(sluice_${name} INTERFACE ${ARG_DEPS})
    target_compile_features(sluice_${name} INTERFACE cxx_std_20)
    add_library(sluice::${name} ALIAS sluice_${name})
    return()
  endif()
  add_library(sluice_${name} STATIC ${sources})
  # Installed headers live in <prefix>/include/sluice/<module>/ (cmake/sluice_install.cmake).
  target_include_directories(sluice_${name} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>
                             $<INSTALL_INTERFACE:include/sluice>)
  target_link_libraries(sluice_${name} PUBLIC ${ARG_DEPS} PRIVATE sluice_compile_options ${ARG_PRIVATE_DEPS})
  # Its headers are C++20: whoever links it (an installed package's consumer too) compiles
  # as C++20 or later, whatever its own CMAKE_CXX_STANDARD.
  target_compile_features(sluice_${name} PUBLIC cxx_std_20)
  add_library(sluice::${name} ALIAS sluice_${name})
endfunction()
