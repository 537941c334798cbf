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

void lake__plan_project_pick(am_buf_t *sql, const lake_column_t *cols, size_t n, const size_t *pick,
                             size_t n_pick)
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

/* Live files of files[0..n) whose schema id is sid (any when sid < 0), as a DuckDB list. */
static void file_list(am_buf_t *sql, const lake__meta_t *m, const lake__file_t *files, size_t n,
                      int32_t sid)
{
    am_buf_putc(sql, '[');
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (!files[i].live || (sid >= 0 && lake__file_schema_id(m, files[i].path) != sid))
            continue;
        am_buf_puts(sql, first ? "" : ", ");
        am_sql_literal(sql, files[i].path);
        first = false;
    }
    am_buf_putc(sql, ']');
}

/* The schema ids the live data files were written with (distinct, at most n). */
static size_t file_schemas(const lake__meta_t *m, const lake__state_t *s, int32_t *ids)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n_data; i++) {
        if (!s->data[i].live)
            continue;
        int32_t sid = lake__file_schema_id(m, s->data[i].path);
        size_t j = 0;
        while (j < k && ids[j] != sid)
            j++;
        if (j == k)
            ids[k++] = sid;
    }
    return k;
}

/* d."<name in the file>" AS "<name>" for each of cols, NULL where the file lacks the field;
 * *same when every column has its own name in the file. */
static void file_select(am_buf_t *sql, const lake__schema_t *fs, const lake_column_t *cols,
                        size_t n, bool *same)
{
    *same = true;
    for (size_t i = 0; i < n; i++) {
        const lake_column_t *f = NULL;
        for (size_t j = 0; j < fs->n && !f; j++)
            if (fs->cols[j].field_id == cols[i].field_id)
                f = &fs->cols[j];
        am_buf_puts(sql, i ? ", " : "");
        if (f) {
            am_buf_puts(sql, "d.");
            am_sql_ident(sql, f->name);
            *same = *same && strcmp(f->name, cols[i].name) == 0;
        } else {
            char type[48];
            lake__type_duckdb(cols[i].type, type, sizeof type);
            am_buf_printf(sql, "CAST(NULL AS %s)", type);
            *same = false;
        }
        am_buf_puts(sql, " AS ");
        am_sql_ident(sql, cols[i].name);
    }
}

bool lake__plan_file_columns(am_buf_t *sql, const lake__meta_t *m, const char *path,
                             const lake_column_t *cols, size_t n, am_err_t *err)
{
    lake__schema_t fs;
    if (!lake__meta_schema(m, lake__file_schema_id(m, path), &fs, err))
        return false;
    bool same = false;
    file_select(sql, &fs, cols, n, &same);
    lake__schema_destroy(&fs);
    return true;
}

#define READ_OPTS ", filename = '" LAKE_FILENAME_COL "', file_row_number = true)"

/* One read_parquet per schema the files were written with, each renaming its fields to cols'
 * names, glued with UNION ALL; the common case (one schema, same names) is a plain read. */
static bool data_from(am_buf_t *sql, const lake__meta_t *m, const lake__state_t *s,
                      const lake_column_t *cols, size_t n, bool indexed, am_err_t *err)
{
    int32_t *sids = am_xcalloc(s->n_data + 1, sizeof *sids);
    size_t n_sids = file_schemas(m, s, sids);
    am_buf_t parts;
    am_buf_init(&parts);
    bool ok = true, plain = n_sids == 1;
    for (size_t g = 0; ok && g < n_sids; g++) {
        lake__schema_t fs;
        ok = lake__meta_schema(m, sids[g], &fs, err);
        if (!ok)
            break;
        bool same = false;
        am_buf_puts(&parts, g ? " UNION ALL SELECT " : "SELECT ");
        file_select(&parts, &fs, cols, n, &same);
        plain = plain && same;
        am_buf_puts(&parts, ", d." LAKE_FILENAME_COL ", d.file_row_number");
        am_buf_puts(&parts, indexed ? ", d.file_index FROM read_parquet(" : " FROM read_parquet(");
        file_list(&parts, m, s->data, s->n_data, sids[g]);
        am_buf_puts(&parts, READ_OPTS " AS d");
        lake__schema_destroy(&fs);
    }
    if (ok && plain) {
        am_buf_puts(sql, "read_parquet(");
        file_list(sql, m, s->data, s->n_data, -1);
        am_buf_puts(sql, READ_OPTS " AS d");
    } else if (ok) {
        am_buf_printf(sql, "(%s) AS d", parts.data);
    }
    am_buf_destroy(&parts);
    free(sids);
    return ok;
}

