/*
 * mirror/evolve.c: schema changes. DDL is not in the logical stream; a change shows up as a
 * new Relation message before the table's next change, or not at all (a rewrite under ALTER
 * ... TYPE ... USING, a default added without later DML, a partition attached). So the source
 * catalog is compared, by attnum, with the state the lake reflects (the rec): at every
 * Relation message, and when the timer saw a difference and the stream has passed it.
 *
 *   what changed (rec -> now)                          what happens
 *   column renamed, dropped, added without a value    the Iceberg schema evolves by field id
 *   for old rows, widened without a rewrite            in a commit of its own (no data file is
 *   (varchar(n) -> text, numeric precision), NOT       touched); the identity index follows
 *   NULL, defaults, identity, the table's name,        the stream's identity
 *   enum labels added, a user type or a composite's    (the catalog alone, for types)
 *   attribute renamed
 *   new relfilenode not from a streamed TRUNCATE       the table is copied again (worker.c)
 *   (a rewrite: ALTER TYPE, USING, a volatile          while the others stream; readers keep
 *   default, VACUUM FULL), a column added with a       the old version until the new one is
 *   value for old rows, partitions attached or         complete
 *   detached, a change Iceberg cannot express, a
 *   Relation message that fits the catalog more than
 *   one way (a column dropped and added again under
 *   its name), a change inside a transaction that
 *   had already changed the table, an enum label
 *   renamed or a composite's attributes changed
 *   (rows hold their old text)
 *
 * A Relation message lists the columns of some moment between the rec and now, by name; each
 * is matched to an attnum live at either end whose name and type it carries. When exactly one
 * matching exists, the columns are known (two columns swapping names match one way only).
 */
#include "mirror/mirror_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- matching a relation to attnums ------------------------------------------------------ */

typedef struct candidate {
    int16_t attnum;
    const source_attr_t *rec; /* NULL: added since */
    const source_attr_t *now; /* NULL: dropped since */
} candidate_t;

static bool fits(const source_column_t *c, const source_attr_t *a)
{
    return a && strcmp(c->name, a->name) == 0 && c->type_oid == a->type_oid &&
           c->typmod == a->typmod;
}

/* Attnums published at either end, ascending. */
static size_t candidates(const source_table_state_t *rec, const source_table_state_t *now,
                         candidate_t *out)
{
    size_t n = 0, i = 0, j = 0;
    while (i < rec->n_attrs || j < now->n_attrs) {
        const source_attr_t *a = i < rec->n_attrs ? &rec->attrs[i] : NULL;
        const source_attr_t *b = j < now->n_attrs ? &now->attrs[j] : NULL;
        candidate_t c = {0};
        if (a && b && a->attnum == b->attnum) {
            c = (candidate_t){a->attnum, a, b};
            i++;
            j++;
        } else if (a && (!b || a->attnum < b->attnum)) {
            c = (candidate_t){a->attnum, a, NULL};
            i++;
        } else if (b) {
            c = (candidate_t){b->attnum, NULL, b};
            j++;
        }
        if (c.rec && c.rec->generated)
            c.rec = NULL; /* generated columns are not published */
        if (c.now && c.now->generated)
            c.now = NULL;
        if (c.rec || c.now)
            out[n++] = c;
    }
    return n;
}

/* ways[i][j]: matchings of rel columns i.. to candidates j.. (capped at 2). A column
 * published at both ends was published all along: it must be matched. */
static uint8_t *count_ways(const source_relation_t *rel, const candidate_t *cand, size_t k)
{
    size_t m = rel->n_cols, w = k + 1;
    uint8_t *ways = am_xcalloc((m + 1) * w, 1);
    ways[m * w + k] = 1;
    for (size_t j = k; j-- > 0;)
        ways[m * w + j] = (cand[j].rec && cand[j].now) ? 0 : ways[m * w + j + 1];
    for (size_t i = m; i-- > 0;) {
        for (size_t j = k; j-- > 0;) {
            unsigned v = (cand[j].rec && cand[j].now) ? 0 : ways[i * w + j + 1];
            if (fits(&rel->cols[i], cand[j].rec) || fits(&rel->cols[i], cand[j].now))
                v += ways[(i + 1) * w + j + 1];
            ways[i * w + j] = (uint8_t)(v > 2 ? 2 : v);
        }
    }
    return ways;
}

