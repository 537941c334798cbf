/*
 * mirror/tables.c: which tables are mirrored, and how they come and go while the stream runs.
 * The configuration selects tables by name or pattern; a FOR ALL TABLES / FOR TABLES IN
 * SCHEMA publication selects every table it publishes. Once mirrored, a table is its relation
 * id: a rename follows it, a drop stops it (its lake table kept, or removed with on_drop:
 * drop), a new table with an old name is a new table in a directory of its own.
 * A short timer compares the catalog with each table's rec (a cheap query on the SQL
 * connection): a difference marks the table stale until the stream reaches the change (a
 * Relation message) or passes the LSN the difference was seen at (a change that sends none);
 * a table gone from the catalog is dropped once the stream passes that LSN; tables the
 * configuration newly selects get their own copy (worker.c).
 */
#include "mirror/mirror_internal.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_MS_DEFAULT 1000
#define CATALOG_RETRY_US (INT64_C(500) * 1000)

static const char *const STATE_NAMES[] = {"streaming", "copying", "dropping", "dropped", "refused"};

mirror_table_t *mirror__table_by_relid(mirror_t *m, uint32_t relid)
{
    for (size_t i = 0; i < m->n_tables; i++)
        if (m->tables[i]->relid == relid)
            return m->tables[i];
    return NULL;
}

static char *spec_key(const mirror_spec_t *s)
{
    return am_xasprintf("%s.%s", s->schema, s->name);
}

mirror_table_t *mirror__table_add(mirror_t *m, uint32_t relid, const char *schema, const char *name,
                                  const mirror_spec_t *spec)
{
    mirror_table_t *t = am_xcalloc(1, sizeof *t);
    t->relid = relid;
    t->schema = am_xstrdup(schema);
    t->name = am_xstrdup(name);
    t->served_snapshot = -1;
    t->keep_max = m->opts.max_memory / 8;
    if (spec) {
        t->spec = spec_key(spec);
        t->insert_only = spec->insert_only;
        t->drop_lake = spec->drop_lake;
    }
    m->tables = am_xrealloc(m->tables, (m->n_tables + 1) * sizeof(mirror_table_t *));
    m->tables[m->n_tables++] = t;
    return t;
}

const mirror_spec_t *mirror__spec_match(const mirror_t *m, const char *schema, const char *name)
{
    for (size_t i = 0; i < m->n_specs; i++)
        if (!m->specs[i].pattern && strcmp(m->specs[i].schema, schema) == 0 &&
            strcmp(m->specs[i].name, name) == 0)
            return &m->specs[i];
    for (size_t i = 0; i < m->n_specs; i++)
        if (m->specs[i].pattern && fnmatch(m->specs[i].schema, schema, FNM_NOESCAPE) == 0 &&
            fnmatch(m->specs[i].name, name, FNM_NOESCAPE) == 0)
            return &m->specs[i];
    return NULL;
}

/* A directory name for a source name: what a path cannot hold becomes '_'. */
static char *dir_name(const char *s)
{
    char *d = am_xstrdup(*s ? s : "_");
    for (char *p = d; *p; p++)
        if (strchr("/%*?[]{}", *p))
            *p = '_';
    if (strcmp(d, ".") == 0 || strcmp(d, "..") == 0)
        d[0] = '_';
    return d;
}

/* The lake table at location belongs to relid (its rec says so), or there is none. */
static bool location_free(mirror_t *m, const char *location, uint32_t relid)
{
    for (size_t i = 0; i < m->n_tables; i++)
        if (m->tables[i]->location && strcmp(m->tables[i]->location, location) == 0)
            return m->tables[i]->relid == relid;
    if (!lake_table_exists_at(m->lake, location))
        return true;
    am_err_t err = {0};
    lake_table_t *lt = lake_table_open_at(m->lake, location, &err);
    const char *json = lt ? lake_table_property(lt, MIRROR_PROP_SOURCE) : NULL;
    mirror_rec_t rec;
    bool same = json && mirror__rec_decode(json, &rec, &err) && rec.st.relid == relid;
    if (json && same)
        mirror__rec_destroy(&rec);
    lake_table_close(lt);
    return same;
}

