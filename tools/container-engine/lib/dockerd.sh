# dockerd on the private socket, with its own data root, exec root and (empty) configuration, so
# that nothing of a Docker installation the machine may have is read or touched.

dockerd_pid() {
  local pid
  pid=$(cat "$KEYLESS_ENGINE_RUN/dockerd.pid" 2>/dev/null) || return 1
  # A pid file outliving its process could name an unrelated process since: check it is dockerd.
  [[ -n $pid && $(readlink "/proc/$pid/exe" 2>/dev/null) == */dockerd ]] && echo "$pid"
}

start_dockerd() {
  local engine=$1
  mkdir -p "$KEYLESS_ENGINE_RUN" "$KEYLESS_ENGINE_DATA"
  echo '{}' >"$KEYLESS_ENGINE_RUN/daemon.json"
  log "starting dockerd on $KEYLESS_ENGINE_HOST (log: $KEYLESS_ENGINE_LOG)"
  # setsid: the engine outlives this script and is stopped by down.sh, not by the caller's Ctrl-C.
  PATH=$engine/bin:/usr/sbin:/usr/bin:/sbin:/bin setsid "$engine/bin/dockerd" \
    --host "$KEYLESS_ENGINE_HOST" \
    --config-file "$KEYLESS_ENGINE_RUN/daemon.json" \
    --data-root "$KEYLESS_ENGINE_DATA/docker" \
    --exec-root "$KEYLESS_ENGINE_RUN/exec" \
    --pidfile "$KEYLESS_ENGINE_RUN/dockerd.pid" \
    --storage-driver overlay2 \
    </dev/null >>"$KEYLESS_ENGINE_LOG" 2>&1 &
  local child=$! waited=0
  until engine_answers "$KEYLESS_ENGINE_HOST"; do
    if ! kill -0 "$child" 2>/dev/null || ((waited >= 120)); then
      tail -n 30 "$KEYLESS_ENGINE_LOG" >&2
      kill "$child" 2>/dev/null || true
      die "dockerd did not answer on $KEYLESS_ENGINE_HOST (its log above)"
    fi
    sleep 0.5
    ((waited += 1))
  done
}

# The client's plugins (compose, buildx) are found through a configuration directory of ours,
# whichever docker client the caller runs.
write_client_config() {
  local engine=$1 config=$KEYLESS_ENGINE_RUN/docker-config
  mkdir -p "$config/cli-plugins"
  ln -sf "$engine/root/usr/libexec/docker/cli-plugins/docker-compose" "$config/cli-plugins/"
  ln -sf "$engine/root/usr/libexec/docker/cli-plugins/docker-buildx" "$config/cli-plugins/"
  mkdir -p "$KEYLESS_ENGINE_RUN/bin"
  ln -sf "$engine/root/usr/bin/docker" "$KEYLESS_ENGINE_RUN/bin/docker"
}

# SIGTERM lets dockerd stop its containers and its containerd. If it had to be killed (or had
# died), its containers are deleted through runc and whatever of the engine is left is killed by
# pid, found by its executable lying in the engine's directory.
stop_dockerd() {
  local pid waited=0
  if pid=$(dockerd_pid); then
    log "stopping dockerd (pid $pid)"
    kill -TERM "$pid"
    while kill -0 "$pid" 2>/dev/null && ((waited < 120)); do
      sleep 0.5
      ((waited += 1))
    done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  fi
  kill_leftover_containers
  local leftover
  for leftover in $(engine_processes); do
    log "killing what dockerd left: $(tr '\0' ' ' <"/proc/$leftover/cmdline")(pid $leftover)"
    kill -KILL "$leftover" 2>/dev/null || true
  done
}

# Containers a killed dockerd could not stop: runc, which started them, kills and deletes them
# (killing their shims would leave them running, holding their network and mounts).
kill_leftover_containers() {
  local state=$KEYLESS_ENGINE_RUN/exec/runtime-runc/moby id
  [[ -d $state ]] || return 0
  for id in $(runc --root "$state" list --quiet 2>/dev/null); do
    log "deleting container ${id:0:12}, which dockerd left running"
    runc --root "$state" delete --force "$id" || true
  done
}

# Pids whose executable is one of the cached engine's binaries (containerd and its shims).
engine_processes() {
  local proc exe
  for proc in /proc/[0-9]*; do
    exe=$(readlink "$proc/exe" 2>/dev/null) || continue
    if [[ $exe == "$KEYLESS_ENGINE_CACHE"/engine-*/root/* ]]; then echo "${proc#/proc/}"; fi
  done
}

# dockerd unmounts its own on a clean stop; after a kill, the overlay and netns mounts stay.
unmount_leftovers() {
  local mountpoint
  awk -v run="$KEYLESS_ENGINE_RUN/" -v data="$KEYLESS_ENGINE_DATA/" \
    'index($2, run) == 1 || index($2, data) == 1 { print $2 }' /proc/self/mounts | sort -r |
    while read -r mountpoint; do umount -l "$mountpoint" || true; done
}
