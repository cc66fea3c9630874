#!/usr/bin/env bash
# Stops a node started by rabbitmq-start.sh and removes its temporary directory:
#   bash infra/scripts/rabbitmq-stop.sh <envfile> [dir-to-keep-the-node-log-in]
#
# Only the processes of that node are touched: the ones whose environment carries its tag
# (MEDCOM_RABBITMQ_TAG=<its directory>, set by the start script for beam, its helpers, its private
# epmd and the generated rabbitmqctl wrapper), by pid. Other RabbitMQ nodes and epmds on the machine,
# including a default node started by the Debian package, are left alone.
#
# The beam gets SIGTERM (the same graceful shutdown as `rabbitmqctl stop`, without starting an Erlang
# CLI that could itself hang on distribution); after MEDCOM_RABBITMQ_STOP_GRACE seconds (default 2)
# whatever is left is killed. Nothing of the node is kept, so a hard kill loses nothing.
# Safe to run twice, and on an envfile whose node is already gone. Exit code 1 only when processes
# survive SIGKILL.
set -uo pipefail

envfile="${1:?usage: rabbitmq-stop.sh <envfile> [log-dir]}"
keep_logs_in="${2:-}"
grace="${MEDCOM_RABBITMQ_STOP_GRACE:-2}"

say() { echo "rabbitmq-stop: $*" >&2; }

if [ ! -f "$envfile" ]; then
  say "no $envfile; nothing to stop"
  exit 0
fi

# Read the assignments we need without running the file (it may come from an older or foreign start).
value() {
  local line
  line="$(grep -m1 "^$1=" "$envfile" 2>/dev/null)" || return 0
  line="${line#*=}"
  # values were written with printf %q; none of ours need more than removing quotes/backslashes
  line="${line#\'}"
  line="${line%\'}"
  printf '%s' "${line//\\/}"
}
base="$(value RABBITMQ_BASE_DIR)"
node="$(value RABBITMQ_NODENAME)"

# Refuse to rm -rf anything that is not a directory this script family created.
case "$base" in
  */medcom-rabbitmq.*) ;;
  *) say "$envfile names no node directory (RABBITMQ_BASE_DIR='$base'); nothing to stop"; exit 0 ;;
esac

tagged_pids() {
  grep -lzxF "MEDCOM_RABBITMQ_TAG=$base" /proc/[0-9]*/environ 2>/dev/null |
    sed -n 's#^/proc/\([0-9]*\)/environ$#\1#p' | grep -vx -e "$$" -e "${BASHPID:-$$}" || true
}
comm_of() { cat "/proc/$1/comm" 2>/dev/null || true; }

now_ms() { local t; t="$(date +%s%N)"; echo $((t / 1000000)); }
wait_gone() { # wait_gone <ms> <filter: beam|any>
  local deadline=$(( $(now_ms) + $1 )) pid left
  while :; do
    left=""
    for pid in $(tagged_pids); do
      if [ "$2" = "any" ] || [ "$(comm_of "$pid")" = "beam.smp" ]; then left+="$pid "; fi
    done
    [ -z "$left" ] && return 0
    [ "$(now_ms)" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}

started="$(now_ms)"
pids="$(tagged_pids)"
if [ -n "$pids" ]; then
  # 1. graceful: SIGTERM to the beam(s) only; killing erl_child_setup first would make beam abort.
  for pid in $pids; do
    [ "$(comm_of "$pid")" = "beam.smp" ] && kill -TERM "$pid" 2>/dev/null
  done
  how="gracefully"
  if ! wait_gone $((grace * 1000)) beam; then
    # Usual with the management plugin: RabbitMQ 3.10 waits 5 s for its statistics collector
    # after everything that matters (listeners, message stores) has stopped.
    how="killed after the ${grace}s grace period"
  fi
  # 2. everything of this node that is left (beam, launcher, helpers, epmd, a hung rabbitmqctl)
  for pid in $(tagged_pids); do
    kill -KILL "$pid" 2>/dev/null
  done
  if ! wait_gone 5000 any; then
    say "could not stop pids $(tagged_pids | tr '\n' ' ')"
    exit 1
  fi
fi

if [ -n "$keep_logs_in" ] && [ -f "$base/log/node.log" ]; then
  mkdir -p "$keep_logs_in" && cp "$base/log/node.log" "$keep_logs_in/rabbitmq-${node%%@*}.log" 2>/dev/null
fi
if [ -d "$base" ] && [ -f "$base/.medcom-rabbitmq" ]; then
  rm -rf "$base"
fi
if [ -n "$pids" ]; then
  say "stopped ${node:-node} in $(( $(now_ms) - started )) ms ($how)"
fi
exit 0
