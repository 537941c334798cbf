/*
 * mirror/start.c: what a start finds and what it does about it. The watermark names the
 * tables served before (by relation id, location and snapshot), the replication slot the lake
 * follows and whether a copy of every table was under way; the configuration names what to
 * mirror now; the source says what exists. Then:
 *   no watermark                 the first copy of every table under the new slot's snapshot
 *   slot missing, invalidated,   never resumed silently: with mirror.resnapshot_on_slot_loss,
 *   or past the lake (a lake     the watermark first says "recopy", then every table is copied
 *   restored from an older       into new snapshots while readers keep the old ones, and one
 *   copy, a slot made again)     watermark switches to all of them (a kill in between starts
 *                                that copy again); otherwise an error naming the slot and the
 *                                commands that recover
 *   otherwise                    resume from the watermark; tables dropped or unconfigured
 *                                meanwhile stop (kept in the lake), new ones get a copy
 * Before any publication changes, each table's replica identity is checked: a configured
 * table without one is refused here, naming it and the fixes (unless insert_only).
 */
#include "mirror/mirror_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tables the watermark knows: served ones and those it keeps as gone. */
static void known_from(mirror_t *m, const lake_watermark_table_t *e, bool gone)
{
    mirror_table_t *t = mirror__table_add(m, e->relid, e->schema, e->name, NULL);
    t->location = am_xstrdup(e->location);
    t->served_schema = am_xstrdup(e->schema);
    t->served_name = am_xstrdup(e->name);
    t->served_snapshot = gone ? -1 : e->snapshot_id;
    t->served_fp = mirror__fp_parse(e->fp);
    t->index_file = e->index && !gone ? am_xstrdup(e->index) : NULL;
    t->pub_members = e->publication && !gone ? am_xstrdup(e->publication) : NULL;
    mirror__stash_take(m, t);
    t->state = gone                                          ? MIRROR_T_DROPPED
               : e->state && strcmp(e->state, "recopy") == 0 ? MIRROR_T_COPY
                                                             : MIRROR_T_ACTIVE;
    if (gone)
        (void)snprintf(t->reason, sizeof t->reason, "%s", e->state ? e->state : "not mirrored");
}

/* A watermark written before relation ids: the id of the table of that name now. */
static void find_relid(mirror_table_t *t, const source_table_id_t *ids, size_t n)
{
    for (size_t i = 0; i < n && t->relid == 0; i++)
        if (strcmp(ids[i].schema, t->schema) == 0 && strcmp(ids[i].name, t->name) == 0)
            t->relid = ids[i].relid;
}

/* The lake's rec of t (its properties), or one made from the catalog for tables written
 * before recs existed (their columns matched by name, as they were then). */
static bool load_rec(mirror_table_t *t, lake_table_t *lt, const source_table_state_t *st,
                     am_err_t *err)
{
    const char *json = lake_table_property(lt, MIRROR_PROP_SOURCE);
    if (json) {
        t->has_rec = mirror__rec_decode(json, &t->rec, err);
        return t->has_rec;
    }
    const lake_column_t *cols = lake_table_columns(lt);
    size_t n = lake_table_n_columns(lt);
    int32_t *fields = am_xcalloc(st->n_attrs + 1, sizeof *fields);
    size_t k = 0;
    for (size_t i = 0; i < st->n_attrs; i++) {
        if (st->attrs[i].generated)
            continue;
        for (size_t j = 0; j < n; j++)
            if (strcmp(cols[j].name, st->attrs[i].name) == 0)
                fields[k] = cols[j].field_id;
        k++;
    }
    mirror__rec_from_state(&t->rec, st, fields, k);
    free(fields);
    t->rec.spec = t->spec ? am_xstrdup(t->spec) : NULL;
    t->has_rec = true;
    char *text = mirror__rec_encode(&t->rec);
    lake_table_set_property(lt, MIRROR_PROP_SOURCE, text); /* committed with its next change */
    free(text);
    return true;
}

