/*
 * lake/fill.c: rows appended with some values still to come from a committed row (an UPDATE
 * that left a TOASTed value alone: pgoutput does not send it). Reading one row by position
 * decodes its whole row group, so the values are read for all such rows of the open data file
 * together, one query per source file with every wanted position in its filter (DuckDB skips
 * the row groups holding none), and written into the temp table with one UPDATE: before the
 * file is written, and before anything reads the temp table.
 */
#include "lake/lake_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows waiting for values before they are filled anyway. */
#define FILL_PENDING_MAX 16384
/* Bytes a filled value is taken to have before the table has filled any. */
#define FILL_FIRST_GUESS 2048
/* Positions per query: keeps the SQL text of one query small. */
#define FILL_QUERY_POSITIONS 4096
/* Positions are grouped by the largest row groups of the files the lake writes; a packed
 * position divided by it is (file, span of rows): 2^LAKE__POS_ROW_BITS is a multiple of it. */
#define LAKE__ROW_GROUP ((uint64_t)LAKE_ROW_GROUP_N)

static size_t mask_words(const lake_batch_t *b)
{
    return (b->t->meta.n_cols + 63) / 64;
}

bool lake_table_pos_committed(const lake_table_t *t, lake_pos_t pos)
{
    return pos.file >= 0 && (size_t)pos.file < t->state.n_data && t->state.data[pos.file].live &&
           pos.row >= 0 && pos.row < t->state.data[pos.file].record_count &&
           (uint64_t)pos.row <= LAKE__POS_ROW_MASK;
}

bool lake_batch_append_fill(lake_batch_t *b, const am_value_t *vals, lake_pos_t from,
                            lake_pos_t *pos, am_err_t *err)
{
    lake_table_t *t = b->t;
    if (!lake__batch_not_streamed(b, err))
        return false;
    if (!lake_table_pos_committed(t, from))
        return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                          "table %s.%s: no committed row at file %d row %" PRId64
                          " to take unchanged values from",
                          t->schema, t->name, from.file, from.row);
    size_t n = t->meta.n_cols, words = mask_words(b);
    if (b->n_fill_row < n) {
        b->fill_row = am_xrealloc(b->fill_row, n * sizeof *b->fill_row);
        b->n_fill_row = n;
    }
    if (b->n_fills == b->cap_fills) {
        b->cap_fills = b->cap_fills ? b->cap_fills * 2 : 64;
        b->fills = am_xrealloc(b->fills, b->cap_fills * sizeof *b->fills);
        b->fill_masks = am_xrealloc(b->fill_masks, b->cap_fills * words * sizeof *b->fill_masks);
    }
    uint64_t *mask = &b->fill_masks[b->n_fills * words];
    memset(mask, 0, words * sizeof *mask);
    int64_t n_unchanged = 0;
    for (size_t i = 0; i < n; i++) {
        b->fill_row[i] = vals[i];
        if (vals[i].kind == AM_VALUE_UNCHANGED) {
            b->fill_row[i] = (am_value_t){.kind = AM_VALUE_NULL};
            mask[i / 64] |= UINT64_C(1) << (i % 64);
            n_unchanged++;
        }
    }
    if (n_unchanged == 0 || b->broken)
        return lake_batch_append(b, vals, pos, err);
    /* recorded first: the append may close the file, and closing fills it */
    if (!b->pq.open && !lake__batch_start_file(b, err))
        return false;
    /* the values are not here to count: the file's size estimate takes the table's recent
     * average, corrected when they are read (before any, TOAST's threshold: PostgreSQL moves
     * values out of line once a row passes about 2 kB) */
    int64_t guess = t->fill_avg > 0 ? t->fill_avg : FILL_FIRST_GUESS * n_unchanged;
    b->pq.n_bytes += guess;
    b->fill_guess += guess;
    lake__fill_t *f = &b->fills[b->n_fills++];
    f->from = (uint64_t)from.file << LAKE__POS_ROW_BITS | (uint64_t)from.row;
    f->row = b->pq.n_rows;
    f->mask = b->n_fills - 1;
    if (!lake_batch_append(b, b->fill_row, pos, err)) {
        if (b->n_fills > 0 && b->fills[b->n_fills - 1].row == f->row)
            b->n_fills--;
        return false;
    }
    /* bounded: the masks' memory, and the size estimate's error */
    return b->n_fills < FILL_PENDING_MAX || lake__batch_fill(b, err);
}

