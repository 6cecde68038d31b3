# Debian's ITK 5.2 ships an itk_compiler_detection.h generated for GCC only
# ("#error Unsupported compiler" under clang). The fuzz build needs clang
# (libFuzzer), so it gets a copy that takes clang for the GCC 12 it is
# compatible with here. Only used when the C++ compiler is clang.
set(_shim ${CMAKE_BINARY_DIR}/itk-clang-shim)
file(READ ${ITK_INCLUDE_DIRS_FIRST}/itk_compiler_detection.h _detect)
string(REPLACE "#  if ITK_COMPILER_IS_GNU\n" "#  if ITK_COMPILER_IS_GNU || ITK_COMPILER_IS_Clang\n" _detect "${_detect}")
file(WRITE ${_shim}/itk_compiler_detection.h "${_detect}")
file(READ ${ITK_INCLUDE_DIRS_FIRST}/compilers/ITK_COMPILER_INFO_GNU_CXX.h _info)
string(REPLACE "(__GNUC__ * 100 + __GNUC_MINOR__)" "1200" _info "${_info}")
file(WRITE ${_shim}/compilers/ITK_COMPILER_INFO_GNU_CXX.h "${_info}")
# ITK's headers include it by a quoted name from their own folder, so an
# include path cannot override it: it is read first, and its guard
# (ITK_COMPILER_DETECTION_H) makes ITK's own copy a no-op.
add_compile_options("$<$<COMPILE_LANGUAGE:CXX>:SHELL:-include ${_shim}/itk_compiler_detection.h>")
