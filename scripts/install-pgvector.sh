#!/usr/bin/env bash
# Builds and installs pgvector for the local PostgreSQL server from Debian trixie's source package.
# Why: Debian bookworm ships no pgvector package; trixie's source (0.8.x) builds against
# postgresql-server-dev-<major> in under a minute. The deb-src entry reuses the URIs of the
# machine's own Debian sources file, so no host name is written here.
set -euo pipefail

pg_major=$(pg_config --version 2>/dev/null | sed -E 's/^PostgreSQL ([0-9]+).*/\1/' || true)
if [ -z "$pg_major" ]; then
  pg_major=$(ls /usr/lib/postgresql | sort -n | tail -1)
fi
ext_dir="/usr/share/postgresql/${pg_major}/extension"
if [ -f "${ext_dir}/vector.control" ]; then
  echo "pgvector already installed for PostgreSQL ${pg_major}"
  exit 0
fi

sources_file=$(ls /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 || true)
uris=""
if [ -n "$sources_file" ]; then
  uris=$(grep -m1 '^URIs:' "$sources_file" | sed 's/^URIs:[[:space:]]*//')
elif [ -f /etc/apt/sources.list ]; then
  uris=$(grep -m1 -E '^deb ' /etc/apt/sources.list | awk '{print $2}')
fi
if [ -z "$uris" ]; then
  echo "install-pgvector: could not find the Debian mirror in /etc/apt sources" >&2
  exit 1
fi

cat > /etc/apt/sources.list.d/beacon-trixie-src.sources <<SRC
Types: deb-src
URIs: ${uris}
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "postgresql-server-dev-${pg_major}" build-essential dpkg-dev >/dev/null

work=$(mktemp -d)
cd "$work"
apt-get source -qq pgvector
cd pgvector-*/
make -s PG_CONFIG="/usr/lib/postgresql/${pg_major}/bin/pg_config" OPTFLAGS=""
make -s install PG_CONFIG="/usr/lib/postgresql/${pg_major}/bin/pg_config"
rm -rf "$work"
echo "pgvector installed for PostgreSQL ${pg_major}"