static int fill_cmp(const void *pa, const void *pb)
{
    const lake__fill_t *a = pa, *b = pb;
    if (a->from != b->from)
        return a->from < b->from ? -1 : 1;
    return a->row < b->row ? -1 : a->row > b->row;
}

typedef struct fill_run {
    lake_batch_t *b;
    const size_t *cols; /* the table's columns some fill wants */
    size_t n_cols;
    const lake_column_t *fix_cols; /* the fix table: target row, cols' values, cols' flags */
    lake__pq_t fix;
    am_value_t *fix_row;
    const lake__fill_t *fills; /* this file's, sorted by from */
    size_t n_fills;
    size_t found;
    int64_t bytes; /* of the values filled in, for the file's size estimate */
    size_t queries;
    am_arena_t *arena;
    int32_t file;
} fill_run_t;

static bool fill_chunk(void *ud, duckdb_data_chunk chunk, am_err_t *err)
{
    fill_run_t *r = ud;
    lake_batch_t *b = r->b;
    size_t words = mask_words(b), k = r->n_cols;
    idx_t n = duckdb_data_chunk_get_size(chunk);
    const int64_t *rown = duckdb_vector_get_data(duckdb_data_chunk_get_vector(chunk, k));
    for (idx_t i = 0; i < n; i++) {
        am_arena_reset(r->arena);
        uint64_t want = (uint64_t)r->file << LAKE__POS_ROW_BITS | (uint64_t)rown[i];
        size_t lo = 0, hi = r->n_fills;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (r->fills[mid].from < want)
                lo = mid + 1;
            else
                hi = mid;
        }
        bool got = false;
        for (size_t j = lo; j < r->n_fills && r->fills[j].from == want; j++) {
            const uint64_t *mask = &b->fill_masks[r->fills[j].mask * words];
            if (!got) {
                for (size_t c = 0; c < k; c++) {
                    am_value_t *v = &r->fix_row[1 + c];
                    if (!lake__value_get(duckdb_data_chunk_get_vector(chunk, c),
                                         &b->t->meta.cols[r->cols[c]], i, r->arena, v, err))
                        return false;
                }
                got = true;
            }
            r->fix_row[0] = (am_value_t){.kind = AM_VALUE_PRESENT, .i = r->fills[j].row};
            for (size_t c = 0; c < k; c++) {
                size_t col = r->cols[c];
                bool on = mask[col / 64] >> (col % 64) & 1;
                r->fix_row[1 + k + c] = (am_value_t){.kind = AM_VALUE_PRESENT, .i = on};
                const am_value_t *v = &r->fix_row[1 + c];
                if (on && v->kind == AM_VALUE_PRESENT)
                    r->bytes += (int64_t)v->len + 16 * (int64_t)v->n_items;
            }
            if (!lake__pq_append(&r->fix, r->fix_row, err))
                return false;
            r->found++;
        }
    }
    return true;
}

/* SELECT the wanted columns (cast to the table's types) and file_row_number of the rows of
 * data file id at rows[0..n). */
