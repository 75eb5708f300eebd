# The locally made images' names: the official image's name and tag under keyless-local/, so
# nobody mistakes one for the other, with the tag saying what is really inside when that differs.

debian_image() { echo keyless-local/debian:bookworm-slim; }
node_image() { echo "keyless-local/node:$1-bookworm-slim"; }
moto_image() { echo "keyless-local/moto:$1"; }
# Built on Debian rather than alpine, from the embedded-postgres binaries: 18.4.0-beta.17 → 18.4.
postgres_image() {
  local version=${1%%-*}
  echo "keyless-local/postgres:${version%.*}-bookworm"
}

# The moto version requirements.lock installs (the compose tests check MOTO_IMAGE agrees).
moto_version() { sed -n 's/^moto==\([^ ]*\).*/\1/p' "$1"; }

# True when .env's NODE_IMAGE is the Node.js version the local image is pinned to build.
check_env_agrees() {
  local env_file=$1 node_version=$2 pinned
  pinned=$(sed -n 's/^NODE_IMAGE=//p' "$env_file")
  if [[ $pinned != "node:$node_version-bookworm-slim" ]]; then
    log "$env_file pins NODE_IMAGE=$pinned, but the local node image is pinned to $node_version (tools/container-engine/images/versions.sh): make them agree"
    return 1
  fi
}