char *mirror__location_for(mirror_t *m, uint32_t relid, const char *schema, const char *name)
{
    char *s = dir_name(schema), *n = dir_name(name);
    char *loc = am_xasprintf("%s/%s", s, n);
    if (!location_free(m, loc, relid)) {
        free(loc);
        loc = am_xasprintf("%s/%s~%u", s, n, relid);
    }
    free(s);
    free(n);
    return loc;
}

bool mirror__relid_ignored(const mirror_t *m, uint32_t relid)
{
    for (size_t i = 0; i < m->n_ignored; i++)
        if (m->ignored[i] == relid)
            return true;
    return false;
}

static void ignore(mirror_t *m, uint32_t relid, const char *schema, const char *name,
                   const char *why)
{
    if (mirror__relid_ignored(m, relid))
        return;
    m->ignored = am_xrealloc(m->ignored, (m->n_ignored + 1) * sizeof *m->ignored);
    m->ignored[m->n_ignored++] = relid;
    char table[300];
    snprintf(table, sizeof table, "%s.%s", schema, name);
    am_log_info("mirror", why, AM_KV_STR("table", table), AM_KV_I64("relid", relid));
}

void mirror__table_set_state(mirror_t *m, mirror_table_t *t, mirror_tstate_t state,
                             const char *reason)
{
    t->state = state;
    (void)snprintf(t->reason, sizeof t->reason, "%.399s", reason ? reason : "");
    mirror__tables_publish_status(m);
}

/* ---- status ------------------------------------------------------------------------------ */

static const char *state_of(const mirror_table_t *t)
{
    if (t->state == MIRROR_T_ACTIVE && (t->pending || t->write_fp != t->served_fp))
        return "stale";
    return STATE_NAMES[t->state];
}

/* Per-table gauges: rows, the LSN its lake commit holds, when it last became visible. */
static void table_metrics(const mirror_table_t *t, const char *qualified)
{
    if (!t->lt || t->state == MIRROR_T_DROPPED || t->state == MIRROR_T_REFUSED)
        return;
    am_buf_t l;
    am_buf_init(&l);
    health_label_append(&l, "table", qualified);
    health_metric_set(health_metric("arctic_mirror_table_rows",
                                    "Live rows of the table's newest lake snapshot.", HEALTH_GAUGE,
                                    l.data),
                      (double)lake_table_live_rows(t->lt));
    health_metric_set(health_metric("arctic_mirror_table_lsn",
                                    "Source LSN the table's newest lake commit holds.",
                                    HEALTH_GAUGE, l.data),
                      (double)t->lake_lsn);
    if (t->visible_unix_us)
        health_metric_set(health_metric("arctic_mirror_table_visible_timestamp_seconds",
                                        "Unix time a watermark last served new rows of the table.",
                                        HEALTH_GAUGE, l.data),
                          (double)t->visible_unix_us / 1e6);
    am_buf_destroy(&l);
}

void mirror__tables_publish_status(mirror_t *m)
{
    mirror_table_status_t *s = am_xcalloc(m->n_tables + 1, sizeof *s);
    for (size_t i = 0; i < m->n_tables; i++) {
        const mirror_table_t *t = m->tables[i];
        snprintf(s[i].table, sizeof s[i].table, "%s.%s", t->schema, t->name);
        snprintf(s[i].state, sizeof s[i].state, "%s", state_of(t));
        const char *detail = t->reason;
        if (!*detail && t->pending)
            detail = "a schema change the stream has not reached yet";
        else if (!*detail && strcmp(s[i].state, "stale") == 0)
            detail = "changed; served as before until the served catalog agrees";
        snprintf(s[i].detail, sizeof s[i].detail, "%.399s", detail);
        table_metrics(t, s[i].table);
    }
    pthread_mutex_lock(&m->status_lock);
    free(m->table_status);
    m->table_status = s;
    m->n_table_status = m->n_tables;
    pthread_mutex_unlock(&m->status_lock);
}

size_t mirror_table_statuses(const mirror_t *m, mirror_table_status_t *out, size_t cap)
{
    pthread_mutex_lock((pthread_mutex_t *)&m->status_lock);
    size_t n = m->n_table_status;
    for (size_t i = 0; i < n && i < cap; i++)
        out[i] = m->table_status[i];
    pthread_mutex_unlock((pthread_mutex_t *)&m->status_lock);
    return n;
}

