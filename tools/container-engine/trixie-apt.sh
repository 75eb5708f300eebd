#!/usr/bin/env bash
# apt-get or apt-cache against Debian trixie through a private configuration, for the engine's
# packages only: the machine's own sources stay bookworm and nothing is installed from trixie.
#   tools/container-engine/trixie-apt.sh madison docker.io     # which versions trixie has now
set -euo pipefail

KEYLESS_ENGINE_CACHE=${KEYLESS_ENGINE_CACHE:-/var/cache/keyless-engine}

# The machine's apt.conf.d still applies (a proxy it names, say); lists, cache, sources and the
# dpkg status are private, and the status is empty so apt resolves nothing against bookworm.
trixie_apt() {
  local tool=$1
  shift
  local dir=$KEYLESS_ENGINE_CACHE/apt
  if [[ ! -f $dir/sources.list ]]; then
    mkdir -p "$dir/lists/partial" "$dir/archives/partial" "$dir/parts" "$dir/preferences"
    local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    cat >"$dir/sources.list" <<SOURCES
deb [signed-by=$keyring] http://deb.debian.org/debian trixie main
deb [signed-by=$keyring] http://deb.debian.org/debian trixie-updates main
deb [signed-by=$keyring] http://deb.debian.org/debian-security trixie-security main
SOURCES
  fi
  "$tool" \
    -o Dir::Etc::SourceList="$dir/sources.list" \
    -o Dir::Etc::SourceParts="$dir/parts" \
    -o Dir::Etc::PreferencesParts="$dir/preferences" \
    -o Dir::State::Lists="$dir/lists" \
    -o Dir::State::Status=/dev/null \
    -o Dir::Cache="$dir" \
    -o Dir::Cache::Archives="$dir/archives" \
    -o APT::Sandbox::User=root \
    -o Debug::NoLocking=true \
    "$@"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  case ${1:-} in
    madison | policy | show) tool=apt-cache ;;
    *) tool=apt-get ;;
  esac
  [[ $tool == apt-get && ${1:-} != update && ${1:-} != download ]] && {
    echo "usage: $0 update | download <pkg>=<version>… | madison|policy|show <pkg>…" >&2
    exit 2
  }
  trixie_apt "$tool" "$@"
fi
