# CMake package config of Casebook: find_package(casebook CONFIG) gives the imported targets
# casebook::casebook (shared library) and casebook::casebook_static.
get_filename_component(_casebook_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET casebook::casebook)
  add_library(casebook::casebook SHARED IMPORTED)
  set_target_properties(casebook::casebook PROPERTIES
    IMPORTED_LOCATION "${_casebook_prefix}/lib/libcasebook.so"
    IMPORTED_SONAME "libcasebook.so.${casebook_VERSION_MAJOR}"
    INTERFACE_INCLUDE_DIRECTORIES "${_casebook_prefix}/include")
endif()
if(NOT TARGET casebook::casebook_static)
  add_library(casebook::casebook_static STATIC IMPORTED)
  set_target_properties(casebook::casebook_static PROPERTIES
    IMPORTED_LOCATION "${_casebook_prefix}/lib/libcasebook.a"
    INTERFACE_INCLUDE_DIRECTORIES "${_casebook_prefix}/include"
    INTERFACE_LINK_LIBRARIES "pthread;dl;m")
endif()
unset(_casebook_prefix)