void mirror_report_tables(const mirror_t *m, health_report_t *r)
{
    pthread_mutex_lock((pthread_mutex_t *)&m->status_lock);
    am_buf_t all;
    am_buf_init(&all);
    int stale = 0, copying = 0;
    for (size_t i = 0; i < m->n_table_status; i++) {
        const mirror_table_status_t *s = &m->table_status[i];
        am_buf_printf(&all, "%s%s=%s", i ? ", " : "", s->table, s->state);
        stale += strcmp(s->state, "stale") == 0;
        copying += strcmp(s->state, "copying") == 0;
        if (strcmp(s->state, "streaming") != 0) {
            char key[160];
            snprintf(key, sizeof key, "table %s", s->table);
            char value[440];
            snprintf(value, sizeof value, "%s: %.399s", s->state, s->detail);
            health_report_str(r, key, value);
        }
    }
    pthread_mutex_unlock((pthread_mutex_t *)&m->status_lock);
    health_report_str(r, "tables", all.data ? all.data : "");
    health_report_num(r, "tables_stale", stale);
    health_report_num(r, "tables_copying", copying);
    am_buf_destroy(&all);
}

/* ---- the timer ----------------------------------------------------------------------------- */

static void mark_dropping(mirror_t *m, mirror_table_t *t, am_lsn_t after)
{
    t->drop_lsn = after;
    char lsn[32];
    am_log_info("mirror",
                "table dropped at the source: mirroring stops once the stream passes "
                "the drop",
                AM_KV_STR("schema", t->schema), AM_KV_STR("table", t->name),
                AM_KV_STR("lsn", am_lsn_format(after, lsn, sizeof lsn)));
    mirror__table_set_state(m, t, MIRROR_T_DROPPING, "dropped at the source");
}

static void check_one(mirror_t *m, mirror_table_t *t, const source_table_state_t *st,
                      am_lsn_t after)
{
    if (t->state == MIRROR_T_COPY && !st) {
        mirror__copy_stop(t);
        mirror__table_set_state(m, t, MIRROR_T_DROPPED, "dropped at the source while copied");
        return;
    }
    if (t->state != MIRROR_T_ACTIVE || !t->has_rec)
        return;
    if (!st) {
        mark_dropping(m, t, after);
        return;
    }
    bool differs = !mirror__state_equal(&t->rec.st, st);
    char at[32], pos[32];
    if (differs && !t->pending)
        am_log_info("mirror", "catalog change seen: stale until the stream reaches it",
                    AM_KV_STR("schema", t->schema), AM_KV_STR("table", t->name),
                    AM_KV_STR("seen_at", am_lsn_format(after, at, sizeof at)),
                    AM_KV_STR("stream_at", am_lsn_format(m->position, pos, sizeof pos)));
    if (differs)
        t->pending_lsn = after;
    if (differs != t->pending) {
        t->pending = differs;
        mirror__tables_publish_status(m);
    }
}

/* The watermark asks for a copy of every table: the next start makes it. */
static void mark_recopy_all(mirror_t *m)
{
    am_err_t werr = {0};
    m->recopy_all = true;
    if (m->watermark_lsn && !mirror__write_watermark(m, m->watermark_lsn, &werr))
        am_log_error("mirror", "could not mark the lake for a copy of every table",
                     AM_KV_ERR(&werr));
}

/* Someone narrowed the publication while the stream ran (ALTER PUBLICATION): changes decoded
 * since have been left out, and a replay cannot bring them back (decoding reads the catalog
 * as it was). The watermark first says that every table is to be copied again, which the next
 * start does once the publication is whole again; then the write path stops. */
static bool publication_intact(mirror_t *m, const uint32_t *relids, size_t n, am_err_t *err)
{
    if (source_publication_check(m->src, relids, n, err))
        return true;
    if (strcmp(err->sqlstate, "55000") != 0)
        return false;
    mark_recopy_all(m);
    char *why = am_xstrdup(err->msg);
    am_err_set(err, "55000",
               "%s. Every table will be copied again once the publication is whole (the "
               "changes it left out cannot be replayed)",
               why);
    free(why);
    return false;
}

