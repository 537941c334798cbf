/*
 * proxy/sqlc_inherit.c: FROM a parent of legacy inheritance (INHERITS) without ONLY. PostgreSQL
 * reads the parent's rows and every descendant's; the mirror holds each table's own, so the
 * reference becomes a UNION ALL of all of them in the parent's columns, matched by name (a
 * child attached later holds them at other attnums), with each row's table in am_tableoid.
 * Refused while a descendant is not mirrored or differs in a column.
 */
#include "proxy/sqlc_internal.h"

#include <string.h>

/* rel and every table that inherits from it, each once and parents first, as PostgreSQL's
 * find_all_inheritors; every one must be mirrored. */
static bool inheritance_tree(sqlc_ctx_t *c, const proxy_pgrel_t *rel, const proxy_pgrel_t ***out,
                             size_t *n_out)
{
    size_t cap = 8, n = 1;
    const proxy_pgrel_t **list = am_arena_alloc(c->arena, cap * sizeof(const proxy_pgrel_t *));
    list[0] = rel;
    for (size_t k = 0; k < n; k++) {
        for (size_t j = 0; list[k]->inherited && j < list[k]->n_inh_children; j++) {
            uint32_t oid = list[k]->inh_children[j];
            bool seen = false;
            for (size_t x = 0; x < n && !seen; x++)
                seen = list[x]->oid == oid;
            if (seen)
                continue;
            const proxy_pgrel_t *ch = proxy__pgcat_rel(c->cat, oid);
            if (!ch || ch->served != PROXY_REL_MIRRORED || !ch->duck_name) {
                const char *which = ch ? sqlc_printf(c, "\"%s.%s\"", ch->nspname, ch->name)
                                       : sqlc_printf(c, "(relation %u)", oid);
                return sqlc_fail(c, "0A000",
                                 "relation \"%s.%s\" has an inheritance child %s that the mirror "
                                 "does not hold, whose rows a query of it includes: use FROM "
                                 "ONLY %s",
                                 rel->nspname, rel->name, which, rel->name);
            }
            if (n == cap) {
                const proxy_pgrel_t **more =
                    am_arena_alloc(c->arena, 2 * cap * sizeof(const proxy_pgrel_t *));
                memcpy(more, list, n * sizeof(const proxy_pgrel_t *));
                list = more;
                cap *= 2;
            }
            list[n++] = ch;
        }
    }
    *out = list;
    *n_out = n;
    return true;
}

/* The column of child that carries parent's column pc: same name, same type, and for a
 * generated one the same expression (else its values differ from what the compiler computes). */
static const proxy_pgcol_t *inherited_col(sqlc_ctx_t *c, const proxy_pgrel_t *parent,
                                          const proxy_pgcol_t *pc, const proxy_pgrel_t *child)
{
    for (size_t i = 0; i < child->n_cols; i++) {
        const proxy_pgcol_t *cc = &child->cols[i];
        if (strcmp(cc->name, pc->name) != 0)
            continue;
        if (cc->type_oid == pc->type_oid && cc->typmod == pc->typmod &&
            cc->generated == pc->generated &&
            (!pc->generated ||
             (pc->gen_expr && cc->gen_expr && strcmp(pc->gen_expr, cc->gen_expr) == 0)))
            return cc;
        break;
    }
    sqlc_fail(c, "0A000",
              "column \"%s\" of relation \"%s.%s\" differs in its inheritance child \"%s.%s\": "
              "use FROM ONLY %s",
              pc->name, parent->nspname, parent->name, child->nspname, child->name, parent->name);
    return NULL;
}

/* FROM parent without ONLY: the parent's rows and its descendants', in the parent's columns
 * (c<attnum> of the parent, as a plain reference would read them) and with each row's table
 * in am_tableoid. */
bool sqlc_inheritance_union(sqlc_ctx_t *c, const proxy_pgrel_t *rel, const char *alias,
                            am_buf_t *out)
{
    const proxy_pgrel_t **tree = NULL;
    size_t n = 0;
    if (!inheritance_tree(c, rel, &tree, &n))
        return false;
    am_buf_putc(out, '(');
    for (size_t k = 0; k < n; k++) {
        am_buf_puts(out, k ? " UNION ALL SELECT " : "SELECT ");
        for (size_t i = 0; i < rel->n_cols; i++) {
            const proxy_pgcol_t *pc = &rel->cols[i];
            const proxy_pgcol_t *cc = k ? inherited_col(c, rel, pc, tree[k]) : pc;
            if (!cc)
                return false;
            /* a generated column is computed over the others (generated_col) */
            if (pc->generated)
                am_buf_printf(out, "NULL AS c%d, ", pc->attnum);
            else
                am_buf_printf(out, "c%d AS c%d, ", cc->attnum, pc->attnum);
        }
        am_buf_printf(out, "CAST(%u AS BIGINT) AS am_tableoid FROM %s", tree[k]->oid,
                      tree[k]->duck_name);
    }
    am_buf_printf(out, ") AS %s", alias);
    return true;
}