/* rel's attnums when exactly one matching exists. */
static bool match_relation(const source_relation_t *rel, const source_table_state_t *rec,
                           const source_table_state_t *now, int16_t *attnums)
{
    candidate_t *cand = am_xcalloc(rec->n_attrs + now->n_attrs + 1, sizeof *cand);
    size_t k = candidates(rec, now, cand);
    uint8_t *ways = count_ways(rel, cand, k);
    size_t w = k + 1;
    bool unique = ways[0] == 1;
    for (size_t i = 0, j = 0; unique && i < rel->n_cols && j < k; j++) {
        bool can = fits(&rel->cols[i], cand[j].rec) || fits(&rel->cols[i], cand[j].now);
        if (can && ways[(i + 1) * w + j + 1] == 1) {
            attnums[i++] = cand[j].attnum;
        }
    }
    free(ways);
    free(cand);
    return unique;
}

/* ---- classifying a change ----------------------------------------------------------------- */

typedef struct change {
    bool any;           /* anything differs */
    bool columns;       /* the lake schema changes */
    bool renamed;       /* the table's schema or name */
    const char *recopy; /* why the table must be copied again; NULL when it need not */
} change_t;

static bool xid_truncated(const mirror_table_t *t, uint32_t xmin)
{
    for (size_t i = 0; i < t->n_trunc_xids; i++)
        if (t->trunc_xids[i] == xmin)
            return true;
    return false;
}

/* New relfilenodes (or a different set of partitions) that no streamed TRUNCATE explains. */
static const char *storage_change(const mirror_table_t *t, const source_table_state_t *rec,
                                  const source_table_state_t *now, bool types_changed)
{
    if (rec->n_storage != now->n_storage)
        return "partitions were attached or detached: rows came or went without a change in "
               "the stream";
    for (size_t i = 0; i < now->n_storage; i++) {
        const source_storage_t *a = &rec->storage[i], *b = &now->storage[i];
        if (a->relid != b->relid)
            return "partitions were attached or detached: rows came or went without a change "
                   "in the stream";
        if (a->relfilenode == b->relfilenode)
            continue;
        if (types_changed || !xid_truncated(t, b->xmin))
            return "it was rewritten (new relfilenode): ALTER ... TYPE, USING, a volatile "
                   "default or VACUUM FULL may have changed any row";
    }
    return NULL;
}

/* Whether the enum label (oid, text) is among chain's. */
static bool has_label(const json_t *chain, const json_t *label)
{
    for (size_t i = 0; i < json_array_size(chain); i++) {
        const json_t *labels = json_array_get(json_array_get(chain, i), 2);
        for (size_t k = 0; k < json_array_size(labels); k++)
            if (json_equal(json_array_get(labels, k), label))
                return true;
    }
    return false;
}

/* The composites' attribute types in chain's order, names left out (they are not in a value's
 * text): [[[type, typmod], ...], ...]. */
static json_t *composite_shapes(const json_t *chain)
{
    json_t *out = json_array();
    for (size_t i = 0; i < json_array_size(chain); i++) {
        const json_t *attrs = json_array_get(json_array_get(chain, i), 3);
        if (!json_is_array(attrs))
            continue;
        json_t *shape = json_array();
        for (size_t k = 0; k < json_array_size(attrs); k++) {
            const json_t *a = json_array_get(attrs, k);
            json_array_append_new(shape,
                                  json_pack("[O, O]", json_array_get(a, 1), json_array_get(a, 2)));
        }
        json_array_append_new(out, shape);
    }
    return out;
}

/* Whether the stored text of the column's values no longer reads as PostgreSQL shows them:
 * an enum label renamed (ALTER TYPE ... RENAME VALUE), a composite's attributes added,
 * dropped or retyped. Labels added, types or attributes renamed change no stored text.
 * Unknown (an older record) counts as unchanged. */
static bool stored_text_changed(const char *was, const char *is)
{
    if (!was || !is || strcmp(was, is) == 0)
        return false;
    json_t *a = json_loads(was, 0, NULL), *b = json_loads(is, 0, NULL);
    bool changed = !json_is_array(a) || !json_is_array(b);
    for (size_t i = 0; !changed && i < json_array_size(a); i++) {
        const json_t *labels = json_array_get(json_array_get(a, i), 2);
        for (size_t k = 0; !changed && k < json_array_size(labels); k++)
            changed = !has_label(b, json_array_get(labels, k));
    }
    if (!changed) {
        json_t *sa = composite_shapes(a), *sb = composite_shapes(b);
        changed = !json_equal(sa, sb);
        json_decref(sa);
        json_decref(sb);
    }
    json_decref(a);
    json_decref(b);
    return changed;
}