/* t is in no publication of the mirror any more (ALTER PUBLICATION ... DROP TABLE while the
 * stream runs): its changes stopped coming, and the mirror would serve it stale without a
 * word. It is put back, as the next start would, and its rows are what the caller then reads;
 * a table the mirror cannot put back (its schema left a FOR TABLES IN SCHEMA publication)
 * stops the write path. */
static bool put_back(mirror_t *m, mirror_table_t *t, char **members, am_err_t *err)
{
    source_table_ref_t ref = {.schema = t->schema, .name = t->name};
    source_publish_t result = SOURCE_REFUSED;
    if (!source_tables_publish(m->src, &ref, &t->insert_only, 1, &result, err)) {
        if (strcmp(err->sqlstate, AM_SQLSTATE_UNDEFINED_TABLE) != 0)
            return false;
        /* dropped (or renamed) since the state was read: the next check follows that */
        *err = (am_err_t){0};
        return true;
    }
    if (source_stream_stale(m->src))
        return am_err_set(err, AM_SQLSTATE_CONNECTION_FAILURE,
                          "table %s.%s put back into the publications: restarting the stream",
                          t->schema, t->name);
    char *again = NULL;
    if (!source_publication_members(m->src, &t->relid, 1, &again, err))
        return false;
    free(*members);
    *members = again;
    if (again[0] && !source_refused(result))
        return true;
    return am_err_set(err, "55000",
                      "table %s.%s is no longer in publication \"%s\" and the mirror cannot "
                      "put it back: its changes would stop coming; add it back (ALTER "
                      "PUBLICATION ... ADD TABLE) or take it out of the configuration",
                      t->schema, t->name, m->opts.source.publication);
}

/* What put each table in the publication, against what the lake recorded or the last look
 * saw. A table taken out and added back (ALTER PUBLICATION ... DROP TABLE, then ADD TABLE,
 * while the mirror was down or between two looks; or put back by the mirror's own start after
 * someone took it out) is named by a new row, and the changes made meanwhile were never
 * published: no replay brings them back, so it is copied again. */
bool mirror__tables_membership(mirror_t *m, const char *when, am_err_t *err)
{
    mirror_table_t **which = am_xcalloc(m->n_tables + 1, sizeof(mirror_table_t *));
    uint32_t *relids = am_xcalloc(m->n_tables + 1, sizeof *relids);
    size_t n = 0;
    for (size_t i = 0; i < m->n_tables; i++)
        if (m->tables[i]->state == MIRROR_T_ACTIVE || m->tables[i]->state == MIRROR_T_COPY) {
            which[n] = m->tables[i];
            relids[n++] = m->tables[i]->relid;
        }
    char **now = am_xcalloc(n + 1, sizeof *now);
    bool ok = source_publication_members(m->src, relids, n, now, err);
    for (size_t i = 0; ok && i < n; i++) {
        mirror_table_t *t = which[i];
        bool out = t->state == MIRROR_T_ACTIVE && now[i][0] == '\0';
        if (out) {
            am_log_warn("mirror", "table taken out of the publication: putting it back",
                        AM_KV_STR("schema", t->schema), AM_KV_STR("table", t->name));
            ok = put_back(m, t, &now[i], err);
            if (!ok)
                break;
        }
        /* still out (dropped since the states were read): nothing to copy */
        bool gap = t->state == MIRROR_T_ACTIVE && now[i][0] &&
                   (out || (t->pub_members && strcmp(t->pub_members, now[i]) != 0));
        char *was = t->pub_members;
        t->pub_members = now[i];
        now[i] = NULL;
        if (gap) {
            char table[300], why[200];
            snprintf(table, sizeof table, "%s.%s", t->schema, t->name);
            snprintf(why, sizeof why,
                     "it was taken out of the publication and %s back%s: the changes made "
                     "meanwhile were never published",
                     out ? "the mirror put it" : "added", when);
            am_log_warn("mirror", "publication membership changed", AM_KV_STR("table", table),
                        AM_KV_STR("was", was ? was : ""), AM_KV_STR("now", t->pub_members));
            mirror__copy_start(m, t, why);
        }
        free(was);
    }
    for (size_t i = 0; i < n; i++)
        free(now[i]);
    free(now);
    free(relids);
    free(which);
    return ok;
}

