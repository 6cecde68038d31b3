# Turns shaders/*.vert|frag into a header of raw string literals, so the app
# needs no files at run time.
file(GLOB shader_files "${SHADER_DIR}/*.vert" "${SHADER_DIR}/*.frag")
set(content "#pragma once\n// Generated from shaders/ by EmbedShaders.cmake.\nnamespace annulo::shaders {\n")
foreach(f ${shader_files})
  get_filename_component(name "${f}" NAME)
  string(REPLACE "." "_" name "${name}")
  file(READ "${f}" text)
  string(APPEND content "inline constexpr const char* ${name} = R\"glsl(${text})glsl\";\n")
endforeach()
string(APPEND content "}  // namespace annulo::shaders\n")
file(WRITE "${OUTPUT}" "${content}")