static bool fill_sql(lake_batch_t *b, const fill_run_t *r, int32_t id, const lake__fill_t *f,
                     size_t n, am_buf_t *sql, am_err_t *err)
{
    lake_table_t *t = b->t;
    const char *uri = t->state.data[id].path;
    /* each column aliased v<i>: the table's names could clash with file_row_number */
    lake_column_t *alias = am_xcalloc(r->n_cols + 1, sizeof *alias);
    char(*names)[24] = am_xcalloc(r->n_cols + 1, sizeof *names);
    am_buf_puts(sql, "SELECT ");
    for (size_t c = 0; c < r->n_cols; c++) {
        alias[c] = t->meta.cols[r->cols[c]];
        (void)snprintf(names[c], sizeof names[c], "v%zu", c);
        alias[c].name = names[c];
        char type[64];
        lake__type_duckdb(alias[c].type, type, sizeof type);
        am_buf_printf(sql, "CAST(d.v%zu AS %s), ", c, type);
    }
    am_buf_puts(sql, "d.am_row FROM (SELECT ");
    bool ok = lake__plan_file_columns(sql, &t->meta, uri, alias, r->n_cols, err);
    am_buf_puts(sql, ", d.file_row_number AS am_row FROM read_parquet(");
    am_sql_literal(sql, uri);
    am_buf_puts(sql, ", file_row_number = true) AS d WHERE d.file_row_number IN (");
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && f[i].from == f[i - 1].from)
            continue;
        am_buf_printf(sql, "%s%" PRIu64, i ? ", " : "", f[i].from & LAKE__POS_ROW_MASK);
    }
    am_buf_puts(sql, ")) AS d");
    free(names);
    free(alias);
    return ok;
}

/* The fix table's columns: the row to fill, each wanted column's value, and whether that row
 * takes it. */
static lake_column_t *fix_columns(const lake_table_t *t, const size_t *cols, size_t k)
{
    lake_column_t *fc = am_xcalloc(1 + 2 * k, sizeof *fc);
    fc[0].type.type = AM_TYPE_INT64;
    for (size_t c = 0; c < k; c++) {
        fc[1 + c].type = t->meta.cols[cols[c]].type;
        fc[1 + k + c].type.type = AM_TYPE_BOOL;
    }
    for (size_t i = 0; i < 1 + 2 * k; i++)
        fc[i].name = "";
    return fc;
}

static bool fill_update(lake_batch_t *b, const fill_run_t *r, am_err_t *err)
{
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_printf(&sql, "UPDATE temp.main.%s AS p SET ", b->pq.table);
    size_t k = r->n_cols;
    for (size_t c = 0; c < k; c++)
        am_buf_printf(&sql, "%sc%zu = CASE WHEN f.c%zu THEN f.c%zu ELSE p.c%zu END", c ? ", " : "",
                      r->cols[c], 1 + k + c, 1 + c, r->cols[c]);
    am_buf_printf(&sql, " FROM temp.main.%s AS f WHERE p.ord = f.c0", r->fix.table);
    bool ok = lake__duck_exec(b->t->lake->con, sql.data, err);
    am_buf_destroy(&sql);
    return ok;
}

static bool fill_all(lake_batch_t *b, fill_run_t *r, am_err_t *err)
{
    lake_table_t *t = b->t;
    bool ok = lake__pq_flush(&b->pq, err) &&
              lake__pq_begin(&r->fix, t->lake, r->fix_cols, 1 + 2 * r->n_cols, err);
    for (size_t i = 0; ok && i < b->n_fills;) {
        /* one query per row group: DuckDB reads the row groups of one query side by side,
         * and a row group's column of TOASTed values can be tens of MB */
        uint64_t group = b->fills[i].from / LAKE__ROW_GROUP;
        int32_t id = (int32_t)(b->fills[i].from >> LAKE__POS_ROW_BITS);
        size_t end = i, distinct = 0;
        while (end < b->n_fills && b->fills[end].from / LAKE__ROW_GROUP == group &&
               distinct < FILL_QUERY_POSITIONS) {
            if (end == i || b->fills[end].from != b->fills[end - 1].from)
                distinct++;
            end++;
        }
        while (end < b->n_fills && b->fills[end].from == b->fills[end - 1].from)
            end++; /* one position's fills stay in one query */
        r->fills = &b->fills[i];
        r->n_fills = end - i;
        r->file = id;
        r->queries++;
        am_buf_t sql;
        am_buf_init(&sql);
        ok = fill_sql(b, r, id, r->fills, r->n_fills, &sql, err) &&
             lake__scan_query(t->lake->con, sql.data, fill_chunk, r, err);
        if (!ok)
            am_err_prefix(err, "reading %zu rows of \"%s\"", r->n_fills, t->state.data[id].path);
        am_buf_destroy(&sql);
        i = end;
    }
    if (ok && r->found != b->n_fills)
        ok = am_err_set(err, "XX001",
                        "%zu of %zu rows to take unchanged values from were not found in their "
                        "data files",
                        b->n_fills - r->found, b->n_fills);
    ok = ok && lake__pq_flush(&r->fix, err);
    if (ok && !fill_update(b, r, err)) {
        am_err_prefix(err, "updating %zu rows", b->n_fills);
        ok = false;
    }
    return ok;
}

