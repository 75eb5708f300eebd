# Bookworm packages installed on the machine itself, at their pinned versions. Checked first, so a
# machine that has them already is not sent to the network.

# Prints the pins (name=version) that dpkg does not have installed at that version.
missing_packages() {
  local pin name version
  for pin in "$@"; do
    name=${pin%%=*} version=${pin#*=}
    [[ $(dpkg-query -W -f '${db:Status-Status} ${Version}' "$name" 2>/dev/null) == "installed $version" ]] ||
      printf '%s\n' "$pin"
  done
}

ensure_host_packages() {
  local missing
  missing=$(missing_packages "$@")
  [[ -z $missing ]] && return 0
  log "installing from bookworm: $(echo $missing) (apt's output: $KEYLESS_ENGINE_LOG)"
  # Another apt run on the machine holds the lock for a while at most; wait rather than fail.
  # shellcheck disable=SC2086 # one pin per word
  if ! { apt-get -o DPkg::Lock::Timeout=300 update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
      --no-install-recommends $missing; } >>"$KEYLESS_ENGINE_LOG" 2>&1; then
    tail -n 20 "$KEYLESS_ENGINE_LOG" >&2
    die "could not install $(echo $missing) (apt's output above)"
  fi
}
