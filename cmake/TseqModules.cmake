# tseq_add_library(NAME SOURCES... [LINKS deps...] [PRIVATE_LINKS deps...])
#   One static library per source folder, named tseq_NAME with alias tseq::NAME. Include paths are
#   rooted at the repository root, so code writes #include "base/status.h".
function(tseq_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINKS;PRIVATE_LINKS" ${ARGN})
  add_library(tseq_${name} STATIC ${ARG_SOURCES})
  add_library(tseq::${name} ALIAS tseq_${name})
  target_include_directories(tseq_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(tseq_${name} PUBLIC ${ARG_LINKS} PRIVATE tseq_warnings ${ARG_PRIVATE_LINKS})
endfunction()

# tseq_add_unit_tests(NAME)
#   Builds tseq_NAME_tests from every *_test.cc in the calling folder (and its subfolders), links it
#   with the library and the shared test support, and registers each doctest case with CTest.
function(tseq_add_unit_tests name)
  if(NOT TSEQ_BUILD_TESTS)
    return()
  endif()
  file(GLOB_RECURSE test_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  if(NOT test_sources)
    return()
  endif()
  add_executable(tseq_${name}_tests ${test_sources})
  target_link_libraries(tseq_${name}_tests PRIVATE tseq::${name} tseq::test_support tseq_warnings)
  # Tests that compare generated files with committed ones (docs/steps.md) find the tree here.
  target_compile_definitions(tseq_${name}_tests PRIVATE TSEQ_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  doctest_discover_tests(tseq_${name}_tests TEST_PREFIX "${name}: ")
endfunction()
