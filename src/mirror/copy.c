/*
 * mirror/copy.c: copying every table under the main slot's exported snapshot: the first start,
 * and a copy of everything again (slot lost, or behind the lake). The source creates the slot
 * and streams every table's rows as of its snapshot; each table becomes a new lake table, or a
 * new snapshot of its existing one replacing every row and the schema in one commit, recording
 * the slot's consistent point. Readers keep the snapshots the watermark names until the
 * watermark written after the last table names the new ones: it alone marks the copy complete
 * (a crash before it copies everything again). The source's catalog, captured under the same
 * snapshot, is published first and named by that watermark.
 */
#include "mirror/mirror_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The current table's progress in /metrics: rows, estimate, rows/s, ETA. */
typedef struct copy_progress {
    health_metric_t *rows;
    health_metric_t *est_rows;
    health_metric_t *rate;
    health_metric_t *eta;
    int64_t n;
    int64_t est;
    int64_t start_us;
} copy_progress_t;

typedef struct copy_ctx {
    mirror_t *m;
    mirror_table_t *cur;
    copy_progress_t progress;
    source_table_state_t *st; /* the current table's, under the snapshot */
    am_lsn_t consistent_point;
} copy_ctx_t;

static bool on_slot_created(void *ud, am_lsn_t consistent_point, am_err_t *err)
{
    (void)err;
    copy_ctx_t *ctx = ud;
    ctx->consistent_point = consistent_point;
    char lsn[24];
    am_log_info("mirror", "slot created",
                AM_KV_STR("consistent_point", am_lsn_format(consistent_point, lsn, sizeof lsn)));
    return true;
}

/* The catalog under the copy's snapshot: the watermark written after the copy names it. */
static bool on_catalog(void *ud, const char *json, size_t len, am_err_t *err)
{
    copy_ctx_t *ctx = ud;
    char *name = NULL;
    if (!lake_catalog_write(ctx->m->lake, json, len, &name, err))
        return false;
    free(ctx->m->catalog_name);
    ctx->m->catalog_name = name;
    ctx->m->catalog_fresh = true;
    return true;
}

static bool on_state(void *ud, const source_table_state_t *st, am_err_t *err)
{
    (void)err;
    copy_ctx_t *ctx = ud;
    source_table_states_free(ctx->st, ctx->st ? 1 : 0);
    ctx->st = am_xcalloc(1, sizeof *ctx->st);
    mirror__state_copy(ctx->st, st);
    return true;
}

/* A new lake table, or every row and the schema of the existing one replaced in one commit. */
static lake_table_t *open_target(copy_ctx_t *ctx, mirror_table_t *t, const source_relation_t *rel,
                                 am_err_t *err)
{
    mirror_t *m = ctx->m;
    const mirror_rec_t *old = t->has_rec ? &t->rec : NULL;
    lake_column_t *cols = mirror__lake_columns(rel, ctx->st, old, NULL);
    lake_table_t *lt = NULL;
    if (!lake_table_exists_at(m->lake, t->location)) {
        lt = lake_table_create_at(m->lake, t->location, cols, rel->n_cols, err);
    } else if ((lt = lake_table_open_at(m->lake, t->location, err)) != NULL) {
        lake_table_protect(lt, t->served_snapshot);
        t->batch = lake_batch_new(lt);
        lake_batch_truncate(t->batch);
        am_err_t e = {0};
        bool ok = lake_table_set_schema(lt, cols, rel->n_cols, &e);
        for (size_t i = 0;
             !ok && strcmp(e.sqlstate, AM_SQLSTATE_UNSUPPORTED) == 0 && i < rel->n_cols; i++)
            cols[i].field_id = 0; /* a type the kept field cannot widen to: all new fields */
        if (!ok && strcmp(e.sqlstate, AM_SQLSTATE_UNSUPPORTED) == 0)
            ok = lake_table_set_schema(lt, cols, rel->n_cols, &e);
        if (!ok) {
            *err = e;
            lake_batch_free(t->batch);
            t->batch = NULL;
            lake_table_close(lt);
            lt = NULL;
        }
    }
    mirror__lake_columns_free(cols, rel->n_cols);
    return lt;
}

