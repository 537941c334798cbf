/*
 * proxy/pgcat_lookup.c: the served catalog model's look-ups (sql_internal.h): relations, types,
 * namespaces, functions and roles by OID and by (namespace, name), the database and its
 * collation. pgcat.c builds the model; this file only reads it.
 */
#include "proxy/pgcat_internal.h"

#include <stdlib.h>
#include <string.h>

const char *proxy__pgcat_database(const proxy_pgcat_t *cat)
{
    return cat->database;
}

const proxy_pgrel_t *proxy__pgcat_rel(const proxy_pgcat_t *cat, uint32_t oid)
{
    uint64_t i = 0;
    return proxy__pgcat_find_oid(cat->rel_by_oid, oid, &i) ? &cat->rels[i] : NULL;
}

const proxy_pgrel_t *proxy__pgcat_rel_find(const proxy_pgcat_t *cat, const char *nspname,
                                           const char *relname)
{
    uint64_t i = 0;
    uint32_t nsp = proxy__pgcat_nsp_find(cat, nspname);
    return nsp && proxy__pgcat_find_name(cat->rel_by_name, nsp, relname, &i) ? &cat->rels[i] : NULL;
}

size_t proxy__pgcat_n_rels(const proxy_pgcat_t *cat)
{
    return cat->n_rels;
}

const proxy_pgrel_t *proxy__pgcat_rel_at(const proxy_pgcat_t *cat, size_t i)
{
    return i < cat->n_rels ? &cat->rels[i] : NULL;
}

const proxy_pgtype_t *proxy__pgcat_type(const proxy_pgcat_t *cat, uint32_t oid)
{
    uint64_t i = 0;
    return cat && proxy__pgcat_find_oid(cat->type_by_oid, oid, &i) ? &cat->types[i] : NULL;
}

const proxy_pgtype_t *proxy__pgcat_type_find(const proxy_pgcat_t *cat, const char *nspname,
                                             const char *typname)
{
    uint64_t i = 0;
    uint32_t nsp = proxy__pgcat_nsp_find(cat, nspname);
    return nsp && proxy__pgcat_find_name(cat->type_by_name, nsp, typname, &i) ? &cat->types[i]
                                                                              : NULL;
}

uint32_t proxy__pgcat_nsp_find(const proxy_pgcat_t *cat, const char *nspname)
{
    uint64_t i = 0;
    return proxy__pgcat_find_name(cat->nsp_by_name, 0, nspname, &i) ? cat->nsps[i].oid : 0;
}

const char *proxy__pgcat_nsp_name(const proxy_pgcat_t *cat, uint32_t nsp_oid)
{
    uint64_t i = 0;
    return proxy__pgcat_find_oid(cat->nsp_by_oid, nsp_oid, &i) ? cat->nsps[i].name : NULL;
}

const char *proxy__pgcat_proc_name(const proxy_pgcat_t *cat, uint32_t oid, uint32_t *nsp_oid)
{
    uint64_t i = 0;
    if (!proxy__pgcat_find_oid(cat->proc_by_oid, oid, &i))
        return NULL;
    if (nsp_oid)
        *nsp_oid = cat->procs[i].nsp_oid;
    return cat->procs[i].name;
}

uint32_t proxy__pgcat_proc_find(const proxy_pgcat_t *cat, uint32_t nsp_oid, const char *name,
                                size_t *count)
{
    uint32_t hit = 0;
    *count = 0;
    for (size_t i = 0; i < cat->n_procs; i++)
        if ((!nsp_oid || cat->procs[i].nsp_oid == nsp_oid) &&
            strcmp(cat->procs[i].name, name) == 0) {
            hit = hit ? hit : cat->procs[i].oid;
            (*count)++;
        }
    return hit;
}

const char *proxy__pgcat_role_name(const proxy_pgcat_t *cat, uint32_t oid)
{
    uint64_t i = 0;
    return proxy__pgcat_find_oid(cat->role_by_oid, oid, &i) ? cat->roles[i].name : NULL;
}

uint32_t proxy__pgcat_role_find(const proxy_pgcat_t *cat, const char *rolname)
{
    uint64_t i = 0;
    return proxy__pgcat_find_name(cat->role_by_name, 0, rolname, &i) ? cat->roles[i].oid : 0;
}

const char *proxy__pgcat_collate(const proxy_pgcat_t *cat)
{
    const proxy_pgcat_frel_t *f = proxy__pgcat_frel_find(cat, "pg_catalog", "pg_database");
    if (!f || f->n_rows == 0)
        return NULL;
    for (size_t k = 0; k < f->n_cols; k++)
        if (strcmp(f->col_names[k], "datcollate") == 0)
            return f->cells[k];
    return NULL;
}

bool proxy__pgcat_has(const proxy_pgcat_t *cat, const char *schema, const char *name)
{
    return cat && proxy__pgcat_frel_find(cat, schema, name) != NULL;
}

uint32_t proxy__pgcat_index_table(const proxy_pgcat_t *cat, uint32_t indexrelid)
{
    const proxy_pgcat_frel_t *r = proxy__pgcat_frel_find(cat, "pg_catalog", "pg_index");
    int idx[2] = {r ? proxy__pgcat_frel_col(r, "indexrelid") : -1,
                  r ? proxy__pgcat_frel_col(r, "indrelid") : -1};
    if (idx[0] < 0 || idx[1] < 0)
        return 0;
    for (size_t row = 0; row < r->n_rows; row++) {
        const char *a = r->cells[row * r->n_cols + (size_t)idx[0]];
        if (a && (uint32_t)strtoul(a, NULL, 10) == indexrelid) {
            const char *b = r->cells[row * r->n_cols + (size_t)idx[1]];
            return b ? (uint32_t)strtoul(b, NULL, 10) : 0;
        }
    }
    return 0;
}
