/*
 * source/copy.c: the consistent initial copy. Creates the slot with an exported snapshot
 * (slot.c), then copies each configured table on a connection of its own that imports that
 * snapshot, so every table shows exactly the state the stream continues from. The replication
 * connection stays silent meanwhile: its next command would end the export (postgres.md §1.2).
 * Rows come as COPY TEXT (copytext.c splits them, source_column_parse converts), one arena
 * reset per row and no other allocation, and go to the caller's sink.
 * The relation (relation.c) is read under the same snapshot: the columns as pgoutput sends
 * them, their types resolved as the stream resolves them. The catalog document (catalog.c) is
 * captured under the same snapshot before the first table.
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <stdlib.h>
#include <string.h>

#define PROGRESS_INTERVAL_US (2 * INT64_C(1000000))

typedef struct copy_table {
    source_t *src;
    const source_table_ref_t *ref;
    const source_copy_sink_t *sink;
    void *ud;
    PGconn *conn;
    source_relation_t *rel;
    bool partitioned;
    int64_t est_rows;
    int64_t n_rows;
    int64_t start_us;
    int64_t last_log_us;
    am_arena_t *arena; /* one row's rewritten values (bytea, arrays) */
    am_value_t *vals;
    source_copy_field_t *fields;
    am_buf_t scratch; /* one row's unescaped fields */
} copy_table_t;

static bool exec_ok(PGconn *c, const char *sql, am_err_t *err)
{
    PGresult *res = source__exec(c, sql, 0, NULL, PGRES_COMMAND_OK, err);
    PQclear(res);
    return res != NULL;
}

/* BEGIN REPEATABLE READ and SET TRANSACTION SNAPSHOT as its first statement. */
bool source__snapshot_import(PGconn *c, const char *snapshot, am_err_t *err)
{
    if (!exec_ok(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err))
        return false;
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_puts(&sql, "SET TRANSACTION SNAPSHOT ");
    am_sql_literal(&sql, snapshot);
    bool ok = exec_ok(c, sql.data, err);
    am_buf_destroy(&sql);
    /* a role's statement_timeout must not cut a long COPY short */
    return ok && exec_ok(c, "SET LOCAL statement_timeout = 0", err);
}

static bool start_copy(copy_table_t *ct, am_err_t *err)
{
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_puts(&sql, "COPY (SELECT ");
    for (size_t i = 0; i < ct->rel->n_cols; i++) {
        if (i)
            am_buf_puts(&sql, ", ");
        am_sql_ident(&sql, ct->rel->cols[i].name);
    }
    /* ONLY: inheritance children are tables of their own; a partitioned root has no rows of
     * its own, its partitions are published under its name */
    am_buf_puts(&sql, ct->partitioned ? " FROM " : " FROM ONLY ");
    am_sql_ident(&sql, ct->ref->schema);
    am_buf_putc(&sql, '.');
    am_sql_ident(&sql, ct->ref->name);
    am_buf_puts(&sql, ") TO STDOUT");
    PGresult *res = source__exec(ct->conn, sql.data, 0, NULL, PGRES_COPY_OUT, err);
    am_buf_destroy(&sql);
    PQclear(res);
    return res != NULL;
}

static void log_progress(copy_table_t *ct, int64_t now_us, const char *msg)
{
    double secs = (double)(now_us - ct->start_us) / 1e6;
    double rate = secs > 0 ? (double)ct->n_rows / secs : 0;
    int64_t eta_s = -1;
    if (ct->est_rows > ct->n_rows && rate > 0)
        eta_s = (int64_t)((double)(ct->est_rows - ct->n_rows) / rate);
    char table[256];
    (void)snprintf(table, sizeof table, "%s.%s", ct->ref->schema, ct->ref->name);
    am_log_info("source", msg, AM_KV_STR("table", table), AM_KV_I64("rows", ct->n_rows),
                AM_KV_I64("est_rows", ct->est_rows), AM_KV_I64("rows_per_s", (int64_t)rate),
                AM_KV_I64("eta_s", eta_s), AM_KV_F64("elapsed_s", secs));
}

static bool copy_row(copy_table_t *ct, const char *line, size_t len, am_err_t *err)
{
    size_t n_cols = ct->rel->n_cols;
    am_buf_reset(&ct->scratch);
    am_buf_reserve(&ct->scratch, len + 1);
    if (!source_copytext_split(line, len, ct->scratch.data, ct->fields, n_cols, err))
        return false;
    am_arena_reset(ct->arena);
    for (size_t i = 0; i < n_cols; i++) {
        const source_copy_field_t *f = &ct->fields[i];
        if (!f->p) {
            ct->vals[i] = (am_value_t){.kind = AM_VALUE_NULL};
            continue;
        }
        if (!source_column_parse(&ct->rel->cols[i], f->p, f->len, ct->arena, &ct->vals[i], err)) {
            am_err_prefix(err, "column %s", ct->rel->cols[i].name);
            return false;
        }
    }
    if (!ct->sink->row(ct->ud, ct->vals, err))
        return false;
    /* the clock is read every 4096 rows only: it is not free at millions of rows a second */
    if ((++ct->n_rows & 4095) == 0) {
        int64_t now = am_mono_us();
        if (now - ct->last_log_us >= PROGRESS_INTERVAL_US) {
            ct->last_log_us = now;
            log_progress(ct, now, "initial copy progress");
        }
    }
    return true;
}

