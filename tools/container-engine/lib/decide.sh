# Whether to bring an engine up, from facts gathered elsewhere, so the choice can be tested alone.
#   decide <answering host|""> <DOCKER_HOST as set|""> <uid> <os id> <os codename>
# prints one of:
#   ours               our private engine answers already
#   other <host>       another engine answers: use it, change nothing
#   start              none answers and this machine allows one
#   refuse <reason>    none answers and none can be started here
decide() {
  local answering=$1 docker_host=$2 uid=$3 os_id=$4 codename=$5
  if [[ $answering == "$KEYLESS_ENGINE_HOST" ]]; then
    echo ours
  elif [[ -n $answering ]]; then
    echo "other $answering"
  elif [[ -n $docker_host && $docker_host != "$KEYLESS_ENGINE_HOST" ]]; then
    # Someone chose that engine on purpose; starting another behind their back would hide it.
    echo "refuse DOCKER_HOST=$docker_host does not answer (unset it to let this script start an engine)"
  elif [[ $uid != 0 ]]; then
    echo "refuse no container engine answers, and starting one needs root"
  elif [[ $os_id != debian || $codename != bookworm ]]; then
    # The host packages are pinned to bookworm's versions, and the trixie binaries need its glibc.
    echo "refuse no container engine answers, and this script starts one on Debian bookworm only (this is ${os_id:-unknown} ${codename:-})"
  else
    echo start
  fi
}
