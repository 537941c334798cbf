/*
 * mirror/copy.c: the initial copy. The source creates the slot with an exported snapshot and
 * streams every table's rows as of that snapshot; each table becomes a new lake table whose
 * first snapshot records the slot's consistent point, and the watermark written afterwards is
 * what marks the copy complete (a crash before it copies everything again). The source's
 * catalog, captured under the same snapshot, is published first and named by that watermark.
 * Each lake column records its PostgreSQL type in its doc (mirror__column_doc).
 */
#include "mirror/mirror_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct copy_ctx {
    mirror_t *m;
    mirror_table_t *cur;
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
    return true;
}

static bool on_table_begin(void *ud, const source_relation_t *rel, int64_t est_rows, am_err_t *err)
{
    copy_ctx_t *ctx = ud;
    mirror_table_t *t = mirror__table_find(ctx->m, rel->schema, rel->name);
    if (!t)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "initial copy of unconfigured table %s.%s",
                          rel->schema, rel->name);
    lake_column_t *cols = am_xcalloc(rel->n_cols ? rel->n_cols : 1, sizeof *cols);
    bool has_key = false;
    for (size_t i = 0; i < rel->n_cols; i++) {
        cols[i].name = rel->cols[i].name;
        cols[i].type = rel->cols[i].type;
        cols[i].required = rel->cols[i].not_null;
        cols[i].is_key = rel->cols[i].is_key;
        cols[i].doc = mirror__column_doc(&rel->cols[i]);
        has_key |= cols[i].is_key;
    }
    lake_table_t *lt =
        lake_table_create(ctx->m->lake, rel->schema, rel->name, cols, rel->n_cols, err);
    for (size_t i = 0; i < rel->n_cols; i++)
        free((char *)cols[i].doc);
    free(cols);
    if (!lt)
        return false;
    if (!mirror__table_setup(t, lt, err) || !mirror__table_bind_relation(t, rel, err)) {
        lake_table_close(lt);
        t->lt = NULL;
        return false;
    }
    t->relid = 0; /* the stream's Relation message binds it again */
    if (has_key && est_rows > 0)
        am_map_reserve(t->index, (size_t)est_rows + (size_t)est_rows / 8);
    if (!has_key)
        am_log_warn("mirror", "table has no primary key: inserts only, updates and deletes fail",
                    AM_KV_STR("table", rel->name));
    am_log_info("mirror", "copying table", AM_KV_STR("schema", rel->schema),
                AM_KV_STR("table", rel->name), AM_KV_I64("estimated_rows", est_rows));
    ctx->cur = t;
    return true;
}

static bool on_row(void *ud, const am_value_t *vals, am_err_t *err)
{
    copy_ctx_t *ctx = ud;
    if (!mirror__table_insert(ctx->cur, vals, false, err))
        return false;
    health_metric_add(ctx->m->metrics.copy_rows, 1);
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
    };
    mirror__set_phase(m, MIRROR_COPYING);
    int64_t start = am_mono_us();
    am_lsn_t cp = 0;
    if (!source_initial_copy(m->src, &sink, &ctx, &cp, err)) {
        am_err_prefix(err, "initial copy");
        return false;
    }
    if (ctx.consistent_point == 0)
        ctx.consistent_point = cp;
    if (!mirror__write_watermark(m, ctx.consistent_point, err))
        return false;
    char lsn[24];
    am_log_info("mirror", "initial copy done", AM_KV_I64("tables", m->n_tables),
                AM_KV_STR("lsn", am_lsn_format(ctx.consistent_point, lsn, sizeof lsn)),
                AM_KV_I64("ms", (am_mono_us() - start) / 1000));
    return true;
}
