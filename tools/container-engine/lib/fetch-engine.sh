# The engine's trixie packages, downloaded once and unpacked into a directory of their own under
# the cache, keyed by their versions: a second bring-up reuses it without touching the network.
# Nothing is installed: dpkg -x only unpacks, so the machine's dpkg database never hears of trixie.

# shellcheck source=../trixie-apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/../trixie-apt.sh"

engine_key() {
  printf '%s\n' "${ENGINE_DEBS[@]}" | sha256sum | cut -c1-16
}

# Prints the directory holding root/ (the unpacked packages) and bin/ (what dockerd's PATH needs).
fetch_engine() {
  local dir
  dir=$KEYLESS_ENGINE_CACHE/engine-$(engine_key)
  if [[ ! -f $dir/complete ]]; then
    log "fetching the engine from trixie: ${ENGINE_DEBS[*]}"
    rm -rf "$dir" && mkdir -p "$dir/debs" "$dir/root" "$dir/bin"
    if ! { trixie_apt apt-get update -qq &&
      (cd "$dir/debs" && trixie_apt apt-get download -qq "${ENGINE_DEBS[@]}"); } >>"$KEYLESS_ENGINE_LOG" 2>&1; then
      tail -n 20 "$KEYLESS_ENGINE_LOG" >&2
      die "could not download the engine from trixie (apt's output above; a pin Debian has superseded? see versions.sh)"
    fi
    local deb
    for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$dir/root"; done
    rm -rf "$dir/debs" "$dir/root/usr/share/doc" "$dir/root/usr/share/man"
    link_engine_bin "$dir"
    touch "$dir/complete"
  fi
  printf '%s\n' "$dir"
}

# One directory for dockerd's PATH: the trixie binaries plus bookworm's runc and tini. The
# package's own docker-init is a relative link to a tini-static it does not ship.
link_engine_bin() {
  local dir=$1 name
  for name in usr/sbin/dockerd usr/sbin/docker-proxy usr/bin/docker usr/bin/containerd \
    usr/bin/containerd-shim-runc-v2 usr/bin/ctr; do
    ln -sf "$dir/root/$name" "$dir/bin/"
  done
  ln -sf /usr/bin/tini-static "$dir/bin/docker-init"
  ln -sf /usr/sbin/runc "$dir/bin/runc"
}