/* The publication's row rewritten (ALTER PUBLICATION ... SET (publish ...) narrowed and
 * widened again between two checks or in one transaction, RENAME, OWNER TO) or a new one under
 * its name: what it left out meanwhile cannot be replayed. The watermark asks for a copy of
 * every table and the write path starts again, which makes it. */
static bool publication_unaltered(mirror_t *m, am_err_t *err)
{
    char *now = NULL;
    if (!source_publication_rows(m->src, &now, err))
        return false;
    bool altered = m->pub_rows && source_publication_rows_changed(m->pub_rows, now);
    char *was = m->pub_rows;
    m->pub_rows = now;
    if (!altered) {
        free(was);
        return true;
    }
    am_log_warn("mirror", "publication altered while streaming", AM_KV_STR("was", was),
                AM_KV_STR("now", now));
    free(was);
    mark_recopy_all(m);
    m->restart_recopy = true;
    return am_err_set(err, "55000",
                      "publication \"%s\" was altered (SET, RENAME, OWNER TO) or dropped and "
                      "created again while the stream ran: what it left out meanwhile cannot be "
                      "replayed, so every table is copied again",
                      m->opts.source.publication);
}

bool mirror__tables_check(mirror_t *m, am_err_t *err)
{
    int interval = m->opts.catalog_check_ms > 0 ? m->opts.catalog_check_ms : CHECK_MS_DEFAULT;
    if (am_mono_us() - m->checked_us < (int64_t)interval * 1000)
        return true;
    m->checked_us = am_mono_us();
    uint32_t *relids = am_xcalloc(m->n_tables + 1, sizeof *relids);
    size_t n = 0;
    for (size_t i = 0; i < m->n_tables; i++)
        if (m->tables[i]->state == MIRROR_T_ACTIVE || m->tables[i]->state == MIRROR_T_COPY)
            relids[n++] = m->tables[i]->relid;
    source_table_state_t *states = NULL;
    size_t n_states = 0;
    am_lsn_t after = 0;
    if (!publication_intact(m, relids, n, err) || !publication_unaltered(m, err)) {
        free(relids);
        return false;
    }
    bool ok = n == 0 || source_table_states(m->src, relids, n, &states, &n_states, &after, err);
    for (size_t i = 0; ok && i < m->n_tables; i++) {
        mirror_table_t *t = m->tables[i];
        check_one(m, t, source_table_state_find(states, n_states, t->relid), after);
    }
    /* after check_one: a table dropped at the source left the publication with it, and is
     * on its way out (DROPPING), not to be put back */
    ok = ok && mirror__tables_membership(m, "", err);
    /* the served catalog tells the proxy which tables a parent's query reads: a child added
     * or removed changes no table's state, so it asks for a new catalog itself (and once
     * after the start, whose capture may predate the first look) */
    uint64_t inh = 0;
    ok = ok && source_inherits_fp(m->src, relids, n, &inh, err);
    if (ok && inh != m->inherits_fp) {
        m->catalog_dirty = true;
        m->inherits_fp = inh;
    }
    source_table_states_free(states, n_states);
    free(relids);
    return ok && mirror__tables_discover(m, err);
}

/* Removes a dropped table's lake directory when on_drop says so (the watermark no longer
 * names it: the caller wrote one since). */
static void drop_lake(mirror_t *m, mirror_table_t *t)
{
    am_err_t err = {0};
    if (!t->drop_lake || !t->location)
        return;
    if (!lake_table_drop_at(m->lake, t->location, &err))
        am_log_warn("mirror", "could not remove a dropped table's lake directory",
                    AM_KV_STR("location", t->location), AM_KV_ERR(&err));
    else
        am_log_info("mirror", "removed a dropped table's lake directory (on_drop: drop)",
                    AM_KV_STR("location", t->location));
    t->drop_lake = false;
}

