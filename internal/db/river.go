package db

import "database/sql"

// Writer returns the pool that writes: the single writer connection on SQLite, the one shared
// pool on PostgreSQL. It exists for River (internal/jobs), whose drivers take a *sql.DB rather
// than our Querier. On SQLite River must use the writer: its queue bookkeeping writes on every
// fetch, the read pool is query_only, and a second writing pool would fight the app's writer for
// SQLite's lock with busy waits instead of queueing behind it in-process. Callers must not close
// it or change its pool limits; Close closes it.
func (d *DB) Writer() *sql.DB { return d.write }
