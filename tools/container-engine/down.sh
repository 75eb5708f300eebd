#!/usr/bin/env bash
# Stops the engine up.sh started and puts the host's network back as it was: iptables (FORWARD
# policy, dockerd's chains and rules), ip_forward, its bridges. Does nothing when up.sh started
# nothing (an engine that was already there is not ours to stop). Images and build cache stay in
# the data root for the next run.
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/lib/common.sh"
source "$here/lib/probe.sh"
source "$here/lib/host-network.sh"
source "$here/lib/dockerd.sh"

if [[ ! -d $KEYLESS_ENGINE_RUN ]]; then
  log "no private engine here; nothing to tear down"
  exit 0
fi
stop_dockerd
unmount_leftovers
restore_host_network
rm -rf "$KEYLESS_ENGINE_RUN"
log "engine stopped; host network restored"