static bool plan_from(am_buf_t *sql, const lake__meta_t *m, const lake__state_t *s,
                      const lake_column_t *cols, size_t n, bool indexed, am_err_t *err)
{
    /* DuckDB 1.4 applies position deletes by path only: our paths are never reused */
    if (!data_from(sql, m, s, cols, n, indexed, err))
        return false;
    if (s->n_dels == 0)
        return true;
    am_buf_puts(sql, " ANTI JOIN read_parquet(");
    file_list(sql, m, s->dels, s->n_dels, -1);
    am_buf_puts(sql,
                ") AS x ON x.file_path = d." LAKE_FILENAME_COL " AND x.pos = d.file_row_number");
    return true;
}

bool lake__plan_from(am_buf_t *sql, const lake__meta_t *m, const lake__state_t *s,
                     const lake_column_t *cols, size_t n, am_err_t *err)
{
    return plan_from(sql, m, s, cols, n, false, err);
}

bool lake__plan_from_indexed(am_buf_t *sql, const lake__meta_t *m, const lake__state_t *s,
                             const lake_column_t *cols, size_t n, am_err_t *err)
{
    return plan_from(sql, m, s, cols, n, true, err);
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

static bool plan_snapshot(const lake__meta_t *m, int64_t snapshot_id, const lake__schema_t *sc,
                          am_buf_t *sql, lake_read_cols_t *size, am_err_t *err)
{
    const char *ml = NULL;
    if (snapshot_id < 0) {
        empty_select(sql, sc->cols, sc->n);
        return true;
    }
    if (!lake__meta_snapshot_find(m, snapshot_id, &ml, err))
        return false;
    lake__state_t s;
    if (!lake__state_load(ml, &s, err))
        return false;
    snapshot_size(&s, size);
    bool ok = true;
    if (lake__plan_n_live(&s) == 0) {
        empty_select(sql, sc->cols, sc->n);
    } else {
        am_buf_puts(sql, "SELECT ");
        lake__plan_project(sql, sc->cols, sc->n);
        am_buf_puts(sql, " FROM ");
        ok = lake__plan_from(sql, m, &s, sc->cols, sc->n, err);
    }
    lake__state_destroy(&s);
    return ok;
}

/* Takes the schema's columns (names owned) as the plan's. */
static void take_cols(lake__schema_t *sc, lake_read_cols_t *out)
{
    for (size_t i = 0; i < sc->n; i++) {
        free((char *)sc->cols[i].doc);
        sc->cols[i].doc = NULL;
    }
    out->n = sc->n;
    out->cols = sc->cols;
    sc->cols = NULL;
    sc->n = 0;
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

static bool plan_dir(const char *dir, int64_t snapshot_id, am_buf_t *sql, lake_read_cols_t *cols,
                     am_err_t *err)
{
    lake__meta_t m;
    if (!lake__meta_load_dir(dir, &m, err))
        return false;
    lake__schema_t sc;
    int32_t sid = snapshot_id < 0 ? m.schema_id : lake__meta_snapshot_schema(&m, snapshot_id);
    bool ok = lake__meta_schema(&m, sid, &sc, err);
    if (ok && sid == m.schema_id)
        for (size_t i = 0; i < sc.n && i < m.n_cols; i++)
            sc.cols[i].type = m.cols[i].type; /* int16, which the schema calls int */
    if (cols) {
        cols->live_rows = 0;
        cols->bytes = 0;
    }
    ok = ok && plan_snapshot(&m, snapshot_id, &sc, sql, cols, err);
    if (ok && cols)
        take_cols(&sc, cols);
    lake__schema_destroy(&sc);
    lake__meta_destroy(&m);
    return ok;
}

bool lake_read_plan_cols(const char *warehouse, const char *schema, const char *name,
                         int64_t snapshot_id, am_buf_t *sql, lake_read_cols_t *cols, am_err_t *err)
{
    if (!lake__name_check("schema", schema, err) || !lake__name_check("table", name, err))
        return false;
    char *dir = am_xasprintf("%s/%s/%s", warehouse, schema, name);
    bool ok = plan_dir(dir, snapshot_id, sql, cols, err);
    free(dir);
    if (!ok)
        am_err_prefix(err, "plan %s.%s", schema, name);
    return ok;
}

bool lake_read_plan_at(const char *warehouse, const char *location, int64_t snapshot_id,
                       am_buf_t *sql, lake_read_cols_t *cols, am_err_t *err)
{
    const char *slash = location ? strchr(location, '/') : NULL;
    if (!slash || strchr(slash + 1, '/'))
        return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                          "table location \"%s\" is not <schema>/<table>",
                          location ? location : "");
    char *schema = am_xstrndup(location, (size_t)(slash - location));
    bool ok = lake_read_plan_cols(warehouse, schema, slash + 1, snapshot_id, sql, cols, err);
    free(schema);
    return ok;
}