static const char *column_change(const source_table_state_t *rec, const source_table_state_t *now,
                                 change_t *c, bool *types_changed)
{
    for (size_t i = 0; i < now->n_attrs; i++) {
        const source_attr_t *b = &now->attrs[i];
        const source_attr_t *a = mirror__state_attr(rec, b->attnum, NULL);
        if (!a) {
            if (b->generated)
                continue;
            if (b->has_missing)
                return "a column was added with a value for the rows already there";
            c->columns = true;
            continue;
        }
        if (a->generated != b->generated)
            return "a generated column became a stored one: its rows hold values";
        if (a->type_oid != b->type_oid || a->typmod != b->typmod) {
            *types_changed = true;
            c->columns = true;
        } else if (stored_text_changed(a->type_ident, b->type_ident)) {
            return "a type it uses changed (an enum label renamed, a composite's attributes "
                   "added, dropped or retyped): its rows hold the old text";
        }
        if (strcmp(a->name, b->name) != 0 || a->not_null != b->not_null)
            c->columns = true;
    }
    for (size_t i = 0; i < rec->n_attrs; i++)
        if (!mirror__state_attr(now, rec->attrs[i].attnum, NULL))
            c->columns = true;
    return NULL;
}

static change_t classify(const mirror_table_t *t, const source_table_state_t *rec,
                         const source_table_state_t *now)
{
    change_t c = {.any = !mirror__state_equal(rec, now)};
    if (!c.any)
        return c;
    c.renamed = strcmp(rec->schema, now->schema) != 0 || strcmp(rec->name, now->name) != 0;
    if (rec->relkind != now->relkind) {
        c.recopy = "its kind changed";
        return c;
    }
    bool types_changed = false;
    c.recopy = column_change(rec, now, &c, &types_changed);
    if (!c.recopy)
        c.recopy = storage_change(t, rec, now, types_changed);
    if (!c.recopy && now->n_key == 0 && !t->insert_only)
        c.recopy = "it lost its replica identity";
    return c;
}

/* ---- evolving the lake schema ---------------------------------------------------------------- */

/* rel (current, types resolved) agrees with now's published columns. */
static bool describes(const source_relation_t *rel, const source_table_state_t *now)
{
    size_t k = 0;
    for (size_t i = 0; i < now->n_attrs; i++) {
        const source_attr_t *a = &now->attrs[i];
        if (a->generated)
            continue;
        if (k >= rel->n_cols || strcmp(rel->cols[k].name, a->name) != 0 ||
            rel->cols[k].type_oid != a->type_oid || rel->cols[k].typmod != a->typmod)
            return false;
        k++;
    }
    return k == rel->n_cols;
}

/* The new lake schema: every published column of now, keeping the field of an attnum the rec
 * has. */
static lake_column_t *evolved_columns(const mirror_table_t *t, const source_relation_t *rel,
                                      const source_table_state_t *now)
{
    lake_column_t *cols = mirror__lake_columns(rel, now, NULL, NULL);
    size_t k = 0;
    for (size_t i = 0; i < now->n_attrs && k < rel->n_cols; i++) {
        if (now->attrs[i].generated)
            continue;
        cols[k].field_id = mirror__rec_field(&t->rec, now->attrs[i].attnum);
        size_t c = mirror__table_column(t, now->attrs[i].attnum);
        /* same PostgreSQL type: keep the storage it has (text from before a closer home) */
        const source_attr_t *prev = mirror__state_attr(&t->rec.st, now->attrs[i].attnum, NULL);
        if (c != SIZE_MAX && prev && prev->type_oid == now->attrs[i].type_oid &&
            prev->typmod == now->attrs[i].typmod)
            cols[k].type = lake_table_columns(t->lt)[c].type;
        k++;
    }
    return cols;
}

