/*
 * proxy/sqlc_acl.c: a role reads only the mirrored tables the source lets it SELECT
 * (pgcat_acl.c decides). Reading another is refused with PostgreSQL's 42501; a table under
 * row-level security that the role is not exempt from is refused with 0A000 (its policies are
 * not evaluated here). Unreadable tables and their indexes are also left out of the catalogs a
 * client lists them from (pg_class, pg_attribute, pg_index, pg_tables, information_schema ...),
 * so that \dt and a BI tool's table list show only what the role can read.
 */
#include "proxy/sqlc_internal.h"

#include <string.h>

static void hidden_add(sqlc_ctx_t *c, uint32_t oid, size_t *cap)
{
    if (c->n_hidden == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        uint32_t *h = am_arena_alloc(c->arena, *cap * sizeof *h);
        if (c->n_hidden)
            memcpy(h, c->hidden, c->n_hidden * sizeof *h);
        c->hidden = h;
    }
    c->hidden[c->n_hidden++] = oid;
}

static void acl_compute(sqlc_ctx_t *c)
{
    if (c->acl_done)
        return;
    c->acl_done = true;
    size_t cap = 0, n = c->cat ? proxy__pgcat_n_rels(c->cat) : 0;
    for (size_t i = 0; i < n; i++) {
        const proxy_pgrel_t *r = proxy__pgcat_rel_at(c->cat, i);
        if (r->served == PROXY_REL_MIRRORED &&
            proxy__pgcat_acl(c->cat, c->env->user, r->oid) != PROXY_ACL_READ)
            hidden_add(c, r->oid, &cap);
    }
    size_t tables = c->n_hidden;
    for (size_t i = 0; i < n && tables; i++) {
        const proxy_pgrel_t *r = proxy__pgcat_rel_at(c->cat, i);
        uint32_t of =
            r->relkind == 'i' || r->relkind == 'I' ? proxy__pgcat_index_table(c->cat, r->oid) : 0;
        for (size_t k = 0; of && k < tables; k++)
            if (c->hidden[k] == of)
                hidden_add(c, r->oid, &cap);
    }
}

bool sqlc_acl_hidden(sqlc_ctx_t *c, uint32_t relid)
{
    acl_compute(c);
    for (size_t i = 0; i < c->n_hidden; i++)
        if (c->hidden[i] == relid)
            return true;
    return false;
}

bool sqlc_acl_check(sqlc_ctx_t *c, const proxy_pgrel_t *rel)
{
    proxy_acl_t a = proxy__pgcat_acl(c->cat, c->env->user, rel->oid);
    if (a == PROXY_ACL_RLS)
        return sqlc_fail(c, "0A000",
                         "table \"%s\" has row-level security, which the mirror does "
                         "not apply: it is not readable here",
                         rel->name);
    if (a == PROXY_ACL_DENIED)
        return sqlc_fail(c, "42501", "permission denied for table %s", rel->name);
    return true;
}

/* How each catalog relation names the relation a row is about. */
static const struct {
    const char *nsp, *rel;
    const char *oid_col;            /* a column holding the relation's OID */
    const char *nsp_col, *name_col; /* or its schema and name */
} rules[] = {
    {"pg_catalog", "pg_class", "oid", NULL, NULL},
    {"pg_catalog", "pg_attribute", "attrelid", NULL, NULL},
    {"pg_catalog", "pg_index", "indrelid", NULL, NULL},
    {"pg_catalog", "pg_constraint", "conrelid", NULL, NULL},
    {"pg_catalog", "pg_attrdef", "adrelid", NULL, NULL},
    {"pg_catalog", "pg_description", "objoid", NULL, NULL},
    {"pg_catalog", "pg_trigger", "tgrelid", NULL, NULL},
    {"pg_catalog", "pg_inherits", "inhrelid", NULL, NULL},
    {"pg_catalog", "pg_statistic_ext", "stxrelid", NULL, NULL},
    {"pg_catalog", "pg_publication_rel", "prrelid", NULL, NULL},
    {"pg_catalog", "pg_policy", "polrelid", NULL, NULL},
    {"pg_catalog", "pg_rewrite", "ev_class", NULL, NULL},
    {"pg_catalog", "pg_tables", NULL, "schemaname", "tablename"},
    {"pg_catalog", "pg_indexes", NULL, "schemaname", "tablename"},
    {"information_schema", "tables", NULL, "table_schema", "table_name"},
    {"information_schema", "columns", NULL, "table_schema", "table_name"},
    {"information_schema", "table_constraints", NULL, "table_schema", "table_name"},
    {"information_schema", "key_column_usage", NULL, "table_schema", "table_name"},
    {"information_schema", "constraint_column_usage", NULL, "table_schema", "table_name"},
    {"information_schema", "table_privileges", NULL, "table_schema", "table_name"},
    {"information_schema", "column_privileges", NULL, "table_schema", "table_name"},
    {"information_schema", "triggers", NULL, "event_object_schema", "event_object_table"},
};

const char *sqlc_acl_filter(sqlc_ctx_t *c, const proxy_pgrel_t *cr)
{
    acl_compute(c);
    if (c->n_hidden == 0 || !cr->nspname)
        return "";
    for (size_t i = 0; i < AM_ARRAY_LEN(rules); i++) {
        if (strcmp(rules[i].nsp, cr->nspname) != 0 || strcmp(rules[i].rel, cr->name) != 0)
            continue;
        am_buf_t b;
        am_buf_init(&b);
        if (rules[i].oid_col) {
            am_buf_printf(&b, "%s NOT IN (", rules[i].oid_col);
            for (size_t k = 0; k < c->n_hidden; k++)
                am_buf_printf(&b, "%s%u", k ? ", " : "", c->hidden[k]);
        } else {
            am_buf_printf(&b, "(%s || chr(1) || %s) NOT IN (", rules[i].nsp_col, rules[i].name_col);
            bool first = true;
            for (size_t k = 0; k < c->n_hidden; k++) {
                const proxy_pgrel_t *h = proxy__pgcat_rel(c->cat, c->hidden[k]);
                if (!h)
                    continue;
                am_buf_printf(&b, "%s%s || chr(1) || %s", first ? "" : ", ",
                              sqlc_literal(c, h->nspname), sqlc_literal(c, h->name));
                first = false;
            }
            if (first)
                am_buf_puts(&b, "NULL");
        }
        am_buf_putc(&b, ')');
        const char *f = am_arena_strndup(c->arena, b.data, b.len);
        am_buf_destroy(&b);
        return f;
    }
    return "";
}
