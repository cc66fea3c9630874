#!/usr/bin/env bash
# Starts a throwaway RabbitMQ node for the tests and writes what the tests and the stop script need
# to <envfile> as shell assignments:
#   bash infra/scripts/rabbitmq-start.sh <envfile>      ...      bash infra/scripts/rabbitmq-stop.sh <envfile>
#
# The node uses Debian's rabbitmq-server package (3.10) but none of its state: its own free ports
# (AMQP, management, Erlang distribution, and a private epmd), its own node name, a generated config,
# and one temporary directory ($TMPDIR/medcom-rabbitmq.XXXXXX) holding data, logs, the Erlang cookie
# (HOME points there) and the generated files. A default node started by the package keeps running
# untouched. Everything listens on 127.0.0.1 only.
#
# <envfile> gets, among others:
#   RABBITMQ_URL=amqp://medcom:<password>@127.0.0.1:<port>/medcom-test   (vhost "medcom-test", exists)
#   RABBITMQ_MGMT_URL=http://127.0.0.1:<port>/    (only with the management plugin, same user/password)
#   RABBITMQ_USER, RABBITMQ_PASSWORD, RABBITMQ_HOST, RABBITMQ_PORT, RABBITMQ_VHOST
#   RABBITMQ_NODENAME, RABBITMQ_MNESIA_BASE, RABBITMQ_LOG_BASE, RABBITMQ_LOG_FILE, ERL_EPMD_PORT, ...
#   RABBITMQCTL=<dir>/rabbitmqctl   a wrapper that talks to this node: "$RABBITMQCTL list_queues -p medcom-test"
# The user has the administrator tag and full permissions on medcom-test, so tests may create (and
# delete) vhosts of their own through the management API.
#
# Environment:
#   MEDCOM_RABBITMQ_MANAGEMENT=0    do not enable the management plugin (default 1; costs about a second, mostly when stopping)
#   MEDCOM_RABBITMQ_START_TIMEOUT=N seconds to wait for the node (default 60; it usually takes about 5)
#
# Nodes started here whose starting process (normally test.sh) has gone away, e.g. after a kill -9 or
# a cancelled CI job, are stopped by the next start. Exit code 0 only when the node is up (await_startup),
# answers the AMQP 0-9-1 handshake and accepts the generated user; otherwise the node log goes to
# stderr and nothing is left running.
set -euo pipefail

envfile="${1:?usage: rabbitmq-start.sh <envfile>}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp_root="${TMPDIR:-/tmp}"
tmp_root="${tmp_root%/}"
timeout_s="${MEDCOM_RABBITMQ_START_TIMEOUT:-60}"
lockfile="$tmp_root/medcom-rabbitmq.lock"
management="${MEDCOM_RABBITMQ_MANAGEMENT:-1}"
vhost="medcom-test"
user="medcom"

say() { echo "rabbitmq-start: $*" >&2; }

# --- tools -------------------------------------------------------------------------------------------
# On Debian /usr/sbin/rabbitmq-server is a wrapper that switches to the rabbitmq user and its HOME;
# the real scripts sit in /usr/lib/rabbitmq/bin. Elsewhere (generic unix package) use what is on PATH.
find_tool() {
  local name="$1" dir
  for dir in /usr/lib/rabbitmq/bin /usr/local/lib/rabbitmq/bin; do
    if [ -x "$dir/$name" ]; then echo "$dir/$name"; return 0; fi
  done
  command -v "$name" 2>/dev/null || { [ -x "/usr/sbin/$name" ] && echo "/usr/sbin/$name"; } || return 1
}
server_bin="$(find_tool rabbitmq-server)" || { say "rabbitmq-server is not installed (apt-get install rabbitmq-server)"; exit 1; }
ctl_bin="$(find_tool rabbitmqctl)" || { say "rabbitmqctl is not installed"; exit 1; }
epmd_bin="$(command -v epmd 2>/dev/null || ls /usr/lib/erlang/bin/epmd 2>/dev/null)" || { say "epmd (Erlang) is not installed"; exit 1; }

# --- small helpers -----------------------------------------------------------------------------------
now_ms() { local t; t="$(date +%s%N)"; echo $((t / 1000000)); }
started_ms="$(now_ms)"
elapsed() { local t; t=$(( $(now_ms) - started_ms )); printf '%d.%01ds' $((t / 1000)) $((t % 1000 / 100)); }

# Start time (clock ticks since boot) of a process, so a reused pid is not taken for the original.
proc_start() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  # shellcheck disable=SC2086
  set -- $stat
  echo "${20}"
}

