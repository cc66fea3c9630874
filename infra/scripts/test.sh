#!/usr/bin/env bash
# The one command that runs every test, on a fresh Debian machine or a developer's laptop:
#   bash infra/scripts/test.sh
# It installs what the tests need (Debian's rabbitmq-server; chromium only once a tests/*BrowserTests*
# project exists), starts a throwaway RabbitMQ node on free ports for the integration tests, runs the
# whole solution's tests, stops the node and prints one summary line "Tests: N passed, N failed, N skipped".
# Exit code 0 only when nothing failed.
#
# Environment:
#   MEDCOM_TEST_SKIP_INSTALL=1   do not apt-get anything (machines where you installed by hand)
#   MEDCOM_TEST_RABBITMQ=amqp:// use this broker instead of starting one
#   MEDCOM_TEST_SQLSERVER=...    also run the SQL Server tests against this connection string
#   MEDCOM_TEST_FILTER=...       passed to `dotnet test --filter`
#   MEDCOM_RABBITMQ_MANAGEMENT=0 start the node without the management plugin (saves about a second)
# What the tests get (set here when the script starts the node):
#   MEDCOM_TEST_RABBITMQ=amqp://medcom:<password>@127.0.0.1:<port>/medcom-test
#       the vhost exists; the user is an administrator with full permissions on it
#   MEDCOM_TEST_RABBITMQ_MGMT=http://127.0.0.1:<port>/
#       management API, same user and password (e.g. to create and delete a vhost per test)
#   MEDCOM_TEST_RABBITMQCTL=<dir>/rabbitmqctl   (only for a node started here: the outage test stops and starts it)
# Without RabbitMQ (not installed and not installable, outside CI) MEDCOM_TEST_RABBITMQ stays unset
# and the RabbitMQ tests skip themselves; under CI=true that is an error instead.
# The node's log is kept as artifacts/test-results/rabbitmq-<node>.log.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

