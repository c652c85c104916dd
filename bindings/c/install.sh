#!/usr/bin/env bash
# Installs the Casebook C library built by cargo into PREFIX:
#   bindings/c/install.sh PREFIX [LIBDIR]     (LIBDIR: where cargo put libcasebook.*; default target/release)
# Layout: include/casebook.h, lib/libcasebook.{a,so*}, lib/pkgconfig/casebook.pc,
# lib/cmake/casebook/casebookConfig*.cmake.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
prefix="${1:?usage: install.sh PREFIX [LIBDIR]}"
libdir="${2:-$root/target/release}"
version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$root/Cargo.toml")"
IFS=. read -r major minor _patch <<<"$version"

mkdir -p "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/lib/cmake/casebook"
install -m 644 "$here/include/casebook.h" "$prefix/include/casebook.h"
install -m 644 "$libdir/libcasebook.a" "$prefix/lib/libcasebook.a"
install -m 755 "$libdir/libcasebook.so" "$prefix/lib/libcasebook.so.$version"
ln -sf "libcasebook.so.$version" "$prefix/lib/libcasebook.so.$major"
ln -sf "libcasebook.so.$major" "$prefix/lib/libcasebook.so"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" "$here/casebook.pc.in" \
    >"$prefix/lib/pkgconfig/casebook.pc"
install -m 644 "$here/cmake/casebookConfig.cmake" "$prefix/lib/cmake/casebook/"
sed -e "s|@VERSION@|$version|" -e "s|@MAJOR@|$major|g" -e "s|@MINOR@|$minor|g" \
    "$here/cmake/casebookConfigVersion.cmake.in" >"$prefix/lib/cmake/casebook/casebookConfigVersion.cmake"
echo "installed Casebook $version into $prefix"