# Something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Something listens on port $1 (read from /proc, so no connection shows up in the node's logs).
port_listening() {
  local hex
  if [ -r /proc/net/tcp ]; then
    hex="$(printf '%04X' "$1")"
    awk -v p="$hex" 'FNR > 1 && $4 == "0A" { n = split($2, a, ":"); if (toupper(a[n]) == p) found = 1 } END { exit !found }' \
      /proc/net/tcp /proc/net/tcp6 2>/dev/null
  else
    port_open "$1"
  fi
}

# Ports in LISTEN state (any address) plus the ports other test nodes have claimed but may not bind yet.
used_ports() {
  local hex
  if [ -r /proc/net/tcp ]; then
    awk 'FNR > 1 && $4 == "0A" { n = split($2, a, ":"); print a[n] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null |
      while read -r hex; do echo $((16#$hex)); done
  fi
  cat "$tmp_root"/medcom-rabbitmq.*/ports 2>/dev/null || true
}

# Prints $1 distinct free ports below the ephemeral range (so outgoing connections cannot take them
# between the check and the bind), away from RabbitMQ's and epmd's defaults.
pick_ports() {
  local count="$1" low=20000 high=32000 eph_low used=" " port picked=() tries=0
  eph_low="$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
  if [ "$eph_low" -gt $((low + 2000)) ] && [ "$eph_low" -le "$high" ]; then high=$((eph_low - 1)); fi
  used+="$(used_ports | tr '\n' ' ') 4369 5672 15672 25672 "
  while [ "${#picked[@]}" -lt "$count" ]; do
    tries=$((tries + 1))
    [ "$tries" -lt 1000 ] || { say "found no free ports in $low-$high"; return 1; }
    port=$(( low + (RANDOM * 32768 + RANDOM) % (high - low + 1) ))
    case "$used" in *" $port "*) continue ;; esac
    port_open "$port" && continue
    used+="$port "
    picked+=("$port")
  done
  echo "${picked[*]}"
}

# Runs "$@" holding a machine-wide lock (port picking, reaping), or without it where flock or the
# lock file is not available (the lock only narrows races; ports are checked again before use).
locked() {
  if command -v flock >/dev/null 2>&1 && { : >>"$lockfile"; } 2>/dev/null; then
    ( flock -w 30 9 || true; "$@" ) 9>>"$lockfile"
  else
    "$@"
  fi
}

pick_and_record() {
  local ports
  ports="$(pick_ports "$1")" || return 1
  echo "$ports" | tr ' ' '\n' >"$base/ports"
  echo "$ports"
}

# Pids of every process that carries this node's tag in its environment (beam, epmd, helpers, CLI).
tagged_pids() {
  grep -lzxF "MEDCOM_RABBITMQ_TAG=$1" /proc/[0-9]*/environ 2>/dev/null | sed -n 's#^/proc/\([0-9]*\)/environ$#\1#p' || true
}

# --- leftovers ---------------------------------------------------------------------------------------
# A node whose starting process is gone (test.sh killed, CI job cancelled) is nobody's; stop it.
reap_orphans() {
  local dir file owner pid start
  for dir in "$tmp_root"/medcom-rabbitmq.*/; do
    dir="${dir%/}"
    file="$dir/node.env"
    if [ ! -f "$dir/.medcom-rabbitmq" ] || [ ! -O "$dir" ]; then continue; fi
    if [ ! -f "$file" ]; then
      # A start that died before writing anything; harmless unless it is old.
      if [ -n "$(find "$dir" -maxdepth 0 -mmin +10 2>/dev/null)" ]; then rm -rf "$dir"; fi
      continue
    fi
    owner="$(sed -n 's/^RABBITMQ_OWNER=//p' "$file" | tr -d "'\"")"
    pid="${owner%%:*}"
    start="${owner#*:}"
    if [ -n "$pid" ] && [ "$(proc_start "$pid" 2>/dev/null)" = "$start" ]; then
      continue # still in use by a running test.sh (or a shell that started it by hand)
    fi
    say "stopping leftover node from a finished run ($dir)"
    bash "$here/rabbitmq-stop.sh" "$file" >/dev/null 2>&1 || true
  done
}

# --- one attempt -------------------------------------------------------------------------------------
base=""
cleanup_attempt() {
  if [ -n "$base" ] && [ -d "$base" ]; then
    bash "$here/rabbitmq-stop.sh" "$base/node.env" >/dev/null 2>&1 || true
    rm -rf "$base"
  fi
  base=""
}
on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then cleanup_attempt; fi
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_logs() {
  local f
  for f in "$base/log/node.log" "$base/log/startup.log" "$base/log/epmd.log"; do
    if [ -s "$f" ]; then
      echo "----- last 50 lines of $(basename "$f") -----" >&2
      tail -n 50 "$f" >&2
    fi
  done
  echo "-----" >&2
}

# Ends a failed attempt: 2 when a port was taken by someone else meanwhile (worth another try with
# other ports), else 1 after printing the logs.
fail_attempt() { # fail_attempt <message> [file with the failing command's output]
  if [ "$try" -lt 3 ] && grep -qi "eaddrinuse\|address already in use" "$base"/log/*.log 2>/dev/null; then
    say "$1; a port was taken meanwhile, trying again with other ports"
    return 2
  fi
  say "$1"
  if [ -n "${2:-}" ] && [ -s "$2" ]; then cat "$2" >&2; fi
  show_logs
  return 1
}

# Writes one shell assignment per line; values are quoted for bash's `source`.
assign() { printf '%s=%q\n' "$1" "$2"; }

# Reads connection.start from the AMQP port: the broker is up and speaks AMQP 0-9-1.
amqp_answers() {
  local reply
  reply="$(
    exec 2>/dev/null
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'AMQP\000\000\011\001' >&3
    timeout 5 head -c 11 <&3 | od -An -tx1 | tr -d ' \n'
  )" || return 1
  # frame type 1 (method), channel 0, size, class 10 (connection), method 10 (start)
  [ "${reply:0:6}" = "010000" ] && [ "${reply:14:8}" = "000a000a" ]
}

# GET on the management API with the generated user; prints the HTTP status code.
mgmt_status() {
  local port="$1" path="$2" auth line
  auth="$(printf '%s:%s' "$user" "$password" | base64 | tr -d '\n')"
  line="$(
    exec 2>/dev/null
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Basic %s\r\n\r\n' "$path" "$auth" >&3
    timeout 5 head -n 1 <&3
  )" || return 1
  line="${line#HTTP/* }"
  echo "${line%% *}"
}

attempt() {
  local ports amqp_port dist_port epmd_port mgmt_port="" nodename cookie launcher epmd_pid beam_pid
  local deadline remaining status

  base="$(mktemp -d "$tmp_root/medcom-rabbitmq.XXXXXX")" || { base=""; say "cannot create a directory in $tmp_root"; return 1; }
  touch "$base/.medcom-rabbitmq" && mkdir -p "$base/home" "$base/mnesia" "$base/log" || return 1

  # Pick ports and record them under the lock, so parallel starts do not pick the same ones.
  if [ "$management" = "1" ]; then
    ports="$(locked pick_and_record 4)" || return 1
    read -r amqp_port dist_port epmd_port mgmt_port <<<"$ports"
  else
    ports="$(locked pick_and_record 3)" || return 1
    read -r amqp_port dist_port epmd_port <<<"$ports"
  fi

  nodename="medcomtest-$$-$RANDOM@localhost"
  password="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  cookie="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n' | tr 'a-f' 'A-F')"
  printf '%s' "$cookie" >"$base/home/.erlang.cookie"
  chmod 400 "$base/home/.erlang.cookie"
  : >"$base/rabbitmq-env.conf" # instead of /etc/rabbitmq/rabbitmq-env.conf

  {
    echo "# Generated by infra/scripts/rabbitmq-start.sh for one test run; removed by rabbitmq-stop.sh."
    echo "listeners.tcp.1 = 127.0.0.1:$amqp_port"
    echo "loopback_users = none"
    echo "default_vhost = $vhost"
    echo "default_user = $user"
    echo "default_pass = $password"
    echo "default_user_tags.administrator = true"
    echo "default_permissions.configure = .*"
    echo "default_permissions.read = .*"
    echo "default_permissions.write = .*"
    echo "log.console = false"
    echo "log.file.level = info"
    # A small CI disk or a busy machine must not make the broker block publishers mid-test.
    echo "disk_free_limit.absolute = 10MB"
    echo "vm_memory_high_watermark.relative = 0.8"
    if [ -n "$mgmt_port" ]; then
      echo "management.tcp.port = $mgmt_port"
      echo "management.tcp.ip = 127.0.0.1"
    fi
  } >"$base/rabbitmq.conf"
  if [ -n "$mgmt_port" ]; then
    echo '[rabbitmq_management].' >"$base/enabled_plugins"
  else
    echo '[].' >"$base/enabled_plugins"
  fi

  # The environment of every process of this node. RABBITMQ_*/ERL_* variables of the caller are
  # dropped first so a developer's own settings cannot redirect the node to shared state.
  local node_env=(env)
  local var
  while IFS= read -r var; do
    node_env+=(-u "$var")
  done < <(compgen -e | grep -E '^(RABBITMQ_|ERL_|MEDCOM_RABBITMQ_TAG$)' || true)
  node_env+=(
    "MEDCOM_RABBITMQ_TAG=$base"
    "HOME=$base/home"
    "ERL_EPMD_PORT=$epmd_port"
    "ERL_EPMD_ADDRESS=127.0.0.1"
    "ERL_CRASH_DUMP=$base/log/erl_crash.dump"
    "RABBITMQ_NODENAME=$nodename"
    "RABBITMQ_USE_LONGNAME=false"
    "RABBITMQ_DIST_PORT=$dist_port"
    "RABBITMQ_MNESIA_BASE=$base/mnesia"
    "RABBITMQ_LOG_BASE=$base/log"
    "RABBITMQ_LOGS=$base/log/node.log"
    "RABBITMQ_CONFIG_FILE=$base/rabbitmq.conf"
    "RABBITMQ_CONFIG_FILES=$base/conf.d"
    "RABBITMQ_ADVANCED_CONFIG_FILE=$base/advanced.config"
    "RABBITMQ_ENABLED_PLUGINS_FILE=$base/enabled_plugins"
    "RABBITMQ_CONF_ENV_FILE=$base/rabbitmq-env.conf"
    "RABBITMQ_PID_FILE=$base/rabbitmq.pid"
    "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
    # CLI tools listen on any free port instead of the fixed 35672-35682 range.
    "RABBITMQ_CTL_DIST_PORT_MIN=0"
    "RABBITMQ_CTL_DIST_PORT_MAX=0"
  )

  # rabbitmqctl for this node, for the stop script, the tests' debugging and humans.
  {
    echo '#!/usr/bin/env bash'
    echo "# rabbitmqctl for the throwaway test node $nodename (generated by rabbitmq-start.sh)"
    printf 'cd %q || exit 1\n' "$base"
    printf 'exec'
    printf ' %q' "${node_env[@]}" "$ctl_bin" -n "$nodename"
    printf ' "$@"\n'
  } >"$base/rabbitmqctl"
  chmod +x "$base/rabbitmqctl"

  # Everything stop needs is on disk before anything runs, so an interrupted start can be cleaned up.
  {
    echo "# Throwaway RabbitMQ node for the tests; stop with: bash infra/scripts/rabbitmq-stop.sh <this file>"
    assign RABBITMQ_URL "amqp://$user:$password@127.0.0.1:$amqp_port/$vhost"
    assign RABBITMQ_HOST 127.0.0.1
    assign RABBITMQ_PORT "$amqp_port"
    assign RABBITMQ_VHOST "$vhost"
    assign RABBITMQ_USER "$user"
    assign RABBITMQ_PASSWORD "$password"
    if [ -n "$mgmt_port" ]; then
      assign RABBITMQ_MGMT_URL "http://127.0.0.1:$mgmt_port/"
      assign RABBITMQ_MGMT_PORT "$mgmt_port"
    fi
    assign RABBITMQ_NODENAME "$nodename"
    assign RABBITMQ_DIST_PORT "$dist_port"
    assign ERL_EPMD_PORT "$epmd_port"
    assign RABBITMQ_BASE_DIR "$base"
    assign RABBITMQ_MNESIA_BASE "$base/mnesia"
    assign RABBITMQ_LOG_BASE "$base/log"
    assign RABBITMQ_LOG_FILE "$base/log/node.log"
    assign RABBITMQ_CONFIG_FILE "$base/rabbitmq.conf"
    assign RABBITMQ_ENABLED_PLUGINS_FILE "$base/enabled_plugins"
    assign RABBITMQ_HOME_DIR "$base/home"
    assign RABBITMQCTL "$base/rabbitmqctl"
    assign RABBITMQ_OWNER "$PPID:$(proc_start "$PPID" 2>/dev/null || echo 0)"
  } >"$base/node.env"

  # Private epmd on its own port: nothing shared with other nodes, and it is ours to kill.
  (cd "$base" && exec setsid -w "${node_env[@]}" "$epmd_bin" -port "$epmd_port" </dev/null >"$base/log/epmd.log" 2>&1) &
  launcher=$!
  disown "$launcher" 2>/dev/null || true # no "Killed" job notice when stop kills it
  deadline=$(( $(now_ms) + 5000 ))
  until port_listening "$epmd_port"; do
    if ! kill -0 "$launcher" 2>/dev/null || [ "$(now_ms)" -gt "$deadline" ]; then
      fail_attempt "epmd did not start on port $epmd_port"
      return $?
    fi
    sleep 0.05
  done

  # Someone took one of the ports since they were picked: try again right away with others.
  for var in "$amqp_port" "$dist_port" $mgmt_port; do
    if port_listening "$var"; then
      if [ "$try" -lt 3 ]; then say "port $var was taken meanwhile, trying again with other ports"; return 2; fi
      say "port $var was taken meanwhile"
      return 1
    fi
  done

  # The server: rabbitmq-server runs erl in the background and forwards TERM to it; setsid -w keeps
  # the launcher pid alive exactly as long as the server, wherever setsid had to fork.
  (cd "$base" && exec setsid -w "${node_env[@]}" "$server_bin" </dev/null >"$base/log/startup.log" 2>&1) &
  launcher=$!
  disown "$launcher" 2>/dev/null || true

  deadline=$(( $(now_ms) + timeout_s * 1000 ))
  while :; do
    if ! kill -0 "$launcher" 2>/dev/null; then
      fail_attempt "the node exited during start-up after $(elapsed)"
      return $?
    fi
    if port_listening "$amqp_port" && { [ -z "$mgmt_port" ] || port_listening "$mgmt_port"; }; then
      break
    fi
    if [ "$(now_ms)" -gt "$deadline" ]; then
      fail_attempt "the node did not open its ports within ${timeout_s}s"
      return $?
    fi
    sleep 0.2
  done

  # The official readiness check, then a real AMQP handshake and (with management) a real login.
  remaining=$(( (deadline - $(now_ms)) / 1000 ))
  [ "$remaining" -ge 5 ] || remaining=5
  if ! timeout $((remaining + 10)) "$base/rabbitmqctl" await_startup --timeout "$remaining" </dev/null >"$base/log/await.log" 2>&1; then
    fail_attempt "rabbitmqctl await_startup failed after $(elapsed)" "$base/log/await.log"
    return $?
  fi
  if ! amqp_answers "$amqp_port"; then
    fail_attempt "port $amqp_port is open but does not answer the AMQP 0-9-1 handshake"
    return $?
  fi
  if [ -n "$mgmt_port" ]; then
    status="$(mgmt_status "$mgmt_port" "/api/vhosts/$vhost" || true)"
    if [ "$status" != "200" ]; then
      fail_attempt "management API answered '${status:-nothing}' for /api/vhosts/$vhost as $user (expected 200)"
      return $?
    fi
  else
    if ! timeout 30 "$base/rabbitmqctl" authenticate_user "$user" "$password" </dev/null >"$base/log/auth.log" 2>&1; then
      fail_attempt "the generated user cannot log in" "$base/log/auth.log"
      return $?
    fi
  fi

  beam_pid="$(cat "$base/rabbitmq.pid" 2>/dev/null || true)"
  epmd_pid=""
  for var in $(tagged_pids "$base"); do
    [ "$(cat "/proc/$var/comm" 2>/dev/null)" = "epmd" ] && epmd_pid="$var"
  done
  {
    assign RABBITMQ_PID "$beam_pid"
    assign RABBITMQ_EPMD_PID "$epmd_pid"
  } >>"$base/node.env"
  return 0
}

# --- main --------------------------------------------------------------------------------------------
mkdir -p "$(dirname "$envfile")"
# The same envfile describing a node that is still running: that node is being replaced.
if [ -f "$envfile" ] && grep -q '^RABBITMQ_BASE_DIR=' "$envfile"; then
  bash "$here/rabbitmq-stop.sh" "$envfile" >/dev/null 2>&1 || true
fi

locked reap_orphans || true

for try in 1 2 3; do
  set +e
  attempt
  rc=$?
  set -e
  [ "$rc" -eq 0 ] && break
  cleanup_attempt
  if [ "$rc" -ne 2 ]; then
    say "could not start RabbitMQ (after $(elapsed))"
    exit 1
  fi
done

cp "$base/node.env" "$envfile.tmp.$$"
mv -f "$envfile.tmp.$$" "$envfile"
# shellcheck disable=SC1091
port_line="$(. "$base/node.env"; echo "AMQP 127.0.0.1:$RABBITMQ_PORT${RABBITMQ_MGMT_PORT:+, management 127.0.0.1:$RABBITMQ_MGMT_PORT}")"
say "node $(sed -n 's/^RABBITMQ_NODENAME=//p' "$base/node.env") ready in $(elapsed): $port_line, vhost $vhost, user $user"