/* Tables written before docs existed: each column's PostgreSQL type as its doc. */
static bool sync_docs(source_t *src, mirror_table_t *t, lake_table_t *lt, am_err_t *err)
{
    const lake_column_t *cols = lake_table_columns(lt);
    size_t n = lake_table_n_columns(lt);
    bool undocumented = false;
    for (size_t i = 0; i < n; i++)
        undocumented |= cols[i].doc == NULL;
    if (!undocumented)
        return true;
    source_relation_t *rel = source_describe(src, t->schema, t->name, err);
    if (!rel)
        return false;
    const char **docs = am_xcalloc(n + 1, sizeof *docs);
    char **owned = am_xcalloc(n + 1, sizeof *owned);
    for (size_t j = 0; j < n; j++) {
        docs[j] = cols[j].doc;
        for (size_t i = 0; i < rel->n_cols && !owned[j]; i++)
            if (strcmp(rel->cols[i].name, cols[j].name) == 0)
                owned[j] = mirror__column_doc(&rel->cols[i]);
        if (owned[j])
            docs[j] = owned[j];
    }
    bool ok = lake_table_set_docs(lt, docs, err);
    if (ok)
        am_log_info("mirror", "recorded the PostgreSQL types of columns",
                    AM_KV_STR("schema", t->schema), AM_KV_STR("table", t->name));
    for (size_t j = 0; j < n; j++)
        free(owned[j]);
    free(owned);
    free(docs);
    source_relation_free(rel);
    return ok;
}

bool mirror__table_resume(mirror_table_t *t, lake_t *lake, storage_t *store, source_t *src,
                          const source_table_state_t *st, am_err_t *err)
{
    lake_table_t *lt = lake_table_open_at(lake, t->location, err);
    if (!lt)
        return false;
    if (!sync_docs(src, t, lt, err) || !load_rec(t, lt, st, err)) {
        lake_table_close(lt);
        return false;
    }
    free(t->schema);
    free(t->name);
    t->schema = am_xstrdup(t->rec.st.schema);
    t->name = am_xstrdup(t->rec.st.name);
    if (!t->spec && t->rec.spec)
        t->spec = am_xstrdup(t->rec.spec);
    t->write_fp = mirror__state_fp(&t->rec.st);
    if (!t->served_fp && t->served_snapshot == lake_table_snapshot_id(lt))
        t->served_fp = t->write_fp; /* a watermark of before fingerprints */
    lake_table_protect(lt, t->served_snapshot);
    if (t->state == MIRROR_T_COPY) { /* the copy starts again once streaming */
        lake_table_close(lt);
        return true;
    }
    return mirror__table_setup(t, lt, err) && mirror__index_load(t, store, err);
}

/* Still selected: by the entry that brought it in, by its name now, by the publication. */
static const mirror_spec_t *still_selected(mirror_t *m, mirror_table_t *t,
                                           const source_table_state_t *st, bool in_publication)
{
    for (size_t i = 0; t->spec && i < m->n_specs; i++) {
        char *key = am_xasprintf("%s.%s", m->specs[i].schema, m->specs[i].name);
        bool same = strcmp(key, t->spec) == 0;
        free(key);
        if (same)
            return &m->specs[i];
    }
    const mirror_spec_t *s = mirror__spec_match(m, st->schema, st->name);
    static const mirror_spec_t automatic = {0};
    return s ? s : in_publication ? &automatic : NULL;
}

static bool in_ids(const source_table_id_t *ids, size_t n, uint32_t relid)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i].relid == relid)
            return true;
    return false;
}

/* The configuration entry the lake recorded for t (its rec's spec), before t is opened for
 * good: a renamed table stays selected by the entry that brought it in. */
