/*
 * lake/plan.c: DuckDB SQL over a snapshot's live files: read_parquet over the data files
 * (with each row's file name and row number) anti-joined with the position delete files,
 * projecting the table's columns cast to their DuckDB types. Used by lake_read_plan (the
 * proxy's views, any thread) and by scan.c. Builds text only; runs nothing.
 * Spec: reference/iceberg.md sections 6 ("Read planning") and 7; DESIGN.md "The read path".
 */
#include "lake/lake_internal.h"

#include <stdlib.h>
#include <string.h>

size_t lake__plan_n_live(const lake__state_t *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_data; i++)
        n += s->data[i].live;
    return n;
}

void lake__plan_project_pick(am_buf_t *sql, const lake_column_t *cols, size_t n,
                             const size_t *pick, size_t n_pick)
{
    for (size_t k = 0; k < n_pick; k++) {
        size_t i = pick ? pick[k] : k;
        char type[64];
        lake__type_duckdb(cols[i].type, type, sizeof type);
        am_buf_puts(sql, k ? ", CAST(d." : "CAST(d.");
        lake__phys_name(cols, n, i, sql);
        am_buf_printf(sql, " AS %s) AS ", type);
        lake__phys_name(cols, n, i, sql);
    }
}

void lake__plan_project(am_buf_t *sql, const lake_column_t *cols, size_t n)
{
    lake__plan_project_pick(sql, cols, n, NULL, n);
}

static void file_list(am_buf_t *sql, const lake__file_t *files, size_t n)
{
    am_buf_putc(sql, '[');
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (!files[i].live)
            continue;
        am_buf_puts(sql, first ? "" : ", ");
        am_sql_literal(sql, files[i].path);
        first = false;
    }
    am_buf_putc(sql, ']');
}

void lake__plan_from(am_buf_t *sql, const lake__state_t *s)
{
    /* DuckDB 1.4 applies position deletes by path only: our paths are never reused */
    am_buf_puts(sql, "read_parquet(");
    file_list(sql, s->data, s->n_data);
    am_buf_puts(sql, ", filename = '" LAKE_FILENAME_COL "', file_row_number = true) AS d");
    if (s->n_dels == 0)
        return;
    am_buf_puts(sql, " ANTI JOIN read_parquet(");
    file_list(sql, s->dels, s->n_dels);
    am_buf_puts(sql,
                ") AS x ON x.file_path = d." LAKE_FILENAME_COL " AND x.pos = d.file_row_number");
}

/* SELECT of the right columns and types with no rows, for tables without data files. */
static void empty_select(am_buf_t *sql, const lake_column_t *cols, size_t n)
{
    am_buf_puts(sql, "SELECT ");
    for (size_t i = 0; i < n; i++) {
        char type[48];
        lake__type_duckdb(cols[i].type, type, sizeof type);
        am_buf_printf(sql, "%sCAST(NULL AS %s) AS ", i ? ", " : "", type);
        lake__phys_name(cols, n, i, sql);
    }
    am_buf_puts(sql, " WHERE false");
}

/* Live rows (records of live data files minus live position deletes) and bytes on disk. */
static void snapshot_size(const lake__state_t *s, lake_read_cols_t *out)
{
    for (size_t i = 0; out && i < s->n_data; i++)
        if (s->data[i].live) {
            out->live_rows += s->data[i].record_count;
            out->bytes += s->data[i].size;
        }
    for (size_t i = 0; out && i < s->n_dels; i++)
        if (s->dels[i].live) {
            out->live_rows -= s->dels[i].record_count;
            out->bytes += s->dels[i].size;
        }
}

static bool plan_snapshot(const lake__meta_t *m, int64_t snapshot_id, am_buf_t *sql,
                          lake_read_cols_t *size, am_err_t *err)
{
    const char *ml = NULL;
    if (snapshot_id < 0) {
        empty_select(sql, m->cols, m->n_cols);
        return true;
    }
    if (!lake__meta_snapshot_find(m, snapshot_id, &ml, err))
        return false;
    lake__state_t s;
    if (!lake__state_load(ml, &s, err))
        return false;
    snapshot_size(&s, size);
    if (lake__plan_n_live(&s) == 0) {
        empty_select(sql, m->cols, m->n_cols);
    } else {
        am_buf_puts(sql, "SELECT ");
        lake__plan_project(sql, m->cols, m->n_cols);
        am_buf_puts(sql, " FROM ");
        lake__plan_from(sql, &s);
    }
    lake__state_destroy(&s);
    return true;
}

static void copy_cols(const lake__meta_t *m, lake_read_cols_t *out)
{
    out->n = m->n_cols;
    out->cols = am_xcalloc(m->n_cols + 1, sizeof *out->cols);
    for (size_t i = 0; i < m->n_cols; i++) {
        out->cols[i] = m->cols[i];
        out->cols[i].name = am_xstrdup(m->cols[i].name);
    }
}

void lake_read_cols_destroy(lake_read_cols_t *c)
{
    for (size_t i = 0; c && i < c->n; i++)
        free((char *)c->cols[i].name);
    if (c)
        free(c->cols);
}

bool lake_read_plan(const char *warehouse, const char *schema, const char *name,
                    int64_t snapshot_id, am_buf_t *sql, am_err_t *err)
{
    return lake_read_plan_cols(warehouse, schema, name, snapshot_id, sql, NULL, err);
}

bool lake_read_plan_cols(const char *warehouse, const char *schema, const char *name,
                         int64_t snapshot_id, am_buf_t *sql, lake_read_cols_t *cols, am_err_t *err)
{
    if (!lake__name_check("schema", schema, err) || !lake__name_check("table", name, err))
        return false;
    char *dir = am_xasprintf("%s/%s/%s", warehouse, schema, name);
    lake__meta_t m;
    bool ok = lake__meta_load_dir(dir, &m, err);
    free(dir);
    if (ok) {
        if (cols) {
            cols->live_rows = 0;
            cols->bytes = 0;
        }
        ok = plan_snapshot(&m, snapshot_id, sql, cols, err);
        if (ok && cols)
            copy_cols(&m, cols);
        lake__meta_destroy(&m);
    }
    if (!ok)
        am_err_prefix(err, "plan %s.%s", schema, name);
    return ok;
}
