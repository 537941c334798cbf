/*
 * lake/batch.c: one batch of changes to a table, committed as one snapshot by commit.c.
 * Appended rows fill a DuckDB temp table (parquet.c) that becomes data/<uuid>.parquet when it
 * reaches LAKE_ROWS_PER_FILE rows or at commit; positions handed out are (file id, ordinal),
 * where new files take ids after the table's committed ones. Deletes are kept as positions
 * (dels.c) until commit writes them as one position delete file. Truncate forgets everything before
 * it in the batch and makes commit remove every committed file.
 */
#include "lake/lake_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

lake_batch_t *lake_batch_new(lake_table_t *t)
{
    AM_ASSERT(t->batch == NULL); /* one open batch per table */
    lake_batch_t *b = am_xcalloc(1, sizeof *b);
    b->t = t;
    b->spill_fd = -1;
    t->batch = b;
    return b;
}

bool lake__batch_start_file(lake_batch_t *b, am_err_t *err)
{
    lake_table_t *t = b->t;
    size_t id = t->state.n_data + b->n_files;
    if (id > (size_t)t->lake->file_id_max)
        return am_err_set(err, "54000",
                          "table %s.%s: a new data file would need id %zu, past the most a table "
                          "can address (%d): compact or renumber its files first",
                          t->schema, t->name, id, t->lake->file_id_max);
    char uuid[37];
    am_uuid4(uuid);
    char *rel = am_xasprintf("%s/data/%s" LAKE_FILE_SCHEMA_TAG "%d.parquet", t->rel, uuid,
                             t->meta.schema_id);
    bool ok;
    if (b->stream) {
        char *abs = storage_path(t->lake->st, rel);
        char *schema = lake__meta_schema_text(&t->meta);
        ok = lake__pq_begin_stream(&b->pq, t->lake, t->meta.cols, t->meta.n_cols, abs,
                                   t->meta.field_ids, t->meta.elem_ids, schema, err);
        free(schema);
        free(abs);
    } else {
        ok = lake__pq_begin(&b->pq, t->lake, t->meta.cols, t->meta.n_cols, err);
    }
    if (!ok) {
        free(rel);
        return false;
    }
    if ((b->n_files & (b->n_files - 1)) == 0)
        b->files = am_xrealloc(b->files, (b->n_files ? b->n_files * 2 : 1) * sizeof *b->files);
    lake__pending_t *p = &b->files[b->n_files++];
    memset(p, 0, sizeof *p);
    p->rel = rel;
    p->uri = am_xasprintf("%s/data/%s" LAKE_FILE_SCHEMA_TAG "%d.parquet", t->uri_prefix, uuid,
                          t->meta.schema_id);
    p->written = b->stream; /* a streamed file exists from the start: free removes it */
    return true;
}

void lake_batch_stream(lake_batch_t *b)
{
    b->stream = true;
}

bool lake__batch_not_streamed(const lake_batch_t *b, am_err_t *err)
{
    if (!b->stream)
        return true;
    return am_err_set(err, AM_SQLSTATE_INTERNAL,
                      "table %s.%s: a batch that only appends (initial copy) cannot take values "
                      "from committed rows or read its open file before its commit",
                      b->t->schema, b->t->name);
}

bool lake__batch_close_file(lake_batch_t *b, am_err_t *err)
{
    if (!b->pq.open)
        return true;
    if (!lake__batch_fill(b, err))
        return false;
    lake__pending_t *p = &b->files[b->n_files - 1];
    if (b->pq.n_rows == 0) {
        lake__pq_abort(&b->pq);
        p->dropped = true;
        return true;
    }
    lake_t *lake = b->t->lake;
    char *abs = storage_path(lake->st, p->rel);
    p->written = true; /* from here on the file may exist: free removes it unless committed */
    char *schema = lake__meta_schema_text(&b->t->meta);
    bool ok =
        lake__pq_finish(&b->pq, abs, b->t->meta.field_ids, b->t->meta.elem_ids, schema, err) &&
        storage_sync(lake->st, p->rel, err) && storage_size(lake->st, p->rel, &p->size, err);
    free(p->metrics);
    p->metrics = b->pq.metrics;
    p->metrics_len = b->pq.metrics_len;
    b->pq.metrics = NULL;
    free(schema);
    free(abs);
    if (!ok) {
        b->broken = true;
        am_err_prefix(err, "table %s.%s", b->t->schema, b->t->name);
    }
    return ok;
}

bool lake__batch_usable(const lake_batch_t *b, am_err_t *err)
{
    if (!b->broken)
        return true;
    return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                      "table %s.%s: the batch failed earlier and must be freed", b->t->schema,
                      b->t->name);
}

bool lake_batch_append(lake_batch_t *b, const am_value_t *vals, lake_pos_t *pos, am_err_t *err)
{
    if (!lake__batch_usable(b, err) || (!b->pq.open && !lake__batch_start_file(b, err)))
        return false;
    int64_t row = b->pq.n_rows;
    if (!lake__pq_append(&b->pq, vals, err)) {
        am_err_prefix(err, "table %s.%s", b->t->schema, b->t->name);
        return false;
    }
    lake__pending_t *p = &b->files[b->n_files - 1];
    p->n_rows = b->pq.n_rows;
    b->n_appended++;
    pos->file = (int32_t)(b->t->state.n_data + b->n_files - 1);
    pos->row = row;
    if (b->pq.n_rows >= b->t->lake->rows_per_file || b->pq.n_bytes >= b->t->lake->bytes_per_file)
        return lake__batch_close_file(b, err);
    return true;
}

void lake_batch_truncate(lake_batch_t *b)
{
    lake__pq_abort(&b->pq);
    for (size_t i = 0; i < b->n_files; i++) {
        lake__pending_t *p = &b->files[i];
        if (p->written && !p->dropped)
            lake__remove_quietly(b->t->lake, p->rel);
        p->dropped = true;
    }
    lake__batch_dels_clear(b);
    b->n_appended = 0;
    b->n_fills = 0;
    b->fill_guess = 0;
    b->truncate = true;
}

int64_t lake_batch_n_appended(const lake_batch_t *b)
{
    return b->n_appended;
}

bool lake_batch_truncated(const lake_batch_t *b)
{
    return b->truncate;
}

/* Forgets the batch's files; removes those that exist unless a commit took them. */
static void forget_files(lake_batch_t *b, bool committed)
{
    for (size_t i = 0; i < b->n_files; i++) {
        if (!committed && b->files[i].written && !b->files[i].dropped)
            lake__remove_quietly(b->t->lake, b->files[i].rel);
        free(b->files[i].uri);
        free(b->files[i].rel);
        free(b->files[i].metrics);
    }
    free(b->files);
    b->files = NULL;
    b->n_files = 0;
}

void lake__batch_reset(lake_batch_t *b)
{
    b->stream = false; /* what comes after the copy updates and deletes like any batch */
    forget_files(b, true);
    lake__batch_dels_clear(b);
    b->truncate = false;
    b->n_appended = 0;
    b->n_fills = 0;
}

void lake_batch_free(lake_batch_t *b)
{
    if (!b)
        return;
    lake__pq_abort(&b->pq);
    forget_files(b, false);
    lake__batch_fill_free(b);
    lake__batch_dels_clear(b);
    free(b->dels);
    b->t->batch = NULL;
    free(b);
}