static void peek_spec(mirror_t *m, mirror_table_t *t)
{
    am_err_t err = {0};
    lake_table_t *lt = t->spec ? NULL : lake_table_open_at(m->lake, t->location, &err);
    const char *json = lt ? lake_table_property(lt, MIRROR_PROP_SOURCE) : NULL;
    mirror_rec_t rec;
    if (json && mirror__rec_decode(json, &rec, &err)) {
        t->spec = rec.spec ? am_xstrdup(rec.spec) : NULL;
        mirror__rec_destroy(&rec);
    }
    lake_table_close(lt);
}

/* A known table that is no longer mirrored: dropped meanwhile, or no longer configured. */
static void settle_known(mirror_t *m, mirror_table_t *t, const source_table_state_t *st,
                         const source_table_id_t *ids, size_t n_ids, am_err_t *err, bool *ok)
{
    if (t->state == MIRROR_T_DROPPED)
        return;
    char table[300];
    snprintf(table, sizeof table, "%s.%s", t->schema, t->name);
    if (!st) {
        am_log_info("mirror",
                    "table dropped at the source while the mirror was down: no longer "
                    "mirrored, its Iceberg table is kept",
                    AM_KV_STR("table", table), AM_KV_STR("location", t->location));
        mirror__table_set_state(m, t, MIRROR_T_DROPPED, "dropped at the source");
        return;
    }
    peek_spec(m, t);
    const mirror_spec_t *s = still_selected(m, t, st, m->automatic && in_ids(ids, n_ids, t->relid));
    if (!s) {
        am_log_info("mirror",
                    "table no longer in the configuration: not mirrored, its Iceberg "
                    "table is kept",
                    AM_KV_STR("table", table), AM_KV_STR("location", t->location));
        mirror__table_set_state(m, t, MIRROR_T_DROPPED, "no longer in the configuration");
        return;
    }
    t->insert_only = s->insert_only;
    t->drop_lake = s->drop_lake;
    *ok = *ok && mirror__table_resume(t, m->lake, m->store, m->src, st, err);
    /* renamed while the mirror was down: the source knows it by its name now (publication,
     * copy); the lake takes the name when the stream reaches the rename */
    free(t->schema);
    free(t->name);
    t->schema = am_xstrdup(st->schema);
    t->name = am_xstrdup(st->name);
}

static bool resolve_known(mirror_t *m, const source_table_id_t *ids, size_t n_ids, am_err_t *err)
{
    uint32_t *relids = am_xcalloc(m->n_tables + 1, sizeof *relids);
    for (size_t i = 0; i < m->n_tables; i++) {
        find_relid(m->tables[i], ids, n_ids);
        relids[i] = m->tables[i]->relid;
    }
    source_table_state_t *states = NULL;
    size_t n = 0;
    am_lsn_t after = 0;
    bool ok = m->n_tables == 0 ||
              source_table_states(m->src, relids, m->n_tables, &states, &n, &after, err);
    for (size_t i = 0; ok && i < m->n_tables; i++) {
        mirror_table_t *t = m->tables[i];
        settle_known(m, t, source_table_state_find(states, n, t->relid), ids, n_ids, err, &ok);
    }
    source_table_states_free(states, n);
    free(relids);
    return ok;
}

