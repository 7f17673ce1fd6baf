# Installs the Sluice Avro library as the CMake package `Sluice`:
#
#   find_package(Sluice CONFIG REQUIRED)     # CMAKE_PREFIX_PATH=<prefix>
#   target_link_libraries(app PRIVATE sluice::avro)
#   sluice_generate(TARGET app SCHEMAS event.avsc)   # cmake/SluiceGenerate.cmake
#
#   cmake --install build --prefix <prefix> --component sluice_dev      # library + package
#   cmake --install build --prefix <prefix> --component sluice_runtime  # the sluice command
#
# sluice_dev: the static libraries sluice_base and sluice_avro, every header of src/base
# and src/avro (internal/ included: public headers include some) under
# include/sluice/, lib/cmake/Sluice/ and lib/pkgconfig/sluice.pc. The exported static targets name their private
# link dependencies (zlib, bzip2, xz, zstd, snappy, libdeflate, OpenSSL crypto, simdjson,
# nlohmann);
# SluiceConfig.cmake finds each one again, so a consumer links with no extra lines.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SLUICE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/Sluice)

set_target_properties(sluice_base PROPERTIES EXPORT_NAME base)
set_target_properties(sluice_avro PROPERTIES EXPORT_NAME avro)
# Named by the static libraries' link interfaces ($<LINK_ONLY:...>), so exported too.
set_target_properties(sluice_compile_options PROPERTIES EXPORT_NAME compile_options)
set_target_properties(sluice_snappy PROPERTIES EXPORT_NAME snappy)

install(TARGETS sluice_base sluice_avro sluice_compile_options sluice_snappy
        EXPORT SluiceTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT sluice_dev)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/src/base ${PROJECT_SOURCE_DIR}/src/avro
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/sluice COMPONENT sluice_dev
        FILES_MATCHING PATTERN "*.h")
install(EXPORT SluiceTargets NAMESPACE sluice:: DESTINATION ${SLUICE_INSTALL_CMAKEDIR}
        COMPONENT sluice_dev)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/SluiceConfig.cmake.in
  ${PROJECT_BINARY_DIR}/SluiceConfig.cmake
  INSTALL_DESTINATION ${SLUICE_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_BINDIR)
# 0.x: a minor version may break the API, so only the same x.y is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/SluiceConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/SluiceConfig.cmake ${PROJECT_BINARY_DIR}/SluiceConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/SluiceGenerate.cmake
        DESTINATION ${SLUICE_INSTALL_CMAKEDIR} COMPONENT sluice_dev)

# For builds without CMake: pkg-config --cflags --libs sluice.
# A sanitizer build's libraries need the sanitizer runtime wherever they are linked.
set(SLUICE_PC_EXTRA_LIBS "")
if(SLUICE_SANITIZE)
  set(SLUICE_PC_EXTRA_LIBS " -fsanitize=address,undefined")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/sluice.pc.in ${PROJECT_BINARY_DIR}/sluice.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/sluice.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT sluice_dev)

install(TARGETS sluice RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT sluice_runtime)

# sluice_generate() for projects built inside this tree too (it runs the `sluice` target).
include(${PROJECT_SOURCE_DIR}/cmake/SluiceGenerate.cmake)
