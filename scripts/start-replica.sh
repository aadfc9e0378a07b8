#!/usr/bin/env bash
# Starts a streaming read replica of the local PostgreSQL server (the primary on 127.0.0.1:5432) on another port,
# for the read-replica tests and benchmarks (DATABASE_READ_URL). Idempotent: a replica already streaming on the port
# is left running. Usage: bash scripts/start-replica.sh [PORT]   (default 5433)
# Stop it with: bash scripts/start-replica.sh --stop [PORT]
# Why a script: a replica is a second cluster made by pg_basebackup, which must run as the postgres OS user and
# needs a replication entry in the primary's pg_hba.conf; neither is something a test should do by itself.
set -euo pipefail

stop=false
if [ "${1:-}" = "--stop" ]; then
  stop=true
  shift
fi
port=${1:-5433}
primary_port=${BEACON_PRIMARY_PORT:-5432}
pg_major=$(ls /usr/lib/postgresql | sort -n | tail -1)
bin=/usr/lib/postgresql/${pg_major}/bin
dir=/var/lib/postgresql/${pg_major}/beacon-replica-${port}
as_postgres() { runuser -u postgres -- "$@"; }

if $stop; then
  if [ -f "$dir/postmaster.pid" ]; then as_postgres "$bin/pg_ctl" -D "$dir" -m fast stop; fi
  exit 0
fi

if pg_isready -h 127.0.0.1 -p "$port" -q; then
  in_recovery=$(psql -h 127.0.0.1 -p "$port" -U postgres -Atc "SELECT pg_is_in_recovery()")
  if [ "$in_recovery" = "t" ]; then
    echo "replica already streaming on 127.0.0.1:${port}"
    exit 0
  fi
  echo "start-replica: port ${port} is taken by a server that is not a replica; choose another port" >&2
  exit 1
fi

# The primary must accept replication connections from the loopback (the cluster trusts loopback for databases).
hba=$(psql -h 127.0.0.1 -p "$primary_port" -U postgres -Atc "SHOW hba_file")
if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$hba"; then
  echo "host replication all 127.0.0.1/32 trust" >>"$hba"
  psql -h 127.0.0.1 -p "$primary_port" -U postgres -qAtc "SELECT pg_reload_conf()" >/dev/null
fi

rm -rf "$dir"
install -d -o postgres -g postgres -m 700 "$dir"
# -R writes standby.signal and primary_conninfo; -X stream copies the WAL written during the backup.
as_postgres "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$dir" -R -X stream -c fast
# Debian keeps a cluster's configuration outside its data directory: give the replica its own minimal one.
primary_max_connections=$(psql -h 127.0.0.1 -p "$primary_port" -U postgres -Atc "SHOW max_connections")
cat >"$dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '/var/run/postgresql'
max_connections = ${primary_max_connections}
hot_standby = on
hba_file = '${dir}/pg_hba.conf'
CONF
cp "$hba" "$dir/pg_hba.conf"
chown postgres:postgres "$dir/postgresql.conf" "$dir/pg_hba.conf"
as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w start >/dev/null
for _ in $(seq 1 30); do
  state=$(psql -h 127.0.0.1 -p "$port" -U postgres -Atc "SELECT status FROM pg_stat_wal_receiver" 2>/dev/null || true)
  [ "$state" = "streaming" ] && break
  sleep 1
done
if [ "${state:-}" != "streaming" ]; then
  echo "start-replica: the replica on port ${port} started but is not streaming; see ${dir}/server.log" >&2
  exit 1
fi
echo "replica streaming on 127.0.0.1:${port} from 127.0.0.1:${primary_port}"
