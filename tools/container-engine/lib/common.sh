# Where the private engine lives. Never /var/run/docker.sock: anything answering there switches
# the test harness to containers for every process on the machine.
KEYLESS_ENGINE_RUN=/run/keyless-engine
KEYLESS_ENGINE_HOST=unix://$KEYLESS_ENGINE_RUN/docker.sock
# Downloads and unpacked packages, kept between runs (keyed by versions) so a second run is fast.
KEYLESS_ENGINE_CACHE=${KEYLESS_ENGINE_CACHE:-/var/cache/keyless-engine}
# Images and build cache, kept between runs for the same reason.
KEYLESS_ENGINE_DATA=${KEYLESS_ENGINE_DATA:-/var/lib/keyless-engine}
KEYLESS_ENGINE_LOG=${KEYLESS_ENGINE_LOG:-/var/log/keyless-engine.log}

# Everything for the reader goes to stderr: stdout carries only what the caller evaluates.
log() { printf 'container-engine: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}