/* Explicit entries that name no table: a typo on the first start, a warning later. */
static bool check_explicit(mirror_t *m, const source_table_id_t *ids, size_t n, bool first,
                           am_err_t *err)
{
    for (size_t i = 0; i < m->n_specs; i++) {
        const mirror_spec_t *s = &m->specs[i];
        bool found = s->pattern;
        for (size_t k = 0; k < n && !found; k++)
            found = strcmp(ids[k].schema, s->schema) == 0 && strcmp(ids[k].name, s->name) == 0;
        char *key = am_xasprintf("%s.%s", s->schema, s->name);
        for (size_t k = 0; k < m->n_tables && !found; k++)
            found = m->tables[k]->spec && m->tables[k]->state != MIRROR_T_DROPPED &&
                    strcmp(m->tables[k]->spec, key) == 0;
        free(key);
        if (found)
            continue;
        /* a partition's changes come under its root (publish_via_partition_root), so mirrored
         * on its own it would never change: its rows are served in the root's table */
        char *root = NULL;
        if (!source_partition_root(m->src, s->schema, s->name, &root, err))
            return false;
        if (root) {
            bool refused = first;
            if (first)
                am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                           "table \"%s.%s\" is a partition of \"%s\": partitions are mirrored "
                           "as part of their root; configure \"%s\" instead",
                           s->schema, s->name, root, root);
            else
                am_log_warn("mirror", "a configured table is a partition: mirrored in its root",
                            AM_KV_STR("schema", s->schema), AM_KV_STR("table", s->name),
                            AM_KV_STR("root", root));
            free(root);
            if (refused)
                return false;
            continue;
        }
        if (first)
            return am_err_set(err, AM_SQLSTATE_UNDEFINED_TABLE, "table \"%s.%s\" does not exist",
                              s->schema, s->name);
        am_log_warn("mirror", "a configured table does not exist", AM_KV_STR("schema", s->schema),
                    AM_KV_STR("table", s->name));
    }
    return true;
}

/* The tables the configuration and the publication select that no one knew: new ones. */
static bool resolve_tables(mirror_t *m, bool first, am_err_t *err)
{
    source_table_ref_t *globs = am_xcalloc(m->n_specs + 1, sizeof *globs);
    for (size_t i = 0; i < m->n_specs; i++)
        globs[i] = (source_table_ref_t){m->specs[i].schema, m->specs[i].name};
    source_table_id_t *ids = NULL;
    size_t n = 0;
    bool ok = source_tables_match(m->src, globs, m->n_specs, &ids, &n, &m->automatic, err);
    free(globs);
    ok = ok && resolve_known(m, ids, n, err) && check_explicit(m, ids, n, first, err);
    for (size_t i = 0; ok && i < n; i++) {
        if (mirror__table_by_relid(m, ids[i].relid))
            continue;
        const mirror_spec_t *s = mirror__spec_match(m, ids[i].schema, ids[i].name);
        mirror_table_t *t = mirror__table_add(m, ids[i].relid, ids[i].schema, ids[i].name, s);
        t->state = MIRROR_T_COPY; /* copied with the others on a first start, else alone */
    }
    source_table_ids_free(ids, n);
    return ok;
}

/* Replica identity first, then the publications; a configured table refused stops the start. */
static bool publish(mirror_t *m, am_err_t *err)
{
    source_table_ref_t *refs = am_xcalloc(m->n_tables + 1, sizeof *refs);
    bool *ins = am_xcalloc(m->n_tables + 1, sizeof *ins);
    mirror_table_t **which = am_xcalloc(m->n_tables + 1, sizeof(mirror_table_t *));
    source_publish_t *result = am_xcalloc(m->n_tables + 1, sizeof *result);
    size_t n = 0;
    for (size_t i = 0; i < m->n_tables; i++) {
        mirror_table_t *t = m->tables[i];
        if (t->state == MIRROR_T_DROPPED)
            continue;
        refs[n] = (source_table_ref_t){t->schema, t->name};
        ins[n] = t->insert_only;
        which[n++] = t;
    }
    bool ok = source_tables_publish(m->src, refs, ins, n, result, err);
    for (size_t i = 0; ok && i < n; i++) {
        if (!source_refused(result[i]))
            continue;
        char why[512];
        source_refusal_message(which[i]->schema, which[i]->name, result[i], why, sizeof why);
        const mirror_spec_t *s = mirror__spec_match(m, which[i]->schema, which[i]->name);
        if (s && !s->pattern)
            ok = am_err_set(err, "55000", "%s", why);
        else
            am_log_error("mirror", "table refused", AM_KV_STR("detail", why));
        mirror__table_set_state(m, which[i], MIRROR_T_REFUSED, why);
    }
    free(refs);
    free(ins);
    free(which);
    free(result);
    return ok;
}

/* ---- the slot ------------------------------------------------------------------------------ */

