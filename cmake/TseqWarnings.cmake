# tseq_warnings: an INTERFACE target every tseq target links for its warning and sanitizer flags.
add_library(tseq_warnings INTERFACE)
target_compile_options(tseq_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wconversion -Wsign-conversion -Wnull-dereference -Wimplicit-fallthrough
  # Designated initializers ({.name = ..., .type = ...}) rely on member defaults; GCC 12 would
  # flag every field left out.
  -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports false -Wrestrict on std::string concatenation at -O2/-O3 (GCC bug 105329),
  # and false -Wmaybe-uninitialized inside libstdc++ (std::regex, std::optional) under the
  # sanitizers; both would break the release and asan presets under -Werror.
  target_compile_options(tseq_warnings INTERFACE -Wno-restrict)
  if(TSEQ_SANITIZE)
    target_compile_options(tseq_warnings INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()
if(TSEQ_WERROR)
  target_compile_options(tseq_warnings INTERFACE -Werror)
endif()
if(TSEQ_SANITIZE)
  target_compile_options(tseq_warnings INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(tseq_warnings INTERFACE -fsanitize=address,undefined)
endif()