have_rabbitmq() {
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || [ -x /usr/sbin/rabbitmq-server ] ||
    command -v rabbitmq-server >/dev/null 2>&1
}
have_browser_tests() {
  local d
  for d in "$root"/tests/*BrowserTests*; do
    [ -d "$d" ] && return 0
  done
  return 1
}

install_packages() {
  local missing=()
  have_rabbitmq || missing+=(rabbitmq-server)
  if have_browser_tests && ! command -v chromium >/dev/null 2>&1; then
    missing+=(chromium)
  fi
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      as_root=(sudo -n)
    else
      echo "test.sh: need ${missing[*]} but cannot install (not root, no password-less sudo)" >&2
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: need ${missing[*]} but there is no apt-get; install them by hand" >&2
    return 1
  fi
  local apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y
             -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  local log="$results/apt.log"
  echo "test.sh: installing ${missing[*]}"
  # Debian's postinst would start a default rabbitmq node (no systemd: through invoke-rc.d). Nobody
  # needs it, so refuse service starts during the install unless the machine already has a policy.
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [ ! -e "$policy" ] &&
     "${as_root[@]}" sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy" 2>/dev/null; then
    own_policy=1
  fi
  local rc=0
  {
    "${apt[@]}" update || echo "test.sh: apt-get update failed; trying the install with the lists we have"
    "${apt[@]}" install --no-install-recommends "${missing[@]}"
  } </dev/null >"$log" 2>&1 || rc=$?
  if [ "$own_policy" = 1 ]; then
    "${as_root[@]}" rm -f "$policy" || true
  fi
  if [ "$rc" -ne 0 ]; then
    echo "test.sh: apt-get failed ($rc); last lines of $log:" >&2
    tail -n 20 "$log" >&2
    return 1
  fi
}

rabbit_dir=""
rabbit_env=""
cleanup() {
  if [ -n "$rabbit_env" ] && [ -f "$rabbit_env" ]; then
    bash "$root/infra/scripts/rabbitmq-stop.sh" "$rabbit_env" "$results" || true
  fi
  if [ -n "$rabbit_dir" ]; then
    rm -rf "$rabbit_dir"
  fi
  rabbit_env=""
  rabbit_dir=""
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "${MEDCOM_TEST_SKIP_INSTALL:-0}" != "1" ]; then
  if ! install_packages && [ "${CI:-}" = "true" ]; then
    echo "test.sh: CI cannot run without the packages above" >&2
    exit 1
  fi
fi

if [ -z "${MEDCOM_TEST_RABBITMQ:-}" ]; then
  if have_rabbitmq; then
    rabbit_dir="$(mktemp -d)"
    rabbit_env="$rabbit_dir/rabbitmq.env"
    if bash "$root/infra/scripts/rabbitmq-start.sh" "$rabbit_env" </dev/null; then
      # shellcheck disable=SC1090
      source "$rabbit_env"
      export MEDCOM_TEST_RABBITMQ="${RABBITMQ_URL}"
      if [ -n "${RABBITMQ_MGMT_URL:-}" ]; then
        export MEDCOM_TEST_RABBITMQ_MGMT="${RABBITMQ_MGMT_URL}"
      fi
      # The broker-outage test stops and starts this node's broker application with it.
      export MEDCOM_TEST_RABBITMQCTL="${RABBITMQCTL}"
      echo "test.sh: RabbitMQ node ${RABBITMQ_NODENAME} started for the tests"
    else
      echo "test.sh: could not start RabbitMQ" >&2
      exit 1
    fi
  elif [ "${CI:-}" = "true" ]; then
    echo "test.sh: rabbitmq-server is not installed; CI must run the RabbitMQ tests" >&2
    exit 1
  else
    echo "test.sh: rabbitmq-server is not installed; the RabbitMQ tests will be skipped" >&2
  fi
fi

dotnet build MedComMailbox.sln -c Release -nologo -clp:ErrorsOnly

args=(test MedComMailbox.sln -c Release --no-build -nologo
      --logger "trx" --logger "console;verbosity=normal" --results-directory "$results")
if [ -n "${MEDCOM_TEST_FILTER:-}" ]; then
  args+=(--filter "$MEDCOM_TEST_FILTER")
fi

set +e
dotnet "${args[@]}" 2>&1 | tee "$results/console.log"
status=${PIPESTATUS[0]}
set -e

# Stop the node now, so that its messages come before the summary line.
cleanup

# One line in the plain "N passed, N failed, N skipped" form, summed over every test project.
# Source: the <Counters> of each project's .trx (VSTest counts only passed and failed as executed,
# so skipped = total - passed - failed). Without .trx files: the console's per-project blocks
# ("Total tests: N" / "Passed: N" / "Failed: N" / "Skipped: N", verbosity normal), or else the
# one-line form of minimal verbosity ("Passed!  - Failed: 0, Passed: 7, Skipped: 0, Total: 7").
summary_from_trx() {
  local f
  compgen -G "$results/*.trx" >/dev/null || return 1
  for f in "$results"/*.trx; do
    grep -o '<Counters [^>]*>' "$f" | head -n 1 | sed 's/^<Counters //; s/ *\/*>$//' | tr ' ' '\n'
    echo "--"
  done | awk -F'"' '
    /^total=/  { t = $2 + 0 }
    /^passed=/ { p = $2 + 0 }
    /^failed=/ { f = $2 + 0 }
    /^--$/     { P += p; F += f; s = t - p - f; if (s > 0) S += s; t = p = f = 0 }
    END        { printf "%d passed, %d failed, %d skipped", P, F, S }'
}
summary_from_console() {
  sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' -e 's/\r$//' "$results/console.log" | awk '
    /^Total tests: *[0-9]+ *$/            { blocks = 1 }
    /^[ \t]+Passed: *[0-9]+ *$/           { bp += $2 }
    /^[ \t]+Failed: *[0-9]+ *$/           { bf += $2 }
    /^[ \t]+Skipped: *[0-9]+ *$/          { bs += $2 }
    /^(Passed|Failed)! +- +Failed: *[0-9]/ {
      line = $0
      gsub(/[,:]/, " ", line)
      n = split(line, w, " ")
      for (i = 1; i < n; i++) {
        if (w[i] == "Failed")  lf += w[i + 1]
        if (w[i] == "Passed")  lp += w[i + 1]
        if (w[i] == "Skipped") ls += w[i + 1]
      }
    }
    END {
      if (blocks) printf "%d passed, %d failed, %d skipped", bp, bf, bs
      else        printf "%d passed, %d failed, %d skipped", lp, lf, ls
    }'
}
if ! summary="$(summary_from_trx)"; then
  summary="$(summary_from_console)"
fi

# The failed tests with the start of their messages, last, so that a CI log cut to its tail shows them.
failures_from_trx() {
  local f
  compgen -G "$results/*.trx" >/dev/null || return 0
  for f in "$results"/*.trx; do
    awk '
      /<UnitTestResult / {
        failed = ($0 ~ /outcome="Failed"/)
        if (failed) {
          name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name)
          print "FAILED " name; lines = 0
        }
      }
      failed && /<Message>/      { inmsg = 1 }
      failed && inmsg && lines < 12 { line = $0; gsub(/<\/?Message>/, "", line); print "    " line; lines++ }
      failed && /<\/Message>/    { inmsg = 0 }
      /<\/UnitTestResult>/       { failed = 0; inmsg = 0 }' "$f"
  done | sed -e 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&apos;/'"'"'/g; s/&amp;/\&/g'
}

echo
if [[ "$summary" != *" 0 failed,"* ]]; then
  failures_from_trx || true
fi
if [ "$status" -ne 0 ] && [[ "$summary" == *" 0 failed,"* ]]; then
  echo "test.sh: dotnet test exited with $status although no test is counted as failed (test host crash, aborted run, or a build error?); see $results/console.log" >&2
fi
echo "Tests: ${summary}"
if [ "$status" -eq 0 ] && [[ "$summary" != *" 0 failed,"* ]]; then
  status=1
fi
exit "$status"
