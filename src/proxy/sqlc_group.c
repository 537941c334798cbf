/*
 * proxy/sqlc_group.c: PostgreSQL's check that a grouped query uses its columns only inside
 * aggregates, as GROUP BY expressions (or parts of them), or through a grouped primary key
 * (functional dependency), with PostgreSQL's error (42803). DuckDB knows no primary keys of
 * the views, so columns that depend on a grouped key are read with any_value().
 *
 * While a level's select list, GROUP BY, HAVING and ORDER BY are compiled, its column
 * references are written as markers "\001<depth>\003<sql>\002"; a subquery's references to
 * this level carry this level's depth and are settled here too.
 * Spec: PostgreSQL 15 docs 7.2.3 "The GROUP BY and HAVING Clauses" (functional dependency).
 */
#include "proxy/sqlc_internal.h"

#include <string.h>

const char *sqlc_group_ref(sqlc_ctx_t *c, sqlc_scope_t *level, const sqlc_col_t *col,
                           const struct sqlc_rte *rte)
{
    if (!level->mark_refs || level->agg_depth > 0)
        return col->sql;
    char *marker = sqlc_printf(c, "\001%d\003%s\002", level->depth, col->sql);
    for (size_t i = 0; i < level->n_grefs; i++)
        if (strcmp(level->grefs[i].marker, marker) == 0)
            return level->grefs[i].marker;
    if (level->n_grefs == level->cap_grefs) {
        size_t cap = level->cap_grefs ? level->cap_grefs * 2 : 16;
        sqlc_gref_t *g = am_arena_alloc(c->arena, cap * sizeof *g);
        if (level->n_grefs)
            memcpy(g, level->grefs, level->n_grefs * sizeof *g);
        level->grefs = g;
        level->cap_grefs = cap;
    }
    sqlc_gref_t *g = &level->grefs[level->n_grefs++];
    memset(g, 0, sizeof *g);
    g->raw = col->sql;
    g->marker = marker;
    g->rte = rte;
    g->colname = col->name;
    g->relid = col->relid;
    return marker;
}

void sqlc_group_item(sqlc_ctx_t *c, const char *sql)
{
    sqlc_scope_t *s = c->scope;
    if (s->n_group_items == s->cap_group_items) {
        size_t cap = s->cap_group_items ? s->cap_group_items * 2 : 8;
        const char **items = am_arena_alloc(c->arena, cap * sizeof *items);
        if (s->n_group_items)
            memcpy(items, s->group_items, s->n_group_items * sizeof *items);
        s->group_items = items;
        s->cap_group_items = cap;
    }
    s->group_items[s->n_group_items++] = sql;
}

const char *sqlc_group_by_key(sqlc_ctx_t *c, const char *sql, const char *key)
{
    sqlc_scope_t *s = c->scope;
    if (s->n_gkeys == s->cap_gkeys) {
        size_t cap = s->cap_gkeys ? s->cap_gkeys * 2 : 4;
        const char **items = am_arena_alloc(c->arena, cap * sizeof *items);
        const char **keys = am_arena_alloc(c->arena, cap * sizeof *keys);
        if (s->n_gkeys) {
            memcpy(items, s->gkey_items, s->n_gkeys * sizeof *items);
            memcpy(keys, s->gkey_sql, s->n_gkeys * sizeof *keys);
        }
        s->gkey_items = items;
        s->gkey_sql = keys;
        s->cap_gkeys = cap;
    }
    s->gkey_items[s->n_gkeys] = sql;
    s->gkey_sql[s->n_gkeys] = key;
    return sqlc_printf(c, "\005%d:%zu\005", s->depth, s->n_gkeys++);
}

static bool is_group_item(const sqlc_scope_t *s, const char *sql)
{
    for (size_t i = 0; i < s->n_group_items; i++)
        if (s->group_items[i] && strcmp(s->group_items[i], sql) == 0)
            return true;
    return false;
}

/* Every column of the table's primary key is itself a GROUP BY item (read from the same
 * FROM item). */
static bool pk_grouped(sqlc_ctx_t *c, const sqlc_scope_t *s, const sqlc_gref_t *g)
{
    const proxy_pgrel_t *rel = c->cat && g->relid ? proxy__pgcat_rel(c->cat, g->relid) : NULL;
    if (!rel || rel->n_pk == 0 || !g->rte)
        return false;
    for (size_t k = 0; k < rel->n_pk; k++) {
        const sqlc_col_t *pc = NULL;
        for (size_t j = 0; j < g->rte->n_cols && !pc; j++)
            if (g->rte->cols[j].relid == g->relid && g->rte->cols[j].attnum == rel->pk[k])
                pc = &g->rte->cols[j];
        if (!pc || !is_group_item(s, sqlc_printf(c, "\001%d\003%s\002", s->depth, pc->sql)))
            return false;
    }
    return true;
}

