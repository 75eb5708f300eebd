#!/usr/bin/env bash
# When no image registry answers, builds the base images .env pins from the sources the official
# images come from, under names of their own (keyless-local/…, never the official names), and
# writes .local/container-images.env, which selects them:
#   NODE_IMAGE, MOTO_IMAGE, POSTGRES_IMAGE  (and KEYLESS_IMAGES=local)
# With a registry, the official images are used untouched and that file is removed.
#   tools/container-engine/build-images.sh            # KEYLESS_IMAGES=auto (the default), local or official
#   tools/container-engine/build-images.sh --refresh  # rebuild even what is up to date
# Each image carries a hash of its recipe (files, versions, parent image); one whose hash matches
# is not rebuilt, so a second run takes seconds. Needs an engine (up.sh) and, for the Debian root
# file system, root.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib/common.sh"
source "$here/lib/host-packages.sh"
source "$here/lib/image-names.sh"
source "$here/images/versions.sh"

refresh=false
[[ ${1:-} == --refresh ]] && refresh=true
env_file=$root/.local/container-images.env
work=$root/.local/images
build_log=$work/build.log

docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
  die "no container engine answers (DOCKER_HOST=${DOCKER_HOST:-unset}); eval \"\$(tools/container-engine/up.sh)\" first"

registry_answers() { [[ $(curl -s -o /dev/null -m 5 -w '%{http_code}' https://registry-1.docker.io/v2/) != 000 ]]; }

case ${KEYLESS_IMAGES:-auto} in
  official) use_local=false ;;
  local) use_local=true ;;
  auto) if registry_answers; then use_local=false; else use_local=true; fi ;;
  *) die "KEYLESS_IMAGES must be auto, local or official (is ${KEYLESS_IMAGES})" ;;
esac
if ! $use_local; then
  rm -f "$env_file"
  log "the image registry answers (or KEYLESS_IMAGES=official): the official images .env pins are used"
  exit 0
fi

check_env_agrees "$root/.env" "$NODE_VERSION" || exit 1
moto_version=$(moto_version "$root/local/platform/requirements.lock")
debian=$(debian_image) node=$(node_image "$NODE_VERSION") moto=$(moto_image "$moto_version")
postgres=$(postgres_image "$EMBEDDED_POSTGRES_VERSION")

mkdir -p "$work"
: >"$build_log"

# The image's recipe hash, from its build context and the arguments it is built with.
recipe_hash() {
  local context=$1
  shift
  {
    (cd "$context" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    printf '%s\n' "$@"
  } | sha256sum | cut -c1-32
}

up_to_date() {
  ! $refresh &&
    [[ $(docker image inspect --format '{{index .Config.Labels "org.keyless.recipe"}}' "$1" 2>/dev/null) == "$2" ]]
}

# A fresh build context: the recipe's files, the shared fetch script, and the machine's own CAs
# (one file, empty when there are none) for a TLS-intercepting proxy between builds and registries.
context_for() {
  local name=$1 context=$work/$1
  rm -rf "$context" && mkdir -p "$context"
  cp -a "$here/images/$name/." "$here/images/npm-tarball.sh" "$context/"
  cat /usr/local/share/ca-certificates/*.crt >"$context/build-ca.crt" 2>/dev/null || true
  printf '%s\n' "$context"
}

# Runs one step with its output in the build log, shown only when the step fails.
logged() {
  if ! "$@" >>"$build_log" 2>&1; then
    tail -n 40 "$build_log" >&2
    die "failed: $* (whole log: $build_log)"
  fi
}

# Builds <image> from its context unless an image of that name has the same recipe hash, which
# covers the context, the build arguments and the ids of the images it is built FROM.
#   build <image> <context> "<parent image>…" <NAME=value>…
build() {
  local image=$1 context=$2 parents=$3 started=$SECONDS hash parent
  shift 3
  local ids=()
  for parent in $parents; do ids+=("$(docker image inspect --format '{{.Id}}' "$parent")"); done
  hash=$(recipe_hash "$context" "$@" "${ids[@]}")
  if up_to_date "$image" "$hash"; then
    log "$image: up to date"
    return
  fi
  log "$image: building"
  local args=() arg
  for arg in "$@"; do args+=(--build-arg "$arg"); done
  logged docker build --progress=plain --label "org.keyless.recipe=$hash" "${args[@]}" -t "$image" "$context"
  log "$image: built in $((SECONDS - started)) s"
}

build_debian() {
  local context started=$SECONDS hash
  context=$(context_for debian)
  hash=$(recipe_hash "$context")
  if up_to_date "$debian" "$hash"; then
    log "$debian: up to date"
    return
  fi
  if ! command -v mmdebstrap >/dev/null; then
    [[ $(id -u) == 0 ]] || die "mmdebstrap is needed for the Debian root file system (and root to run it)"
    ensure_host_packages "$MMDEBSTRAP_PACKAGE"
  fi
  log "$debian: building (mmdebstrap)"
  logged bash -c 'set -o pipefail; "$1/rootfs.sh" | docker import --change "CMD [\"bash\"]" \
    --change "LABEL org.keyless.recipe=$2" - "$3"' _ "$context" "$hash" "$debian"
  log "$debian: built in $((SECONDS - started)) s"
}

started=$SECONDS
build_debian
node_context=$(context_for node)
extra_ca=
[[ -s $node_context/build-ca.crt ]] && extra_ca=/usr/local/share/ca-certificates/keyless-build-ca.crt
build "$node" "$node_context" "$debian" "DEBIAN_IMAGE=$debian" \
  "NODE_VERSION=$NODE_VERSION" "NODE_INTEGRITY=$NODE_INTEGRITY" \
  "NPM_VERSION=$NPM_VERSION" "NPM_INTEGRITY=$NPM_INTEGRITY" \
  "COREPACK_VERSION=$COREPACK_VERSION" "COREPACK_INTEGRITY=$COREPACK_INTEGRITY" \
  "NODE_EXTRA_CA_CERTS=$extra_ca"
moto_context=$(context_for moto)
cp "$root/local/platform/requirements.lock" "$moto_context/"
build "$moto" "$moto_context" "$debian" "DEBIAN_IMAGE=$debian"
build "$postgres" "$(context_for postgres)" "$debian $node" "DEBIAN_IMAGE=$debian" "NODE_IMAGE=$node" \
  "PG_MAJOR=${EMBEDDED_POSTGRES_VERSION%%.*}" \
  "EMBEDDED_POSTGRES_VERSION=$EMBEDDED_POSTGRES_VERSION" "EMBEDDED_POSTGRES_INTEGRITY=$EMBEDDED_POSTGRES_INTEGRITY"

cat >"$env_file" <<EOF
# Written by tools/container-engine/build-images.sh: no image registry answered, so these locally
# built images stand in for the official ones .env pins. Later variables win over .env's:
#   docker compose --env-file .env --env-file .local/container-images.env …
KEYLESS_IMAGES=local
NODE_IMAGE=$node
MOTO_IMAGE=$moto
POSTGRES_IMAGE=$postgres
EOF
log "images ready in $((SECONDS - started)) s; $env_file selects them:"
docker image ls --filter 'reference=keyless-local/*' --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | sed 's/^/  /' >&2