static bool finish_drop(mirror_t *m, mirror_table_t *t, am_err_t *err)
{
    am_lsn_t at = m->pending_lsn ? m->pending_lsn : t->lake_lsn;
    if (!mirror__table_commit(t, at, err))
        return false;
    char table[300];
    snprintf(table, sizeof table, "%s.%s", t->schema, t->name);
    am_log_info("mirror",
                "table dropped at the source: no longer mirrored, its Iceberg table "
                "is kept",
                AM_KV_STR("table", table), AM_KV_STR("location", t->location ? t->location : ""),
                AM_KV_STR("on_drop", t->drop_lake ? "drop" : "keep"));
    mirror__table_close(t);
    mirror__table_set_state(m, t, MIRROR_T_DROPPED, "dropped at the source");
    m->catalog_dirty = true;
    return true;
}

bool mirror__tables_resolve(mirror_t *m, am_err_t *err)
{
    if (m->in_txn)
        return true;
    for (size_t i = 0; i < m->n_tables; i++) {
        mirror_table_t *t = m->tables[i];
        bool changed = false;
        if (t->state == MIRROR_T_COPY && !mirror__copy_poll(m, t, &changed, err))
            return false;
        if (t->state == MIRROR_T_ACTIVE && t->pending && t->pending_lsn <= m->position &&
            !mirror__table_evaluate(m, t, NULL, err))
            return false;
        if (t->state == MIRROR_T_DROPPING && t->drop_lsn <= m->position && !finish_drop(m, t, err))
            return false;
        if (changed)
            mirror__tables_publish_status(m);
    }
    return true;
}

/* After a durable watermark that no longer names them. */
void mirror__tables_after_watermark(mirror_t *m)
{
    for (size_t i = 0; i < m->n_tables; i++)
        if (m->tables[i]->state == MIRROR_T_DROPPED && m->tables[i]->drop_lake)
            drop_lake(m, m->tables[i]);
}

/* ---- tables that come ------------------------------------------------------------------------ */

/* Checks t's replica identity, publishes it, and starts its copy (or refuses it). */
static bool start_new(mirror_t *m, mirror_table_t *t, am_err_t *err)
{
    source_table_ref_t ref = {.schema = t->schema, .name = t->name};
    source_publish_t result = SOURCE_REFUSED;
    if (!source_tables_publish(m->src, &ref, &t->insert_only, 1, &result, err))
        return false;
    if (source_stream_stale(m->src)) /* the first insert-only table: a publication to read */
        return am_err_set(err, AM_SQLSTATE_CONNECTION_FAILURE,
                          "publication \"%s_ins\" created for table %s.%s: restarting the "
                          "stream to read it",
                          m->opts.source.publication, t->schema, t->name);
    if (source_refused(result)) {
        char why[512];
        source_refusal_message(t->schema, t->name, result, why, sizeof why);
        am_log_error("mirror", "table refused", AM_KV_STR("detail", why));
        mirror__table_set_state(m, t, MIRROR_T_REFUSED, why);
        return true;
    }
    if (!t->location)
        t->location = mirror__location_for(m, t->relid, t->schema, t->name);
    mirror__copy_start(m, t, "the configuration selects it");
    return true;
}

bool mirror__tables_discover(mirror_t *m, am_err_t *err)
{
    source_table_ref_t *globs = am_xcalloc(m->n_specs + 1, sizeof *globs);
    for (size_t i = 0; i < m->n_specs; i++)
        globs[i] = (source_table_ref_t){m->specs[i].schema, m->specs[i].name};
    source_table_id_t *ids = NULL;
    size_t n = 0;
    bool ok = source_tables_match(m->src, globs, m->n_specs, &ids, &n, &m->automatic, err);
    free(globs);
    for (size_t i = 0; ok && i < n; i++) {
        if (mirror__table_by_relid(m, ids[i].relid) || mirror__relid_ignored(m, ids[i].relid))
            continue;
        const mirror_spec_t *spec = mirror__spec_match(m, ids[i].schema, ids[i].name);
        mirror_table_t *t = mirror__table_add(m, ids[i].relid, ids[i].schema, ids[i].name, spec);
        ok = start_new(m, t, err);
    }
    source_table_ids_free(ids, n);
    return ok;
}

