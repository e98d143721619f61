# `cpack -G DEB` in the build folder: a Debian package of what `cmake --install` puts in place
# (the command, its two libraries, the man page and the bash completion), so that leakrank
# installs with dpkg and apt like the tools it sits beside, and CI can check the install a
# user gets on a clean system. The version is project()'s.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME leakrank)
set(CPACK_PACKAGE_CONTACT "leakrank maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "finds the lines that make a native Linux process grow")
set(CPACK_PACKAGE_DESCRIPTION "leakrank records every allocation of an unmodified program with its \
call stack and ranks the allocation sites by how their live memory grows over time, so that a \
table that never stops growing is told apart from a cache that fills up and then stays flat.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# leakrank_<version>_<arch>.deb, as Debian names its packages.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# Depends from the libraries the binaries link (dpkg-shlibdeps), never a list kept by hand
# that drifts from the build.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)