static bool copy_rows(copy_table_t *ct, am_err_t *err)
{
    for (;;) {
        char *line = NULL;
        int n = PQgetCopyData(ct->conn, &line, 0);
        if (n == -1)
            break;
        if (n < 0)
            return source__pg_err(err, ct->conn, NULL, "copy");
        bool ok = copy_row(ct, line, (size_t)n, err);
        PQfreemem(line);
        if (!ok) {
            am_err_prefix(err, "row %lld", (long long)ct->n_rows + 1);
            return false;
        }
    }
    PGresult *res = PQgetResult(ct->conn);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        source__pg_err(err, ct->conn, res, "copy");
    PQclear(res);
    while ((res = PQgetResult(ct->conn)) != NULL)
        PQclear(res);
    return ok;
}

/* The table's catalog state under the same snapshot, for the sink (schema changes are told
 * apart from it later). */
static bool copy_state(copy_table_t *ct, am_err_t *err)
{
    if (!ct->sink->table_state)
        return true;
    source_table_state_t *st = NULL;
    size_t n = 0;
    if (!source__table_states_on(ct->conn, &ct->rel->relid, 1, &st, &n, err))
        return false;
    bool ok = n == 1 ? ct->sink->table_state(ct->ud, st, err)
                     : am_err_set(err, AM_SQLSTATE_UNDEFINED_TABLE,
                                  "table \"%s.%s\" does not exist", ct->ref->schema, ct->ref->name);
    source_table_states_free(st, n);
    return ok;
}

static bool copy_table_run(copy_table_t *ct, const char *snapshot, am_err_t *err)
{
    ct->conn = source__connect(&ct->src->opts, NULL, err);
    if (!ct->conn || !source__snapshot_import(ct->conn, snapshot, err) ||
        !source__relation_read(ct->conn, ct->rel, &ct->partitioned, &ct->est_rows, err) ||
        !copy_state(ct, err))
        return false;
    size_t n = ct->rel->n_cols ? ct->rel->n_cols : 1;
    ct->vals = am_xcalloc(n, sizeof *ct->vals);
    ct->fields = am_xcalloc(n, sizeof *ct->fields);
    if (!ct->sink->table_begin(ct->ud, ct->rel, ct->est_rows, err))
        return false;
    ct->start_us = ct->last_log_us = am_mono_us();
    if (!start_copy(ct, err) || !copy_rows(ct, err))
        return false;
    if (!ct->sink->table_end(ct->ud, ct->rel, ct->n_rows, err))
        return false;
    log_progress(ct, am_mono_us(), "initial copy of table done");
    return exec_ok(ct->conn, "COMMIT", err);
}

static bool copy_one_table(source_t *src, const source_table_ref_t *ref, const char *snapshot,
                           const source_copy_sink_t *sink, void *ud, am_err_t *err)
{
    copy_table_t ct = {.src = src, .ref = ref, .sink = sink, .ud = ud};
    ct.rel = am_xcalloc(1, sizeof *ct.rel);
    ct.rel->schema = am_xstrdup(ref->schema);
    ct.rel->name = am_xstrdup(ref->name);
    ct.arena = am_arena_new((size_t)64 * 1024);
    am_buf_init(&ct.scratch);
    bool ok = copy_table_run(&ct, snapshot, err);
    if (!ok)
        am_err_prefix(err, "initial copy of %s.%s", ref->schema, ref->name);
    if (ct.conn)
        PQfinish(ct.conn);
    source__relation_free(ct.rel);
    am_arena_free(ct.arena);
    am_buf_destroy(&ct.scratch);
    free(ct.vals);
    free(ct.fields);
    return ok;
}

/* The catalog as of the copy's snapshot, so catalog and rows are one moment. */
static bool copy_catalog(source_t *src, const char *snapshot, am_lsn_t point,
                         const source_copy_sink_t *sink, void *ud, am_err_t *err)
{
    PGconn *c = source__connect(&src->opts, NULL, err);
    if (!c)
        return false;
    am_buf_t doc;
    am_buf_init(&doc);
    bool ok = source__snapshot_import(c, snapshot, err) &&
              source__catalog_capture_on(src, c, point, &doc, err) && exec_ok(c, "COMMIT", err);
    if (!ok)
        am_err_prefix(err, "catalog capture");
    ok = ok && sink->catalog(ud, doc.data, doc.len, err);
    am_buf_destroy(&doc);
    PQfinish(c);
    return ok;
}

/* The copy failed: the slot is useless without it, and would block the next attempt. A
 * temporary one goes with the connection. */
static void drop_failed_slot(source_t *src)
{
    if (src->opts.temporary_slot)
        return;
    am_err_t drop_err = {0};
    if (!source_slot_drop(src, &drop_err))
        am_log_warn("source", "could not drop the slot of a failed initial copy",
                    AM_KV_STR("slot", src->opts.slot), AM_KV_ERR(&drop_err));
}

bool source_initial_copy(source_t *src, const source_copy_sink_t *sink, void *ud,
                         am_lsn_t *consistent_point, am_err_t *err)
{
    bool exists = false;
    if (!source_slot_exists(src, &exists, err))
        return false;
    if (exists)
        return am_err_set(err, "42710", "replication slot \"%s\" already exists", src->opts.slot);
    char snapshot[128];
    am_lsn_t point = 0;
    if (!source__slot_create(src, &point, snapshot, sizeof snapshot, err))
        return false;
    if ((sink->slot_created && !sink->slot_created(ud, point, err)) ||
        (sink->catalog && !copy_catalog(src, snapshot, point, sink, ud, err))) {
        drop_failed_slot(src);
        return false;
    }
    for (size_t i = 0; i < src->opts.n_tables; i++) {
        if (!copy_one_table(src, &src->opts.tables[i], snapshot, sink, ud, err)) {
            drop_failed_slot(src);
            return false;
        }
    }
    *consistent_point = point;
    return true;
}
