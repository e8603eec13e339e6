# pglib.sh -- a private PostgreSQL cluster for a test: initdb in a temp
# directory as the postgres user, listening on a unix socket only (no
# TCP), stopped by pg_stop. Sourced by tests that write -oS postgresql://.

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}

# pg_start: a cluster in a new /tmp/fathom-pg.XXXXXX (owned by postgres:
# the test's own temp directory is root's alone); sets PG_DIR and PG_URI
# (database "fathom"); 0 when it is up.
pg_start() {
	PG_DIR=$(mktemp -d /tmp/fathom-pg.XXXXXX) || return 1
	chown postgres: "$PG_DIR" && chmod 700 "$PG_DIR" || return 1
	runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres \
		--auth=trust -E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1 || return 1
	runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 60 \
		-l "$PG_DIR/server.log" \
		-o "-c listen_addresses='' -k $PG_DIR -c max_connections=50 -c fsync=off" \
		start >"$PG_DIR/pg_ctl.log" 2>&1 || return 1
	PG_URI="postgresql:///fathom?host=$PG_DIR&user=postgres"
	(cd / && runuser -u postgres -- "$PG_BIN/createdb" -h "$PG_DIR" fathom) || return 1
}

# psql_q SQL: one value per line, no headers.
psql_q() {
	(cd / && runuser -u postgres -- psql -h "$PG_DIR" -d fathom -XAtq -c "$1")
}

# pg_stop: stops the cluster and removes its directory.
pg_stop() {
	[ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ] &&
		runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
	[ -n "${PG_DIR:-}" ] && [ -z "${KEEP_TMP:-}" ] && rm -rf "$PG_DIR"
	return 0
}
