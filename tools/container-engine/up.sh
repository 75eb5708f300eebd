#!/usr/bin/env bash
# Makes sure a container engine answers, for CI. When one does (a laptop with Docker), it changes
# nothing. When none does and this is root on Debian bookworm, it starts dockerd from trixie's
# packages on a private socket. Prints the shell lines that point the Docker client, docker
# compose and testcontainers at the engine:
#   eval "$(tools/container-engine/up.sh)"     # then tools/container-engine/down.sh to stop it
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/versions.sh"
source "$here/lib/common.sh"
source "$here/lib/decide.sh"
source "$here/lib/probe.sh"
source "$here/lib/fetch-engine.sh"
source "$here/lib/host-packages.sh"
source "$here/lib/host-network.sh"
source "$here/lib/dockerd.sh"

command -v curl >/dev/null || die "curl is needed to ask whether an engine answers"

os_field() { (source /etc/os-release 2>/dev/null && eval "echo \"\${$1:-}\""); }

# What the caller evaluates to reach our engine: its socket, its client plugins, its client.
print_our_environment() {
  printf "export DOCKER_HOST='%s'\n" "$KEYLESS_ENGINE_HOST"
  printf "export DOCKER_CONFIG='%s'\n" "$KEYLESS_ENGINE_RUN/docker-config"
  printf "export PATH='%s':\"\$PATH\"\n" "$KEYLESS_ENGINE_RUN/bin"
}

read -r action detail < <(decide "$(answering_host)" "${DOCKER_HOST:-}" "$(id -u)" \
  "$(os_field ID)" "$(os_field VERSION_CODENAME)")
case $action in
  ours)
    log "the private engine answers already on $KEYLESS_ENGINE_HOST"
    print_our_environment
    ;;
  other)
    log "an engine answers at $detail; nothing to do"
    ;;
  refuse)
    die "$detail"
    ;;
  start)
    started=$SECONDS
    ensure_host_packages "${HOST_PACKAGES[@]}"
    engine=$(fetch_engine)
    save_host_network
    start_dockerd "$engine"
    write_client_config "$engine"
    log "engine up on $KEYLESS_ENGINE_HOST in $((SECONDS - started)) s: $("$engine/bin/docker" -H "$KEYLESS_ENGINE_HOST" version --format 'server {{.Server.Version}}, API {{.Server.APIVersion}}')"
    print_our_environment
    ;;
esac
