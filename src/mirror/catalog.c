/*
 * mirror/catalog.c: keeping the served catalog in step with the served tables. The document
 * comes from source_catalog_capture_rels with every table's state read in the same
 * transaction; it may be served only when it describes what each table's served version
 * will be: for a table being written, its written version (the rec's fingerprint); for one
 * being copied again, the version it is served at. When that holds, the document is published
 * (unless equal to the current one apart from its LSN) and the watermark, rewritten at the
 * same durable LSN, moves every table to its written version at once: a rename, a new column,
 * a new table, a dropped one become visible together with the rows they go with. When it does
 * not (a change the stream has not reached yet, a copy under way), nothing is published and
 * the tables that changed stay at their served version; the next attempt comes soon.
 * Neither looks inside the document (the proxy does).
 */
#include "mirror/mirror_internal.h"

#include <stdlib.h>

/* Whether doc equals the document catalog_name holds; an unreadable one counts as different. */
static bool catalog_unchanged(mirror_t *m, const am_buf_t *doc)
{
    if (!m->catalog_name)
        return false;
    am_buf_t cur;
    am_buf_init(&cur);
    am_err_t err = {0};
    bool same = false;
    if (lake_catalog_read(m->warehouse, m->catalog_name, &cur, &err))
        same = source_catalog_same(cur.data, cur.len, doc->data, doc->len);
    else
        am_log_warn("mirror", "current catalog unreadable, writing a new one",
                    AM_KV_STR("catalog", m->catalog_name), AM_KV_ERR(&err));
    am_buf_destroy(&cur);
    return same;
}

static bool in_document(const mirror_table_t *t)
{
    return (t->state == MIRROR_T_ACTIVE && t->has_rec) ||
           (t->state == MIRROR_T_COPY && t->served_snapshot >= 0);
}

/* Every table's state agrees with the version the document would serve it at. */
static const mirror_table_t *disagrees(const mirror_t *m, const source_table_state_t *states,
                                       size_t n)
{
    for (size_t i = 0; i < m->n_tables; i++) {
        const mirror_table_t *t = m->tables[i];
        if (!in_document(t))
            continue;
        const source_table_state_t *st = source_table_state_find(states, n, t->relid);
        uint64_t want = t->state == MIRROR_T_COPY ? t->served_fp : t->write_fp;
        if (!st || mirror__state_fp(st) != want)
            return t;
        /* a written version past the durable watermark cannot be served yet: the document
         * would describe it while readers still get the older one */
        if (t->state == MIRROR_T_ACTIVE && t->write_fp != t->served_fp && t->lt &&
            lake_table_lsn(t->lt) > m->watermark_lsn)
            return t;
    }
    return NULL;
}

/* The cheap look first: the states alone (a capture is a few MB and up to seconds). */
static bool worth_capturing(mirror_t *m, const uint32_t *relids, size_t n, am_err_t *err)
{
    source_table_state_t *states = NULL;
    size_t n_states = 0;
    am_lsn_t after = 0;
    if (!source_table_states(m->src, relids, n, &states, &n_states, &after, err))
        return false;
    const mirror_table_t *waiting = disagrees(m, states, n_states);
    if (waiting)
        am_log_debug("mirror", "served catalog kept: a table's change is still on its way",
                     AM_KV_STR("schema", waiting->schema), AM_KV_STR("table", waiting->name));
    source_table_states_free(states, n_states);
    return waiting == NULL;
}

bool mirror__catalog_refresh(mirror_t *m, am_err_t *err)
{
    m->catalog_tried_us = am_mono_us();
    uint32_t *relids = am_xcalloc(m->n_tables + 1, sizeof *relids);
    size_t n = 0;
    for (size_t i = 0; i < m->n_tables; i++)
        if (in_document(m->tables[i]))
            relids[n++] = m->tables[i]->relid;
    am_buf_t doc;
    am_buf_init(&doc);
    source_table_state_t *states = NULL;
    size_t n_states = 0;
    am_err_t e = {0};
    if (!worth_capturing(m, relids, n, &e)) {
        free(relids);
        if (e.sqlstate[0])
            *err = e;
        return e.sqlstate[0] == '\0';
    }
    bool ok = source_catalog_capture_rels(m->src, relids, n, &doc, &states, &n_states, err);
    const mirror_table_t *waiting = ok ? disagrees(m, states, n_states) : NULL;
    if (ok && waiting) {
        am_log_debug("mirror", "served catalog kept: a table's change is still on its way",
                     AM_KV_STR("schema", waiting->schema), AM_KV_STR("table", waiting->name));
    } else if (ok) {
        if (!catalog_unchanged(m, &doc)) {
            char *name = NULL;
            ok = lake_catalog_write(m->lake, doc.data, doc.len, &name, err);
            if (ok) {
                free(m->catalog_name);
                m->catalog_name = name;
            }
        }
        for (size_t i = 0; ok && i < m->n_tables; i++)
            if (m->tables[i]->state == MIRROR_T_ACTIVE && m->tables[i]->has_rec)
                m->tables[i]->served_fp = m->tables[i]->write_fp;
        m->catalog_dirty = !ok;
        ok = ok && (m->watermark_lsn == 0 || mirror__write_watermark(m, m->watermark_lsn, err));
    }
    source_table_states_free(states, n_states);
    am_buf_destroy(&doc);
    free(relids);
    return ok;
}
