#!/usr/bin/env bash
# A Debian bookworm root file system as a tar on stdout, for `docker import`: what debian:bookworm-slim
# is (the minbase variant, without documentation, manual pages and translations), made from
# Debian's archive with mmdebstrap instead of pulled from a registry. Needs root and mmdebstrap.
set -euo pipefail

# The official -slim images' dpkg exclusions (debuerreotype's). mmdebstrap keeps them in the image
# (/etc/dpkg/dpkg.cfg.d/99mmdebstrap), so a later apt-get install leaves the same things out.
dpkgopts=()
for option in \
  'path-exclude=/usr/share/doc/*' \
  'path-include=/usr/share/doc/*/copyright' \
  'path-exclude=/usr/share/groff/*' \
  'path-exclude=/usr/share/info/*' \
  'path-exclude=/usr/share/linda/*' \
  'path-exclude=/usr/share/lintian/*' \
  'path-exclude=/usr/share/locale/*' \
  'path-exclude=/usr/share/man/*'; do
  dpkgopts+=(--dpkgopt="$option")
done

# merged /usr made by symlinks (as debuerreotype does), not by the usrmerge package and the
# 40 MB of Perl it would leave in the image.
exec mmdebstrap --quiet --variant=minbase --format=tar "${dpkgopts[@]}" \
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
  bookworm - \
  'deb http://deb.debian.org/debian bookworm main' \
  'deb http://deb.debian.org/debian bookworm-updates main' \
  'deb http://deb.debian.org/debian-security bookworm-security main'