/* text with every occurrence of what blanked out (same length, so markers stay findable). */
static void blank(char *text, const char *what)
{
    size_t n = strlen(what);
    if (n == 0)
        return;
    for (char *p = strstr(text, what); p; p = strstr(p + n, what))
        memset(p, ' ', n);
}

static bool check(sqlc_ctx_t *c, sqlc_scope_t *s, const char *text)
{
    char *t = sqlc_strdup(c, text);
    /* longest first, so that a grouped expression hides the columns inside it */
    for (size_t pass = 0; pass < s->n_group_items; pass++) {
        size_t best = 0, len = 0;
        for (size_t i = 0; i < s->n_group_items; i++)
            if (s->group_items[i] && strlen(s->group_items[i]) >= len &&
                strstr(t, s->group_items[i])) {
                best = i;
                len = strlen(s->group_items[i]);
            }
        if (len == 0)
            break;
        blank(t, s->group_items[best]);
    }
    for (size_t i = 0; i < s->n_grefs; i++) {
        sqlc_gref_t *g = &s->grefs[i];
        if (!strstr(t, g->marker))
            continue;
        if (pk_grouped(c, s, g)) {
            g->covered = true;
            continue;
        }
        const char *rel = g->rte && g->rte->refname ? g->rte->refname : NULL;
        return sqlc_fail(c, "42803",
                         "column \"%s%s%s\" must appear in the GROUP BY clause or be used in an "
                         "aggregate function",
                         rel ? rel : "", rel ? "." : "", g->colname ? g->colname : "?");
    }
    return true;
}

static void replace_all(sqlc_ctx_t *c, am_buf_t *out, size_t start, const char *what,
                        const char *with)
{
    size_t n = strlen(what);
    am_buf_t b;
    am_buf_init(&b);
    am_buf_append(&b, out->data, start);
    const char *p = out->data + start;
    for (const char *hit = strstr(p, what); hit; hit = strstr(p, what)) {
        am_buf_append(&b, p, (size_t)(hit - p));
        am_buf_puts(&b, with);
        p = hit + n;
    }
    am_buf_puts(&b, p);
    am_buf_reset(out);
    am_buf_append(out, b.data ? b.data : "", b.len);
    am_buf_destroy(&b);
    (void)c;
}

/* Every occurrence of a keyed GROUP BY item in text becomes any_value(item). Left to right, the
 * longest GROUP BY item at each place wins: an item inside another is not wrapped twice, and an
 * unkeyed item (trim(x) beside a keyed x) stays whole, as DuckDB groups by it. Inside
 * aggregates the level's columns are not markers, so no item matches there. */
static char *read_keyed(sqlc_ctx_t *c, const sqlc_scope_t *s, const char *text)
{
    am_buf_t b;
    am_buf_init(&b);
    for (const char *p = text; *p;) {
        const char *best = NULL;
        size_t len = 0;
        for (size_t i = 0; i < s->n_group_items; i++) {
            size_t n = s->group_items[i] ? strlen(s->group_items[i]) : 0;
            if (n > len && strncmp(p, s->group_items[i], n) == 0) {
                best = s->group_items[i];
                len = n;
            }
        }
        size_t k = 0;
        bool keyed = false;
        for (; best && k < s->n_gkeys && !keyed; k++)
            keyed = strcmp(s->gkey_items[k], best) == 0;
        /* a row of a grouping set without the item shows NULL, as PostgreSQL's */
        if (keyed && s->gsets)
            am_buf_printf(&b, "(CASE WHEN grouping(\005%d:%zu\005) = 0 THEN any_value(%s) END)",
                          s->depth, k - 1, best);
        else if (keyed)
            am_buf_printf(&b, "any_value(%s)", best);
        else if (len)
            am_buf_append(&b, p, len);
        else
            am_buf_putc(&b, *p);
        p += len ? len : 1;
    }
    char *r = am_arena_strndup(c->arena, b.data ? b.data : "", b.len);
    am_buf_destroy(&b);
    return r;
}

/* GROUPING()'s arguments of this level, framed "\006<depth>:arg\006" (sqlc_expr2.c): an
 * argument grouped by an equality key becomes that key's placeholder (DuckDB wants GROUPING's
 * arguments to be grouping expressions, and grouping(any_value(x)) is none); any other loses
 * its frame. Other levels' frames stay for their own turn. */