static const char *slot_problem(const mirror_t *m, const lake_watermark_t *wm,
                                const source_slot_info_t *info, char *buf, size_t len)
{
    char a[32], b[32];
    if (!info->exists)
        return "is missing";
    if (strcmp(info->wal_status, "lost") == 0)
        return "was invalidated (wal_status lost): the WAL it needed is gone";
    /* only a watermark that records its slot acknowledges nothing past itself (take_watermark
     * moved the recorded name to m) */
    if (m->slot_name && info->confirmed_flush > wm->lsn) {
        (void)snprintf(buf, len,
                       "has confirmed %s but the lake holds changes up to %s only: the "
                       "warehouse was restored from an older copy, or the slot was created "
                       "again",
                       am_lsn_format(info->confirmed_flush, a, sizeof a),
                       am_lsn_format(wm->lsn, b, sizeof b));
        return buf;
    }
    return NULL;
}

static bool refuse_resume(const mirror_t *m, const char *problem, am_err_t *err)
{
    char lsn[32];
    const char *slot = m->opts.source.slot;
    return am_err_set(err, "55000",
                      "replication slot \"%s\" %s; the changes after %s cannot come from it and "
                      "the mirror does not resume silently. To copy every table again into new "
                      "snapshots (readers keep the old ones until it is done), set "
                      "mirror.resnapshot_on_slot_loss: true and restart; to start over instead, "
                      "run SELECT pg_drop_replication_slot('%s'); on the source (if it exists) "
                      "and remove the warehouse %s",
                      slot, problem, am_lsn_format(m->watermark_lsn, lsn, sizeof lsn), slot,
                      m->warehouse);
}

/* Every table copied again under a new slot; the watermark first says so, durably. */
static bool resnapshot(mirror_t *m, const char *why, am_err_t *err)
{
    am_log_warn("mirror",
                "copying every table again into new snapshots; readers keep the old "
                "ones until the copy is complete",
                AM_KV_STR("slot", m->opts.source.slot), AM_KV_STR("why", why));
    m->recopy_all = true;
    if (!mirror__write_watermark(m, m->watermark_lsn, err))
        return false;
    bool exists = false;
    if (!source_slot_exists(m->src, &exists, err) || (exists && !source_slot_drop(m->src, err)))
        return false;
    for (size_t i = 0; i < m->n_tables; i++) {
        mirror_table_t *t = m->tables[i];
        mirror__table_close(t);
        if (t->state == MIRROR_T_ACTIVE)
            t->state = MIRROR_T_COPY;
    }
    return mirror__initial_copy(m, err);
}

static bool first_copy(mirror_t *m, am_err_t *err)
{
    bool exists = false;
    if (!source_slot_exists(m->src, &exists, err) || (exists && !source_slot_drop(m->src, err)))
        return false;
    for (size_t i = 0; i < m->n_tables; i++) { /* leftovers no watermark ever named */
        mirror_table_t *t = m->tables[i];
        if (t->state != MIRROR_T_COPY)
            continue;
        char *loc = am_xasprintf("%s/%s", t->schema, t->name);
        if (lake_table_exists_at(m->lake, loc) && !lake_table_drop_at(m->lake, loc, err)) {
            free(loc);
            return false;
        }
        free(loc);
    }
    return mirror__initial_copy(m, err);
}

static bool decide(mirror_t *m, const lake_watermark_t *wm, bool found, am_err_t *err)
{
    char *rows = NULL;
    if (!source_publication_rows(m->src, &rows, err))
        return false;
    bool altered = m->pub_rows && source_publication_rows_changed(m->pub_rows, rows);
    free(m->pub_rows);
    m->pub_rows = rows;
    if (!found)
        return first_copy(m, err);
    source_slot_info_t info;
    if (!source_slot_info(m->src, &info, err))
        return false;
    char buf[300];
    const char *problem = wm->recopy ? "was being replaced by a copy of every table"
                                     : slot_problem(m, wm, &info, buf, sizeof buf);
    if (problem && (wm->recopy || m->opts.resnapshot_on_slot_loss))
        return resnapshot(m, problem, err);
    /* a publish list narrowed and widened again, or the publication dropped and created
     * again, while the mirror was down: what it left out meanwhile cannot be replayed */
    if (!problem && altered)
        return resnapshot(m,
                          "the publication was altered (SET, RENAME, OWNER TO) or dropped and "
                          "created again while the mirror was down",
                          err);
    if (problem)
        return refuse_resume(m, problem, err);
    if (!m->slot_name) {
        m->slot_name = am_xstrdup(m->opts.source.slot);
        m->slot_lsn = info.confirmed_flush;
    }
    return true;
}

