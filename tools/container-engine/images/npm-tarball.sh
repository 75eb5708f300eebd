#!/bin/sh
# Fetches one package from the npm registry, checks it against its pinned integrity (the sha512
# of package-lock.json's form) and unpacks it into <dir>. Runs in a build stage, where curl is.
#   npm-tarball.sh <name> <version> <integrity> <dir>
set -eu
name=$1 version=$2 integrity=$3 dir=$4
tarball=/tmp/$(echo "$name" | tr / -)-$version.tgz
curl -fsSL --retry 3 -o "$tarball" "https://registry.npmjs.org/$name/-/${name##*/}-$version.tgz"
expected=$(printf '%s' "${integrity#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
actual=$(sha512sum "$tarball" | cut -d' ' -f1)
if [ "$expected" != "$actual" ]; then
  echo "$name@$version: sha512 $actual is not the pinned $integrity" >&2
  exit 1
fi
mkdir -p "$dir"
tar -xzf "$tarball" -C "$dir" --strip-components=1 --no-same-owner
rm "$tarball"
