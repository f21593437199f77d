#!/usr/bin/env bash
# Several instances on one machine, as the README's "Several instances" section describes them: Debian's PostgreSQL,
# two app instances on one database, and Debian's nginx in front with deploy/nginx/webhookadmin.conf. Installs the two
# packages when they are missing (apt-get, as root or through sudo). Runs in the foreground; Ctrl-C stops the instances
# and takes back what the script added (nginx's site; PostgreSQL and nginx themselves if it started them). The
# database and what it holds stay, so a second run starts where the first stopped; --fresh starts on an empty one.
#
# Settings (environment):
#   WEBHOOKADMIN_BALANCER_PORT   nginx's port                          8080
#   WEBHOOKADMIN_INSTANCE_PORTS  the instances' ports                  "5081 5082"
#   WEBHOOKADMIN_DATABASE        the PostgreSQL database               webhookadmin
#   WEBHOOKADMIN_APP_DLL         a built WebhookAdmin.dll to run       (built from src/ into the work folder's app/)
#   WEBHOOKADMIN_WORK            the build, the instances' logs        .several-instances
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
balancer_port=${WEBHOOKADMIN_BALANCER_PORT:-8080}
read -r -a instance_ports <<< "${WEBHOOKADMIN_INSTANCE_PORTS:-5081 5082}"
database=${WEBHOOKADMIN_DATABASE:-webhookadmin}
password=webhookadmin
work=${WEBHOOKADMIN_WORK:-$root/.several-instances}
site=/etc/nginx/conf.d/webhookadmin.conf
fresh=""
case "${1:-}" in
  --fresh) fresh=yes ;;
  "") ;;
  *) echo "usage: $0 [--fresh]" >&2; exit 2 ;;
esac

say() { echo "several-instances: $*"; }

