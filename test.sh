#!/usr/bin/env bash
# Runs every test project of the solution on a fresh Debian machine with the .NET SDK.
# Installs Debian's chromium for the browser tests when it is missing (never a downloaded browser),
# then prints one closing line with the totals over all test projects: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

if [ ! -x "${WEBHOOKADMIN_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "Installing Debian's chromium for the Playwright tests..."
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
    || { echo "Could not install chromium"; echo "0 passed, 1 failed"; exit 1; }
fi

results="test-output"
rm -rf "$results"
if ! dotnet build WebhookAdmin.sln; then
  echo "The solution does not build."
  echo "0 passed, 1 failed"
  exit 1
fi

# One named report per project, so reports can never overwrite each other.
status=0
projects=$(grep -l "<IsTestProject>true</IsTestProject>" tests/*/*.csproj)
for project in $projects; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" --no-build --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" || status=1
done

expected=$(echo "$projects" | wc -w)
reports=$(find "$results" -name '*.trx' 2>/dev/null | wc -l)
read -r passed failed < <(
  find "$results" -name '*.trx' -print0 2>/dev/null | xargs -0 -r grep -ho '<Counters [^>]*>' |
    sed -E 's/.* passed="([0-9]+)" failed="([0-9]+)".*/\1 \2/' |
    awk '{ p += $1; f += $2 } END { print p + 0, f + 0 }')
if [ "$reports" -lt "$expected" ]; then
  # A project that crashed or did not build wrote no report: count it as a failure, never as silence.
  echo "Only $reports of $expected test projects reported results."
  failed=$((failed + expected - reports))
  [ "$status" -eq 0 ] && status=1
fi
echo "$passed passed, $failed failed"
exit "$status"