static void rec_set_now(mirror_table_t *t, const source_table_state_t *now)
{
    const lake_column_t *cols = lake_table_columns(t->lt);
    size_t n = lake_table_n_columns(t->lt);
    int32_t *fields = am_xcalloc(n + 1, sizeof *fields);
    for (size_t i = 0; i < n; i++)
        fields[i] = cols[i].field_id;
    mirror_rec_t next;
    mirror__rec_from_state(&next, now, fields, n);
    free(fields);
    free(next.names);
    next.names = am_xcalloc(t->rec.n_names + 2, sizeof *next.names);
    for (size_t i = 0; i < t->rec.n_names; i++)
        next.names[next.n_names++] = am_xstrdup(t->rec.names[i]);
    if (strcmp(t->rec.st.schema, now->schema) != 0 || strcmp(t->rec.st.name, now->name) != 0)
        next.names[next.n_names++] = am_xasprintf("%s.%s", t->rec.st.schema, t->rec.st.name);
    next.spec = t->rec.spec ? am_xstrdup(t->rec.spec) : NULL;
    mirror__rec_destroy(&t->rec);
    t->rec = next;
    free(t->schema);
    free(t->name);
    t->schema = am_xstrdup(now->schema);
    t->name = am_xstrdup(now->name);
    t->write_fp = mirror__state_fp(now);
}

/* Metadata-only: the new schema and the rec in one commit of their own. *why when it cannot
 * be done in place (Iceberg cannot express it; the catalog moved while read). */
static bool evolve(mirror_t *m, mirror_table_t *t, const source_table_state_t *now,
                   const char **why, am_err_t *err)
{
    source_relation_t *rel = source_describe(m->src, now->schema, now->name, err);
    if (!rel)
        return false;
    if (!describes(rel, now)) {
        source_relation_free(rel);
        *why = "its catalog changed while it was being read";
        return true;
    }
    lake_column_t *cols = evolved_columns(t, rel, now);
    am_err_t e = {0};
    bool ok = lake_table_set_schema(t->lt, cols, rel->n_cols, &e);
    mirror__lake_columns_free(cols, rel->n_cols);
    source_relation_free(rel);
    if (!ok && strcmp(e.sqlstate, AM_SQLSTATE_UNSUPPORTED) == 0) {
        am_log_info("mirror", "the lake cannot change the schema in place", AM_KV_ERR(&e));
        *why = "Iceberg cannot express the change in place";
        return true;
    }
    if (!ok) {
        *err = e;
        return false;
    }
    rec_set_now(t, now);
    char *json = mirror__rec_encode(&t->rec);
    lake_table_set_property(t->lt, MIRROR_PROP_SOURCE, json);
    free(json);
    mirror__table_reshape(t);
    t->batch = lake_batch_new(t->lt);
    return mirror__table_commit(t, t->lake_lsn, err);
}

static void describe_change(const mirror_table_t *t, const source_table_state_t *now,
                            const change_t *c)
{
    char was[300], is[300];
    snprintf(was, sizeof was, "%s.%s", t->rec.st.schema, t->rec.st.name);
    snprintf(is, sizeof is, "%s.%s", now->schema, now->name);
    am_log_info("mirror", "schema change applied to the lake in place", AM_KV_STR("table", is),
                AM_KV_STR("was", was), AM_KV_I64("columns_before", t->rec.st.n_attrs),
                AM_KV_I64("columns_after", now->n_attrs),
                AM_KV_STR("renamed", c->renamed ? "yes" : "no"));
}

/* Applies c in place; false without err when it cannot be (the caller copies instead). */
static bool apply_change(mirror_t *m, mirror_table_t *t, const source_table_state_t *now,
                         const change_t *c, const char **why, am_err_t *err)
{
    bool settled = false;
    am_lsn_t at = m->pending_lsn ? m->pending_lsn : t->lake_lsn;
    if (!mirror__table_settle(t, at, &settled, err))
        return false;
    if (!settled) {
        *why = "its schema changed inside a transaction that had already changed it";
        return true;
    }
    if (!c->columns && !c->renamed) {
        /* identity, defaults or storage explained by a TRUNCATE: the rec alone moves */
        rec_set_now(t, now);
        char *json = mirror__rec_encode(&t->rec);
        lake_table_set_property(t->lt, MIRROR_PROP_SOURCE, json);
        free(json);
        t->batch = t->batch ? t->batch : lake_batch_new(t->lt);
        t->n_trunc_xids = 0;
        m->catalog_dirty = true;
        return mirror__table_commit(t, t->lake_lsn, err);
    }
    describe_change(t, now, c);
    if (!evolve(m, t, now, why, err))
        return false;
    if (*why)
        return true;
    t->n_trunc_xids = 0;
    health_metric_add(m->metrics.schema_changes, 1);
    m->catalog_dirty = true;
    return true;
}