# What goes into SQL, nginx's configuration and the instances' addresses is checked first, before anything is started.
for port in "$balancer_port" "${instance_ports[@]}"; do
  if ! [[ $port =~ ^[0-9]{1,5}$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
    echo "several-instances: \"$port\" is not a TCP port (1-65535)" >&2; exit 2
  fi
done
if [ ${#instance_ports[@]} -eq 0 ]; then echo "several-instances: WEBHOOKADMIN_INSTANCE_PORTS names no port" >&2; exit 2; fi
if ! [[ $database =~ ^[a-z_][a-z0-9_]{0,62}$ ]]; then
  echo "several-instances: \"$database\" is not a database name this script creates (lowercase letters, digits, _)" >&2; exit 2
fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
# From /, which the postgres user may enter (psql complains about a home it cannot).
as_postgres() { (cd / && if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi); }

# An HTTP GET with bash alone (a fresh Debian has neither curl nor wget): true when the answer is 200.
answers_ok() {
  local status
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$2" "$1" >&3
  IFS= read -r -t 5 status <&3 || status=""
  exec 3<&-
  [[ $status == HTTP/1.?" 200"* ]]
}

wait_until_ok() { # port path what seconds
  local deadline=$((SECONDS + $4))
  until answers_ok "$1" "$2"; do
    if [ "$SECONDS" -ge "$deadline" ]; then say "$3 did not answer on port $1 within $4 s"; return 1; fi
    sleep 0.5
  done
}

instance_pids=()
started_postgresql=""
started_nginx=""
added_site=""

clean_up() {
  trap - EXIT INT TERM
  for pid in "${instance_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${instance_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$added_site" ]; then
    if [ -f "$work/nginx.previous.conf" ]; then as_root cp "$work/nginx.previous.conf" "$site"; else as_root rm -f "$site"; fi
    if [ -n "$started_nginx" ]; then as_root nginx -s quit || true; else as_root nginx -s reload || true; fi
  fi
  if [ -n "$started_postgresql" ]; then as_root pg_ctlcluster $started_postgresql stop || true; fi
  say "stopped"
}
trap clean_up EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$work"

# Debian's packages, as a user would install them.
missing=()
command -v pg_ctlcluster > /dev/null || missing+=(postgresql)
command -v nginx > /dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" > "$work/apt.log" 2>&1 \
    || { as_root apt-get update -q > /dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"; }
fi
export PATH="$PATH:/usr/sbin"

# PostgreSQL: the first cluster Debian's tools know (creating "main" when there is none), started when it is down.
if [ -z "$(pg_lsclusters --no-header 2>/dev/null)" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  as_root pg_createcluster "$version" main > /dev/null
fi
read -r pg_version pg_cluster pg_port pg_status _ < <(pg_lsclusters --no-header | head -1)
if [ "$pg_status" != online ]; then
  say "starting PostgreSQL $pg_version/$pg_cluster"
  as_root pg_ctlcluster "$pg_version" "$pg_cluster" start
  started_postgresql="$pg_version $pg_cluster"
fi
as_postgres psql -q -p "$pg_port" -v ON_ERROR_STOP=1 -c "ALTER USER postgres PASSWORD '$password'" > /dev/null
if [ -n "$fresh" ]; then as_postgres dropdb -p "$pg_port" --if-exists --force "$database"; fi
if [ "$(as_postgres psql -p "$pg_port" -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]; then
  as_postgres createdb -p "$pg_port" "$database"
fi

# The app, built once (a Debug build of src/ is as good: set WEBHOOKADMIN_APP_DLL to it).
app_dll=${WEBHOOKADMIN_APP_DLL:-}
if [ -z "$app_dll" ]; then
  say "building the app into $work/app"
  dotnet build "$root/src/WebhookAdmin" -c Release -o "$work/app" -v quiet -nologo > "$work/build.log" 2>&1 \
    || { cat "$work/build.log"; exit 1; }
  app_dll=$work/app/WebhookAdmin.dll
fi

# The instances, one after the other: the first migrates the database, the second finds it ready.
export ASPNETCORE_ENVIRONMENT=Development
export Storage__Provider=PostgreSQL
export ConnectionStrings__WebhookAdmin="Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=$password;Database=$database"
# The development identity provider sends the browser back only to addresses it knows: nginx's.
export Authentication__EmbeddedProvider__PublicOrigins__0=http://localhost:$balancer_port
export Authentication__EmbeddedProvider__PublicOrigins__1=http://127.0.0.1:$balancer_port
for port in "${instance_ports[@]}"; do
  (cd "$(dirname "$app_dll")" && exec dotnet "$app_dll" --urls "http://127.0.0.1:$port") > "$work/instance-$port.log" 2>&1 &
  instance_pids+=($!)
  wait_until_ok "$port" /.well-known/openid-configuration "the instance on port $port" 120 \
    || { tail -30 "$work/instance-$port.log"; exit 1; }
  say "instance on http://127.0.0.1:$port (log: $work/instance-$port.log)"
done

# nginx with the repository's configuration, on the ports asked for.
upstreams=""
for port in "${instance_ports[@]}"; do upstreams+="    server 127.0.0.1:$port;\n"; done
sed -e "s/^    listen 8080;/    listen $balancer_port;/" \
    -e '/^    server 127\.0\.0\.1:508[0-9];$/d' \
    -e "s/^    ip_hash;/    ip_hash;\n${upstreams%\\n}/" \
    "$root/deploy/nginx/webhookadmin.conf" > "$work/nginx.conf"
# A site of the same name installed by hand (the README's other way) is put back on exit.
rm -f "$work/nginx.previous.conf"
if [ -f "$site" ]; then cp "$site" "$work/nginx.previous.conf"; fi
as_root cp "$work/nginx.conf" "$site"
added_site=yes
as_root nginx -t -q
if as_root nginx -s reload 2> /dev/null; then :; else
  as_root nginx
  started_nginx=yes
fi
wait_until_ok "$balancer_port" /.well-known/openid-configuration nginx 30

say "PostgreSQL $pg_version/$pg_cluster on port $pg_port, database $database"
say "ready: open http://localhost:$balancer_port and sign in as admin@acme.test / acme-admin (Ctrl-C stops)"
# Until Ctrl-C, or until an instance stops on its own.
wait -n "${instance_pids[@]}" || true
say "an instance stopped; see $work/instance-*.log"
exit 1
