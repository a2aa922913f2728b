# shellcheck shell=bash
# Shared helpers for private PostgreSQL clusters; sourced by tools/pg-dev and tools/test.
#
# initdb/pg_ctl/postgres refuse to run as root: when we are root, server commands run as
# the `postgres` OS user and the cluster's directories belong to it; otherwise everything
# runs as the calling user. Pass absolute paths (relative ones are made absolute here).

# Prints the directory holding the PostgreSQL server binaries (initdb, pg_ctl, psql...).
kvota_pg_bindir() {
  if [[ -n ${KVOTA_PG_BIN_DIR:-} ]]; then
    printf '%s\n' "$KVOTA_PG_BIN_DIR"; return 0
  fi
  local d best=""
  # Highest installed version wins (sort -V: 9.6 < 15 < 16).
  while IFS= read -r d; do
    if [[ -x $d/initdb ]]; then best=$d; fi
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V)
  if [[ -z $best ]] && command -v initdb >/dev/null; then
    best=$(dirname "$(command -v initdb)")
  fi
  if [[ -z $best ]]; then
    echo "PostgreSQL server binaries not found (set KVOTA_PG_BIN_DIR or run tools/install-deps)" >&2
    return 1
  fi
  printf '%s\n' "$best"
}

kvota_pg_is_root() { [[ $(id -u) -eq 0 ]]; }

# Runs a command as the cluster owner: `postgres` when we are root (from / so that an
# unreadable current directory does not bother it), else ourselves.
kvota_pg_as_owner() {
  if kvota_pg_is_root; then
    (cd / && exec runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# Prints PATH made absolute (without resolving symlinks).
kvota_pg_abspath() {
  if [[ $1 = /* ]]; then printf '%s\n' "$1"; else printf '%s\n' "$PWD/$1"; fi
}

# Creates directories (mode 700) owned by the cluster owner.
kvota_pg_mkdir() {
  mkdir -p "$@"
  chmod 700 "$@"
  if kvota_pg_is_root; then chown postgres: "$@"; fi
}

# As root: gives "others" search permission to every ancestor of DIR that the postgres
# user cannot traverse (e.g. a repository under /root). No-op otherwise.
kvota_pg_make_traversable() {
  kvota_pg_is_root || return 0
  local d
  d=$(kvota_pg_abspath "$1")
  if runuser -u postgres -- test -x "$d" 2>/dev/null; then return 0; fi
  while [[ $d != / && -n $d ]]; do
    d=$(dirname "$d")
    if [[ -n $(find "$d" -maxdepth 0 ! -perm -o+x) ]]; then
      echo "note: chmod o+x $d (so that the postgres user can reach the cluster)" >&2
      chmod o+x "$d"
    fi
  done
}

# Prints a currently free loopback TCP port (bind 127.0.0.1:0, read it back).
kvota_pg_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Succeeds if 127.0.0.1:PORT can be bound right now.
kvota_pg_port_is_free() {
  python3 - "$1" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
PY
}

# Initialises a cluster in DATADIR unless one is already there (superuser postgres, trust).
kvota_pg_init() {
  local data bindir out
  data=$(kvota_pg_abspath "$1")
  if [[ -f $data/PG_VERSION ]]; then return 0; fi
  bindir=$(kvota_pg_bindir)
  kvota_pg_mkdir "$data"
  if ! out=$(kvota_pg_as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale 2>&1); then
    printf 'initdb failed:\n%s\n' "$out" >&2
    return 1
  fi
}

# Succeeds if a server is running on DATADIR.
kvota_pg_running() {
  local data bindir
  data=$(kvota_pg_abspath "$1")
  bindir=$(kvota_pg_bindir)
  kvota_pg_as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

# Starts the cluster in DATADIR on unix socket dir SOCKDIR and 127.0.0.1:PORT, logging to
# LOGFILE. Silent on success; prints pg_ctl's output and the log tail on failure.
# fsync and synchronous_commit stay at their (safe) defaults: benchmarks must be honest.
kvota_pg_start() {
  local data sock port=$3 log bindir out
  data=$(kvota_pg_abspath "$1"); sock=$(kvota_pg_abspath "$2"); log=$(kvota_pg_abspath "$4")
  bindir=$(kvota_pg_bindir)
  # A unix socket path is limited to 107 bytes.
  if (( ${#sock} + ${#port} + 12 > 107 )); then
    echo "socket directory path too long for a unix socket: $sock" >&2
    return 1
  fi
  kvota_pg_mkdir "$sock"
  touch "$log"
  if kvota_pg_is_root; then chown postgres: "$log"; fi
  if ! out=$(kvota_pg_as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 \
      -o "-k '$sock' -p $port -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=512MB -c max_wal_size=4GB -c checkpoint_timeout=15min" \
      start 2>&1); then
    {
      printf 'PostgreSQL failed to start (%s):\n%s\n--- last lines of %s:\n' "$data" "$out" "$log"
      tail -n 30 "$log"
    } >&2
    return 1
  fi
}

# Stops the cluster in DATADIR if it runs (fast, then immediate if that fails).
kvota_pg_stop() {
  local data bindir
  data=$(kvota_pg_abspath "$1")
  kvota_pg_running "$data" || return 0
  bindir=$(kvota_pg_bindir)
  kvota_pg_as_owner "$bindir/pg_ctl" -D "$data" -m fast -w -s stop ||
    kvota_pg_as_owner "$bindir/pg_ctl" -D "$data" -m immediate -w -s stop
}

# Percent-encodes a string for a URI (keeps / and unreserved characters).
kvota_pg_urlencode() {
  local LC_ALL=C s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9/._~-]) out+=$c ;;
      *) printf -v c '%%%02X' "'$c"; out+=$c ;;
    esac
  done
  printf '%s\n' "$out"
}

# Prints a libpq URI for database DBNAME through the unix socket in SOCKDIR:
#   postgresql://postgres@/DBNAME?host=SOCKDIR&port=PORT
kvota_pg_uri() {
  local sock
  sock=$(kvota_pg_abspath "$1")
  printf 'postgresql://postgres@/%s?host=%s&port=%s\n' \
    "$(kvota_pg_urlencode "$3")" "$(kvota_pg_urlencode "$sock")" "$2"
}

# Creates database DBNAME on the cluster at SOCKDIR/PORT unless it exists.
kvota_pg_createdb() {
  local sock=$1 port=$2 db=$3 bindir exists
  bindir=$(kvota_pg_bindir)
  exists=$("$bindir/psql" -X -q -d "$(kvota_pg_uri "$sock" "$port" postgres)" -tA \
    -c "select 1 from pg_database where datname = '${db//\'/\'\'}'")
  if [[ $exists != 1 ]]; then
    "$bindir/createdb" -h "$(kvota_pg_abspath "$sock")" -p "$port" -U postgres "$db"
  fi
}