/* The rec of the copy: the snapshot's state, the lake's fields, the names it had before. */
static void copy_rec(copy_ctx_t *ctx, mirror_table_t *t, lake_table_t *lt)
{
    size_t n = lake_table_n_columns(lt);
    int32_t *fields = am_xcalloc(n + 1, sizeof *fields);
    for (size_t i = 0; i < n; i++)
        fields[i] = lake_table_columns(lt)[i].field_id;
    mirror_rec_t next;
    mirror__rec_from_state(&next, ctx->st, fields, n);
    free(fields);
    if (t->has_rec) {
        free(next.names);
        next.names = am_xcalloc(t->rec.n_names + 1, sizeof *next.names);
        for (size_t i = 0; i < t->rec.n_names; i++)
            next.names[next.n_names++] = am_xstrdup(t->rec.names[i]);
        mirror__rec_destroy(&t->rec);
    }
    next.spec = t->spec ? am_xstrdup(t->spec) : NULL;
    t->rec = next;
    t->has_rec = true;
    char *json = mirror__rec_encode(&t->rec);
    lake_table_set_property(lt, MIRROR_PROP_SOURCE, json);
    free(json);
}

static void progress_begin(copy_progress_t *p, const source_relation_t *rel, int64_t est_rows)
{
    am_buf_t l;
    am_buf_init(&l);
    char table[300];
    (void)snprintf(table, sizeof table, "%s.%s", rel->schema, rel->name);
    health_label_append(&l, "table", table);
    p->rows = health_metric("arctic_mirror_copy_table_rows",
                            "Rows the running initial copy of the table has written.", HEALTH_GAUGE,
                            l.data);
    p->est_rows = health_metric("arctic_mirror_copy_table_estimated_rows",
                                "Rows the table is estimated to hold (pg_class.reltuples or a "
                                "sample).",
                                HEALTH_GAUGE, l.data);
    p->rate =
        health_metric("arctic_mirror_copy_table_rows_per_second",
                      "Rows per second of the table's initial copy so far.", HEALTH_GAUGE, l.data);
    p->eta = health_metric("arctic_mirror_copy_table_eta_seconds",
                           "Seconds the table's initial copy still needs at its rate so far (0 "
                           "once done, -1 unknown).",
                           HEALTH_GAUGE, l.data);
    am_buf_destroy(&l);
    p->n = 0;
    p->est = est_rows;
    p->start_us = am_mono_us();
    health_metric_set(p->rows, 0);
    health_metric_set(p->est_rows, (double)est_rows);
    health_metric_set(p->eta, -1);
}

static void progress_update(copy_progress_t *p, bool done)
{
    double secs = (double)(am_mono_us() - p->start_us) / 1e6;
    double rate = secs > 0 ? (double)p->n / secs : 0;
    health_metric_set(p->rows, (double)p->n);
    health_metric_set(p->rate, rate);
    health_metric_set(p->eta, done                        ? 0
                              : rate > 0 && p->est > p->n ? (double)(p->est - p->n) / rate
                                                          : -1);
}

static bool on_table_begin(void *ud, const source_relation_t *rel, int64_t est_rows, am_err_t *err)
{
    copy_ctx_t *ctx = ud;
    mirror_table_t *t = mirror__table_by_relid(ctx->m, rel->relid);
    if (!t || !ctx->st || ctx->st->relid != rel->relid)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "initial copy of unknown table %s.%s",
                          rel->schema, rel->name);
    if (!t->location)
        t->location = mirror__location_for(ctx->m, t->relid, rel->schema, rel->name);
    lake_table_t *lt = open_target(ctx, t, rel, err);
    if (!lt)
        return false;
    copy_rec(ctx, t, lt);
    lake_batch_t *b = t->batch;
    if (!mirror__table_setup(t, lt, err)) {
        lake_batch_free(b);
        t->batch = NULL;
        return false;
    }
    t->batch = b ? b : lake_batch_new(lt); /* the rec is committed with the rows */
    lake_batch_stream(t->batch);           /* rows only come in: DuckDB writes as they do */
    int16_t *attnums = am_xcalloc(rel->n_cols + 1, sizeof *attnums);
    for (size_t i = 0, k = 0; i < ctx->st->n_attrs && k < rel->n_cols; i++)
        if (!ctx->st->attrs[i].generated)
            attnums[k++] = ctx->st->attrs[i].attnum;
    bool ok = mirror__table_bind(t, rel, attnums, 0, err);
    free(attnums);
    if (!ok)
        return false;
    t->bound = NULL; /* the stream's own Relation message binds it again */
    /* sized for the estimate; keys only come in until on_table_end commits */
    mirror__index_feed_begin(t, est_rows);
    progress_begin(&ctx->progress, rel, est_rows);
    am_log_info("mirror", "copying table", AM_KV_STR("schema", rel->schema),
                AM_KV_STR("table", rel->name), AM_KV_I64("estimated_rows", est_rows),
                AM_KV_STR("location", t->location));
    ctx->cur = t;
    return true;
}

