# Every package the engine is made of, pinned. Sourced by the scripts; the tests read it too.
# A pin that Debian has since superseded fails the download with apt's "Version '…' for '…' was
# not found": look up the current one with `tools/container-engine/trixie-apt.sh madison <package>`
# (or `apt-cache madison` for bookworm) and change it here.

# From Debian trixie (13): bookworm's docker.io (20.10, API 1.41) is too old for the compose
# file's healthcheck start_interval (API 1.44), and bookworm has no compose v2. These need only
# glibc >= 2.34, which bookworm has, so they run unpacked from their own directory.
ENGINE_DEBS=(
  docker.io=26.1.5+dfsg1-9+deb13u1+b1
  docker-cli=26.1.5+dfsg1-9+deb13u1+b1
  containerd=1.7.24~ds1-6+deb13u1
  docker-compose=2.26.1-4
  docker-buildx=0.13.1+ds1-3
)

# From the machine's own release (bookworm), installed with apt-get: what dockerd runs
# containers with (runc), their init (tini's static binary as docker-init) and its NAT.
HOST_PACKAGES=(
  runc=1.1.5+ds1-1+deb12u1
  tini=0.19.0-1+b3
  iptables=1.8.9-2
)