/* Rebinds the relation t was bound to after its lake columns changed. */
static bool rebind(mirror_t *m, mirror_table_t *t, am_err_t *err)
{
    if (!t->bound)
        return true;
    int16_t *attnums = am_xcalloc(t->n_rel_cols + 1, sizeof *attnums);
    memcpy(attnums, t->rel_attnums, t->n_rel_cols * sizeof *attnums);
    am_lsn_t at = m->pending_lsn ? m->pending_lsn : t->lake_lsn;
    bool ok = mirror__table_bind(t, t->bound, attnums, at, err);
    free(attnums);
    return ok;
}

/* The identity rel carries maps to lake columns, and moving to it may settle t. */
static const char *identity_problem(const mirror_table_t *t, const source_relation_t *rel,
                                    const int16_t *attnums)
{
    bool moved = false;
    size_t n = 0;
    for (size_t i = 0; i < rel->n_cols; i++) {
        if (!rel->cols[i].is_key)
            continue;
        size_t c = mirror__table_column(t, attnums[i]);
        if (c == SIZE_MAX)
            return "its replica identity holds a column the lake no longer has";
        moved |= n >= t->n_key_cols || t->key_cols[n] != c;
        n++;
    }
    moved |= n != t->n_key_cols || (rel->replident == 'f') != t->full_identity;
    if (moved && t->txn_touched)
        return "its replica identity changed inside a transaction that had already changed it";
    return NULL;
}

/* ALTER TABLE ... SET UNLOGGED (possible under a FOR ALL TABLES or FOR TABLES IN SCHEMA
 * publication): its changes no longer reach the WAL, so the stream will never carry them. The
 * table stops being served rather than go stale without a word; what the stream brought
 * before the change is committed first. */
static bool refuse_unlogged(mirror_t *m, mirror_table_t *t, am_err_t *err)
{
    am_lsn_t at = m->pending_lsn ? m->pending_lsn : t->lake_lsn;
    if (!mirror__table_commit(t, at, err))
        return false;
    char why[512];
    source_refusal_message(t->schema, t->name, SOURCE_REFUSED_UNLOGGED, why, sizeof why);
    am_log_error("mirror", "table refused", AM_KV_STR("detail", why));
    mirror__table_close(t);
    mirror__table_set_state(m, t, MIRROR_T_REFUSED, why);
    m->catalog_dirty = true;
    return true;
}

bool mirror__table_evaluate(mirror_t *m, mirror_table_t *t, const source_relation_t *rel,
                            am_err_t *err)
{
    AM_ASSERT(t->state == MIRROR_T_ACTIVE || t->state == MIRROR_T_DROPPING);
    source_table_state_t *states = NULL;
    size_t n = 0;
    /* a Relation message comes inside its transaction: the catalog read must see it */
    uint32_t xid = rel && m->in_txn ? m->txn_xid : 0;
    if (!source_table_states_seeing(m->src, xid, 5000, &t->relid, 1, &states, &n, err))
        return false;
    /* a table dropped at the source still has changes in the stream: they keep the rec's
     * columns; the timer sees the drop and finishes it once the stream passed it */
    const source_table_state_t *now = n == 1 ? &states[0] : &t->rec.st;
    if (now->persistence != 'p') {
        source_table_states_free(states, n);
        return refuse_unlogged(m, t, err);
    }
    change_t c = classify(t, &t->rec.st, now);
    const char *why = c.recopy;
    int16_t *attnums = rel ? am_xcalloc(rel->n_cols + 1, sizeof *attnums) : NULL;
    if (!why && rel && !match_relation(rel, &t->rec.st, now, attnums))
        why = "a Relation message fits its catalog more than one way (a column dropped and "
              "added again under its name, or renamed twice)";
    if (!why && rel)
        why = identity_problem(t, rel, attnums);
    am_log_debug("mirror", "catalog compared", AM_KV_STR("table", t->name),
                 AM_KV_STR("relation", rel ? "yes" : "no"),
                 AM_KV_STR("changed", c.any ? "yes" : "no"), AM_KV_STR("copy", why ? why : "no"));
    bool ok = true;
    if (!why && c.any && n == 1)
        ok = apply_change(m, t, now, &c, &why, err);
    if (ok && why) {
        mirror__copy_start(m, t, why);
    } else if (ok) {
        t->pending = t->pending && n == 1 && !mirror__state_equal(&t->rec.st, now);
        ok = rel ? mirror__table_bind(t, rel, attnums,
                                      m->pending_lsn ? m->pending_lsn : t->lake_lsn, err)
                 : rebind(m, t, err);
    }
    free(attnums);
    source_table_states_free(states, n);
    return ok;
}