static bool on_row(void *ud, const am_value_t *vals, am_err_t *err)
{
    copy_ctx_t *ctx = ud;
    if (!mirror__table_insert(ctx->cur, vals, false, err))
        return false;
    if ((++ctx->progress.n & 0xffff) == 0) {
        health_metric_add(ctx->m->metrics.copy_rows, 0x10000);
        progress_update(&ctx->progress, false);
    }
    return true;
}

static bool on_table_end(void *ud, const source_relation_t *rel, int64_t n_rows, am_err_t *err)
{
    copy_ctx_t *ctx = ud;
    mirror_table_t *t = ctx->cur;
    int64_t start = am_mono_us();
    if (!mirror__table_commit(t, ctx->consistent_point, err))
        return false;
    ctx->cur = NULL;
    health_metric_add(ctx->m->metrics.copy_rows, (double)(ctx->progress.n & 0xffff));
    progress_update(&ctx->progress, true);
    free(t->schema);
    free(t->name);
    t->schema = am_xstrdup(t->rec.st.schema);
    t->name = am_xstrdup(t->rec.st.name);
    t->write_fp = mirror__state_fp(&t->rec.st);
    t->state = MIRROR_T_ACTIVE;
    t->reason[0] = '\0';
    am_log_info("mirror", "table copied", AM_KV_STR("schema", rel->schema),
                AM_KV_STR("table", rel->name), AM_KV_I64("rows", n_rows),
                AM_KV_I64("commit_ms", (am_mono_us() - start) / 1000));
    return true;
}

bool mirror__initial_copy(mirror_t *m, am_err_t *err)
{
    copy_ctx_t ctx = {.m = m};
    source_copy_sink_t sink = {
        .slot_created = on_slot_created,
        .catalog = on_catalog,
        .table_begin = on_table_begin,
        .row = on_row,
        .table_end = on_table_end,
        .table_state = on_state,
    };
    mirror__set_phase(m, MIRROR_COPYING);
    int64_t start = am_mono_us();
    am_lsn_t cp = 0;
    bool ok = source_initial_copy(m->src, &sink, &ctx, &cp, err);
    source_table_states_free(ctx.st, ctx.st ? 1 : 0);
    if (!ok) {
        am_err_prefix(err, "initial copy");
        return false;
    }
    if (ctx.consistent_point == 0)
        ctx.consistent_point = cp;
    /* every table is at the snapshot the catalog was captured under: all served as written */
    for (size_t i = 0; i < m->n_tables; i++) {
        mirror_table_t *t = m->tables[i];
        if (t->state != MIRROR_T_ACTIVE)
            continue;
        t->served_fp = t->write_fp;
        free(t->served_schema);
        free(t->served_name);
        t->served_schema = am_xstrdup(t->schema);
        t->served_name = am_xstrdup(t->name);
        t->served_snapshot = lake_table_snapshot_id(t->lt);
        t->visible_unix_us = am_now_us();
    }
    free(m->slot_name);
    m->slot_name = am_xstrdup(m->opts.source.slot);
    m->slot_lsn = ctx.consistent_point;
    m->recopy_all = false;
    m->position = ctx.consistent_point;
    /* the copy is served first; its indexes' checkpoints (200 MB for 10 M rows) follow in a
     * second watermark at the same LSN, so readers do not wait for them. That one names no
     * checkpoint, so a crash in between rebuilds the indexes from the lake. */
    m->ckpt_deferred = true;
    ok = mirror__write_watermark(m, ctx.consistent_point, err);
    m->ckpt_deferred = false;
    if (!ok)
        return false;
    char lsn[24];
    am_log_info("mirror", "initial copy done", AM_KV_I64("tables", m->n_tables),
                AM_KV_STR("lsn", am_lsn_format(ctx.consistent_point, lsn, sizeof lsn)),
                AM_KV_I64("ms", (am_mono_us() - start) / 1000));
    am_fault_point("copy-served");
    int64_t ckpt_start = am_mono_us();
    if (!mirror__write_watermark(m, ctx.consistent_point, err))
        return false;
    am_log_info("mirror", "index checkpoints written", AM_KV_I64("tables", m->n_tables),
                AM_KV_I64("ms", (am_mono_us() - ckpt_start) / 1000));
    return true;
}