bool mirror__relation_unknown(mirror_t *m, const source_relation_t *rel, am_err_t *err)
{
    if (mirror__relid_ignored(m, rel->relid))
        return true;
    /* The timer's discovery, now: the configuration may select the table, or the publication
     * (FOR TABLES IN SCHEMA, FOR ALL TABLES, perhaps since the last look) publishes it. The
     * transaction that created it must be visible first: decoding can deliver it a moment
     * before other sessions see it, and a look before that would miss the table. */
    if (!source_xid_await_visible(m->src, m->in_txn ? m->txn_xid : 0, 5000, err))
        return false;
    m->checked_us = 0;
    if (!mirror__tables_check(m, err))
        return false;
    if (mirror__table_by_relid(m, rel->relid))
        return true;
    if (!mirror__spec_match(m, rel->schema, rel->name) && !m->automatic) {
        ignore(m, rel->relid, rel->schema, rel->name,
               "table in the publication but not in the configuration: not mirrored");
        return true;
    }
    /* selected, yet not found: dropped since (created and dropped between two looks, or while
     * the mirror was down); its changes have nowhere to go. One that still exists stays unknown
     * and its first change fails loudly. */
    source_table_state_t *states = NULL;
    size_t n = 0;
    am_lsn_t after = 0;
    if (!source_table_states(m->src, &rel->relid, 1, &states, &n, &after, err))
        return false;
    if (!source_table_state_find(states, n, rel->relid))
        ignore(m, rel->relid, rel->schema, rel->name,
               "table dropped at the source before its initial copy: not mirrored");
    source_table_states_free(states, n);
    return true;
}

/* ---- the configuration ------------------------------------------------------------------- */

mirror_spec_t *mirror__specs_copy(const mirror_table_spec_t *specs, size_t n)
{
    mirror_spec_t *out = am_xcalloc(n + 1, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        out[i].schema = am_xstrdup(specs[i].schema ? specs[i].schema : "public");
        out[i].name = am_xstrdup(specs[i].name);
        out[i].insert_only = specs[i].insert_only;
        out[i].drop_lake = specs[i].drop_lake;
        out[i].pattern = strpbrk(out[i].schema, "*?") || strpbrk(out[i].name, "*?");
    }
    return out;
}

void mirror__specs_free(mirror_spec_t *specs, size_t n)
{
    for (size_t i = 0; specs && i < n; i++) {
        free(specs[i].schema);
        free(specs[i].name);
    }
    free(specs);
}

void mirror_reload(mirror_t *m, const mirror_table_spec_t *specs, size_t n)
{
    mirror_spec_t *copy = mirror__specs_copy(specs, n);
    pthread_mutex_lock(&m->reload_lock);
    mirror__specs_free(m->reload_specs, m->n_reload_specs);
    m->reload_specs = copy;
    m->n_reload_specs = n;
    m->reload_pending = true;
    pthread_mutex_unlock(&m->reload_lock);
}

bool mirror__tables_reload(mirror_t *m, am_err_t *err)
{
    pthread_mutex_lock(&m->reload_lock);
    bool pending = m->reload_pending;
    mirror_spec_t *specs = m->reload_specs;
    size_t n = m->n_reload_specs;
    m->reload_specs = NULL;
    m->n_reload_specs = 0;
    m->reload_pending = false;
    pthread_mutex_unlock(&m->reload_lock);
    if (!pending)
        return true;
    mirror__specs_free(m->specs, m->n_specs);
    m->specs = specs;
    m->n_specs = n;
    am_log_info("mirror",
                "table list reloaded: new tables start now, removed ones at the next "
                "start",
                AM_KV_I64("entries", n));
    for (size_t i = 0; i < m->n_tables; i++) { /* a table refused before may be insert_only now */
        mirror_table_t *t = m->tables[i];
        const mirror_spec_t *s = mirror__spec_match(m, t->schema, t->name);
        if (t->state == MIRROR_T_REFUSED && s && s->insert_only) {
            t->insert_only = true;
            if (!start_new(m, t, err))
                return false;
        }
    }
    m->checked_us = 0;
    return mirror__tables_check(m, err);
}
