# dockerd changes the host's network for NAT: it turns on ip_forward, sets the iptables FORWARD
# policy to DROP, adds its chains and rules, and leaves all of that behind when it stops, along
# with its bridges. The state before is saved at bring-up and put back at teardown; only what
# dockerd added is removed, so rules anyone else added meanwhile stay.

network_state=$KEYLESS_ENGINE_RUN/host-network

save_host_network() {
  # A state saved by a run that never tore down is the real "before": keep it.
  [[ -f $network_state/complete ]] && return
  mkdir -p "$network_state"
  cat /proc/sys/net/ipv4/ip_forward >"$network_state/ip_forward"
  iptables-save >"$network_state/iptables"
  ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' >"$network_state/links"
  touch "$network_state/complete"
}

# dockerd's own: its chains, jumps to them, anything about its bridges, and the NAT that lets a
# container reach its own published port, which names only the container's address (source and
# destination both); dockerd removes those itself unless it was killed.
is_docker_rule() {
  [[ $1 =~ DOCKER|docker0|br-[0-9a-f]{12} ]] && return 0
  [[ $1 =~ ^-A\ POSTROUTING\ -s\ ([0-9.]+)/32\ -d\ ([0-9.]+)/32\ .*-j\ MASQUERADE$ ]] &&
    [[ ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" ]]
}

restore_host_network() {
  [[ -f $network_state/complete ]] || return 0
  local table line chain policy
  local -a rule
  for table in $(iptables-save | sed -n 's/^\*//p'); do
    # Rules added since, deleted one by one, in reverse so jumps go before their chains.
    iptables-save -t "$table" | grep '^-A ' | tac | while read -r line; do
      if grep -qxF -- "$line" "$network_state/iptables" || ! is_docker_rule "$line"; then continue; fi
      read -ra rule <<<"${line#-A }"
      iptables -t "$table" -D "${rule[@]}"
    done
    iptables-save -t "$table" | sed -n 's/^:\([^ ]*\) - .*/\1/p' | while read -r chain; do
      if grep -q "^:$chain " "$network_state/iptables" || ! is_docker_rule "$chain"; then continue; fi
      iptables -t "$table" -F "$chain"
      iptables -t "$table" -X "$chain"
    done
  done
  # Built-in chains' policies as they were (a table absent before had them all at ACCEPT).
  for chain in INPUT FORWARD OUTPUT; do
    policy=$(sed -n '/^\*filter/,/^COMMIT/s/^:'"$chain"' \([A-Z]*\) .*/\1/p' "$network_state/iptables")
    iptables -t filter -P "$chain" "${policy:-ACCEPT}"
  done
  cat "$network_state/ip_forward" >/proc/sys/net/ipv4/ip_forward
  ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | while read -r line; do
    if grep -qxF -- "$line" "$network_state/links"; then continue; fi
    if [[ $line == docker0 || $line =~ ^br-[0-9a-f]{12}$ ]]; then ip link delete "$line"; fi
  done
  rm -rf "$network_state"
}