static void take_watermark(mirror_t *m, lake_watermark_t *wm)
{
    m->watermark_lsn = wm->lsn;
    m->position = wm->lsn;
    m->catalog_name = wm->catalog;
    wm->catalog = NULL;
    m->slot_name = wm->slot;
    wm->slot = NULL;
    m->slot_lsn = wm->slot_lsn;
    free(m->pub_rows);
    m->pub_rows = wm->publications;
    wm->publications = NULL;
    for (size_t i = 0; i < wm->n_tables; i++)
        known_from(m, &wm->tables[i], false);
    for (size_t i = 0; i < wm->n_gone; i++)
        known_from(m, &wm->gone[i], true);
}

bool mirror__start(mirror_t *m, am_err_t *err)
{
    m->lake = lake_open(m->warehouse, err);
    if (!m->lake)
        return false;
    lake_set_file_retention(m->lake, m->maintain.file_retention_ms);
    m->store = storage_local_new(m->warehouse, err);
    if (!m->store)
        return false;
    lake_set_file_bytes(m->lake, m->opts.max_memory / 4);
    if (!lake_set_memory_limit(m->lake, m->opts.max_memory / 2, err))
        return false;
    source_options_t so = m->opts.source;
    so.tables = NULL; /* published below, once each table's identity is known */
    so.n_tables = 0;
    so.insert_only = NULL;
    so.binary = !m->stream_text;
    m->src = source_open(&so, err);
    if (!m->src)
        return false;
    lake_watermark_t wm = {0};
    bool found = false;
    if (!lake_watermark_read(m->warehouse, &wm, &found, err))
        return false;
    if (found)
        take_watermark(m, &wm);
    bool ok = resolve_tables(m, !found, err) && publish(m, err) && decide(m, &wm, found, err);
    lake_watermark_destroy(&wm);
    if (!ok)
        return false;
    mirror__tables_publish_status(m);
    /* the catalog may have changed while the mirror was down (a copy just captured it) */
    if (!m->catalog_fresh && !mirror__catalog_refresh(m, err))
        return false;
    m->catalog_fresh = false;
    if (!mirror__maint_start(m, err))
        return false;
    char lsn[24];
    am_log_info("mirror", "streaming",
                AM_KV_STR("from", am_lsn_format(m->watermark_lsn, lsn, sizeof lsn)));
    mirror__set_phase(m, MIRROR_STREAMING);
    if (!source_stream_start(m->src, m->watermark_lsn, err))
        return false;
    pthread_mutex_lock(&m->status_lock);
    (void)snprintf(m->status.tuples, sizeof m->status.tuples, "%s",
                   source_stream_is_binary(m->src) ? "binary" : "text");
    pthread_mutex_unlock(&m->status_lock);
    for (size_t i = 0; i < m->n_tables; i++) { /* copies of their own, while the others stream */
        mirror_table_t *t = m->tables[i];
        if (t->state != MIRROR_T_COPY)
            continue;
        if (!t->location)
            t->location = mirror__location_for(m, t->relid, t->schema, t->name);
        mirror__copy_start(m, t,
                           t->served_snapshot >= 0 ? "its copy was under way"
                                                   : "the configuration selects it");
    }
    if (!mirror__tables_membership(m, " while the mirror was down", err))
        return false;
    m->checked_us = am_mono_us();
    return true;
}
