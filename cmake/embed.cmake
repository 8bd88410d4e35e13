# Turns the files under schema/ into one C++ source file so the binary carries its schema
# (the data stays in schema/ for people to read and edit). Run by add_custom_command with
#   -DSCHEMA_DIR=... -DOUTPUT=...
file(GLOB_RECURSE files RELATIVE ${SCHEMA_DIR} ${SCHEMA_DIR}/*.json)
list(SORT files)
set(body "// Generated from schema/ by cmake/embed.cmake. Do not edit.\n")
string(APPEND body "#include \"core/schema_files.h\"\n\nnamespace disan {\n\n")
string(APPEND body "const std::vector<EmbeddedFile>& SchemaFiles() {\n")
string(APPEND body "  static const std::vector<EmbeddedFile> files = {\n")
foreach(f ${files})
  file(READ ${SCHEMA_DIR}/${f} content)
  string(APPEND body "    {\"${f}\", R\"disan_embed(${content})disan_embed\"},\n")
endforeach()
string(APPEND body "  };\n  return files;\n}\n\n}  // namespace disan\n")
file(WRITE ${OUTPUT}.tmp "${body}")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
