# Which engine answers, if any: the same places the Docker CLI and testcontainers look.

# True when the engine at <host> (unix:///path or tcp://host:port) answers its ping.
engine_answers() {
  local host=$1
  case $host in
    unix://*) [[ -S ${host#unix://} ]] && [[ $(curl -fsS --max-time 3 --unix-socket "${host#unix://}" http://engine/_ping 2>/dev/null) == OK ]] ;;
    tcp://*) [[ $(curl -fsS --max-time 3 "http://${host#tcp://}/_ping" 2>/dev/null) == OK ]] ;;
    *) return 1 ;;
  esac
}

# Prints the answering host, if any. DOCKER_HOST, when set, is the only candidate, as for the
# Docker CLI; otherwise our private socket, the default socket and the CLI's current context
# (where Docker Desktop and rootless Docker are found).
answering_host() {
  local host candidates=("$KEYLESS_ENGINE_HOST" unix:///var/run/docker.sock)
  if [[ -n ${DOCKER_HOST:-} ]]; then
    candidates=("$DOCKER_HOST")
  elif command -v docker >/dev/null; then
    candidates+=("$(docker context inspect --format '{{.Endpoints.docker.Host}}' 2>/dev/null || true)")
  fi
  for host in "${candidates[@]}"; do
    if [[ -n $host ]] && engine_answers "$host"; then
      printf '%s\n' "$host"
      return
    fi
  done
}