static char *grouping_args(sqlc_ctx_t *c, const sqlc_scope_t *s, const char *text)
{
    if (!strchr(text, '\006'))
        return (char *)text;
    char *open = sqlc_printf(c, "\006%d:", s->depth);
    size_t open_len = strlen(open);
    am_buf_t b;
    am_buf_init(&b);
    const char *p = text;
    for (const char *hit = strstr(p, open); hit; hit = strstr(p, open)) {
        const char *arg = hit + open_len;
        const char *end = strchr(arg, '\006');
        if (!end)
            break;
        am_buf_append(&b, p, (size_t)(hit - p));
        size_t k = 0;
        while (k < s->n_gkeys && (strlen(s->gkey_items[k]) != (size_t)(end - arg) ||
                                  strncmp(s->gkey_items[k], arg, (size_t)(end - arg)) != 0))
            k++;
        if (k < s->n_gkeys)
            am_buf_printf(&b, "\005%d:%zu\005", s->depth, k);
        else
            am_buf_append(&b, arg, (size_t)(end - arg));
        p = end + 1;
    }
    am_buf_puts(&b, p);
    char *r = am_arena_strndup(c->arena, b.data ? b.data : "", b.len);
    am_buf_destroy(&b);
    return r;
}

static void settle_grouping_args(sqlc_ctx_t *c, sqlc_scope_t *s, am_buf_t *out, size_t start)
{
    if (out->data && strchr(out->data + start, '\006')) {
        char *text = grouping_args(c, s, out->data + start);
        out->len = start;
        out->data[start] = '\0';
        am_buf_puts(out, text);
    }
    for (size_t k = 0; k < s->n_targets; k++)
        if (s->targets[k].val.sql)
            s->targets[k].val.sql = grouping_args(c, s, s->targets[k].val.sql);
}

static void keyed_groups(sqlc_ctx_t *c, const sqlc_scope_t *s, am_buf_t *out, size_t start)
{
    char *text = read_keyed(c, s, out->data ? out->data + start : "");
    if (out->data) {
        out->len = start;
        out->data[start] = '\0';
    }
    am_buf_puts(out, text);
    for (size_t i = 0; i < s->n_gkeys; i++)
        replace_all(c, out, start, sqlc_printf(c, "\005%d:%zu\005", s->depth, i), s->gkey_sql[i]);
    for (size_t k = 0; k < s->n_targets; k++) {
        if (!s->targets[k].val.sql)
            continue;
        am_buf_t t;
        am_buf_init(&t);
        am_buf_puts(&t, read_keyed(c, s, s->targets[k].val.sql));
        for (size_t i = 0; i < s->n_gkeys; i++)
            replace_all(c, &t, 0, sqlc_printf(c, "\005%d:%zu\005", s->depth, i), s->gkey_sql[i]);
        s->targets[k].val.sql = am_arena_strndup(c->arena, t.data ? t.data : "", t.len);
        am_buf_destroy(&t);
    }
}

bool sqlc_group_finalize(sqlc_ctx_t *c, am_buf_t *out, size_t start)
{
    sqlc_scope_t *s = c->scope;
    s->mark_refs = false;
    bool grouped = s->grouped || s->n_group_items > 0;
    if (grouped && s->n_grefs && !check(c, s, out->data ? out->data + start : ""))
        return false;
    settle_grouping_args(c, s, out, start);
    if (s->n_gkeys)
        keyed_groups(c, s, out, start);
    for (size_t i = 0; i < s->n_grefs; i++) {
        const sqlc_gref_t *g = &s->grefs[i];
        replace_all(c, out, start, g->marker,
                    g->covered ? sqlc_printf(c, "any_value(%s)", g->raw) : g->raw);
    }
    /* markers also live on in the targets' expressions the level above reads */
    for (size_t k = 0; k < s->n_targets; k++) {
        char *sql = s->targets[k].val.sql;
        for (size_t i = 0; sql && i < s->n_grefs; i++) {
            const sqlc_gref_t *g = &s->grefs[i];
            if (!strstr(sql, g->marker))
                continue;
            am_buf_t b;
            am_buf_init(&b);
            am_buf_puts(&b, sql);
            replace_all(c, &b, 0, g->marker,
                        g->covered ? sqlc_printf(c, "any_value(%s)", g->raw) : g->raw);
            sql = am_arena_strndup(c->arena, b.data ? b.data : "", b.len);
            am_buf_destroy(&b);
        }
        s->targets[k].val.sql = sql;
    }
    return true;
}