/* What DuckDB holds, by tag, when it ran out of memory: the log says what filled it. */
static void log_duck_memory(duckdb_connection con)
{
    duckdb_result res;
    if (duckdb_query(con,
                     "SELECT string_agg(tag || '=' || (memory_usage_bytes >> 20) || 'M', ' ') "
                     "FROM duckdb_memory() WHERE memory_usage_bytes > 0",
                     &res) == DuckDBError) {
        duckdb_destroy_result(&res);
        return;
    }
    char *v = duckdb_value_varchar(&res, 0, 0);
    am_log_warn("lake", "duckdb memory", AM_KV_STR("by_tag", v ? v : ""));
    duckdb_free(v);
    duckdb_destroy_result(&res);
}

bool lake__batch_fill(lake_batch_t *b, am_err_t *err)
{
    if (b->n_fills == 0)
        return true;
    lake_table_t *t = b->t;
    size_t words = mask_words(b), n = t->meta.n_cols;
    size_t *cols = am_xcalloc(n + 1, sizeof *cols), k = 0;
    for (size_t c = 0; c < n; c++) {
        bool want = false;
        for (size_t i = 0; i < b->n_fills && !want; i++)
            want = b->fill_masks[b->fills[i].mask * words + c / 64] >> (c % 64) & 1;
        if (want)
            cols[k++] = c;
    }
    qsort(b->fills, b->n_fills, sizeof *b->fills, fill_cmp);
    fill_run_t r = {.b = b, .cols = cols, .n_cols = k, .arena = am_arena_new(4096)};
    int64_t t0 = am_mono_us();
    size_t n_fills = b->n_fills;
    lake_column_t *fc = fix_columns(t, cols, k);
    r.fix_cols = fc;
    r.fix_row = am_xcalloc(1 + 2 * k, sizeof *r.fix_row);
    bool ok = fill_all(b, &r, err);
    if (ok) {
        /* the next append rolls the file if the values make it too big */
        b->pq.n_bytes += r.bytes - b->fill_guess;
        int64_t avg = r.bytes / (int64_t)n_fills + 1;
        t->fill_avg = t->fill_avg > 0 ? (3 * t->fill_avg + avg) / 4 : avg;
    }
    b->fill_guess = 0;
    am_log_debug("lake", "unchanged values filled", AM_KV_STR("table", t->name),
                 AM_KV_I64("rows", (int64_t)n_fills), AM_KV_I64("queries", (int64_t)r.queries),
                 AM_KV_I64("bytes", r.bytes), AM_KV_I64("ms", (am_mono_us() - t0) / 1000));
    lake__pq_abort(&r.fix);
    free(r.fix_row);
    free(fc);
    am_arena_free(r.arena);
    free(cols);
    b->n_fills = 0;
    if (!ok) {
        if (strstr(err->msg, "Out of Memory"))
            log_duck_memory(t->lake->con);
        b->broken = true; /* rows of the open file lack values: it must not be written */
        am_err_prefix(err, "table %s.%s: unchanged values", t->schema, t->name);
    }
    return ok;
}

void lake__batch_fill_free(lake_batch_t *b)
{
    free(b->fills);
    free(b->fill_masks);
    free(b->fill_row);
    b->fills = NULL;
    b->fill_masks = NULL;
    b->fill_row = NULL;
    b->n_fills = b->cap_fills = b->n_fill_row = 0;
}
