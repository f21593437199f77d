#!/usr/bin/env bash
# Runs every test project of the solution on a fresh Debian machine with the .NET SDK.
# Installs Debian's chromium (browser tests), postgresql (storage tests) and nginx (the several-instances script) when
# they are missing — never a downloaded browser or server — then prints one closing line with the totals over all
# test runs: "N passed, N failed".
# The storage, API and delivery suite (tests/WebhookAdmin.Tests) runs twice: on SQLite, then on a PostgreSQL server
# the tests start themselves from Debian's binaries.
set -uo pipefail
cd "$(dirname "$0")"

sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
install() {
  echo "Installing Debian's $1 for the tests..."
  { $sudo_cmd apt-get update -qq && $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null; } \
    || { echo "Could not install $1"; echo "0 passed, 1 failed"; exit 1; }
}
[ -x "${WEBHOOKADMIN_CHROMIUM:-/usr/bin/chromium}" ] || install chromium
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || install postgresql
# deploy/several-instances.sh, which a test runs, puts nginx in front of two instances.
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || install nginx

results="test-output"
rm -rf "$results"
if ! dotnet build WebhookAdmin.sln; then
  echo "The solution does not build."
  echo "0 passed, 1 failed"
  exit 1
fi

# A --filter given to this script narrows every run; each storage run adds its own condition to it.
user_filter=""
args=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--filter" ] && [ $# -gt 1 ]; then user_filter="$2"; shift 2; else args+=("$1"); shift; fi
done
filter() { if [ -n "$user_filter" ]; then echo "($user_filter)&$1"; else echo "$1"; fi; }
run() {
  local project="$1" report="$2" condition="$3"
  if [ -n "$condition" ]; then
    dotnet test "$project" --no-build --logger "trx;LogFileName=$report.trx" --results-directory "$results" --filter "$condition" "${args[@]}"
  else
    dotnet test "$project" --no-build --logger "trx;LogFileName=$report.trx" --results-directory "$results" "${args[@]}"
  fi
}

# One named report per run, so reports can never overwrite each other.
status=0
expected=0
projects=$(grep -l "<IsTestProject>true</IsTestProject>" tests/*/*.csproj)
for project in $projects; do
  name=$(basename "$project" .csproj)
  if [ "$name" = "WebhookAdmin.Tests" ]; then
    expected=$((expected + 2))
    WEBHOOKADMIN_TEST_STORAGE=Sqlite run "$project" "$name.Sqlite" "$(filter 'Storage!=PostgreSql')" || status=1
    WEBHOOKADMIN_TEST_STORAGE=PostgreSql run "$project" "$name.PostgreSql" "$(filter 'Storage!=Sqlite')" || status=1
  else
    expected=$((expected + 1))
    run "$project" "$name" "$user_filter" || status=1
  fi
done

reports=$(find "$results" -name '*.trx' 2>/dev/null | wc -l)
read -r passed failed < <(
  find "$results" -name '*.trx' -print0 2>/dev/null | xargs -0 -r grep -ho '<Counters [^>]*>' |
    sed -E 's/.* passed="([0-9]+)" failed="([0-9]+)".*/\1 \2/' |
    awk '{ p += $1; f += $2 } END { print p + 0, f + 0 }')
if [ "$reports" -lt "$expected" ]; then
  # A run that crashed or did not build wrote no report: count it as a failure, never as silence.
  echo "Only $reports of $expected test runs reported results."
  failed=$((failed + expected - reports))
  [ "$status" -eq 0 ] && status=1
fi
echo "$passed passed, $failed failed"
exit "$status"
