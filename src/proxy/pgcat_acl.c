/*
 * proxy/pgcat_acl.c: may a role read a mirrored table? The answer the source would give for
 * SELECT: superusers and the table's owner (and roles that inherit from them) may, and so may
 * whoever its ACL grants SELECT ('r'), directly, through PUBLIC or through an inherited role.
 * Row-level security cannot be evaluated on the mirror: a table with it enabled is refused to
 * every role that the source would not exempt (superuser, BYPASSRLS, the owner unless FORCE).
 * Column privileges alone do not grant the table. A login the source does not know (the
 * mirror's own configured user) reads every table.
 * Read from the copied pg_class, pg_roles and pg_auth_members rows of the catalog file.
 * Spec: PostgreSQL 15 docs 5.7 "Privileges" (aclitem), 5.8 "Row Security Policies".
 */
#include "proxy/proxy_internal.h"
#include "proxy/pgcat_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *cell(const proxy_pgcat_frel_t *r, size_t row, const char *col)
{
    for (size_t k = 0; k < r->n_cols; k++)
        if (strcmp(r->col_names[k], col) == 0)
            return r->cells[row * r->n_cols + k];
    return NULL;
}

static uint32_t oid_of(const char *s)
{
    return s ? (uint32_t)strtoul(s, NULL, 10) : 0;
}

/* The role and every role it inherits from (pg_auth_members, rolinherit), by OID. */
static size_t inherited(const proxy_pgcat_t *cat, uint32_t role, uint32_t *set, size_t cap)
{
    const proxy_pgcat_frel_t *roles = proxy__pgcat_frel_find(cat, "pg_catalog", "pg_roles");
    const proxy_pgcat_frel_t *mem = proxy__pgcat_frel_find(cat, "pg_catalog", "pg_auth_members");
    size_t n = 0;
    set[n++] = role;
    for (size_t i = 0; i < n && mem; i++) {
        bool inherits = true;
        for (size_t r = 0; roles && r < roles->n_rows; r++)
            if (oid_of(cell(roles, r, "oid")) == set[i]) {
                const char *v = cell(roles, r, "rolinherit");
                inherits = !v || strcmp(v, "f") != 0;
            }
        if (!inherits)
            continue;
        for (size_t r = 0; r < mem->n_rows && n < cap; r++) {
            if (oid_of(cell(mem, r, "member")) != set[i])
                continue;
            uint32_t granted = oid_of(cell(mem, r, "roleid"));
            bool seen = false;
            for (size_t k = 0; k < n; k++)
                seen = seen || set[k] == granted;
            if (!seen)
                set[n++] = granted;
        }
    }
    return n;
}

static bool role_flag(const proxy_pgcat_t *cat, uint32_t role, const char *flag)
{
    const proxy_pgcat_frel_t *roles = proxy__pgcat_frel_find(cat, "pg_catalog", "pg_roles");
    for (size_t r = 0; roles && r < roles->n_rows; r++)
        if (oid_of(cell(roles, r, "oid")) == role) {
            const char *v = cell(roles, r, flag);
            return v && strcmp(v, "t") == 0;
        }
    return false;
}

/* One aclitem "grantee=privs/grantor" (grantee empty: PUBLIC; names may be double-quoted). */
static bool item_grants_select(const proxy_pgcat_t *cat, const char *p, const char *end,
                               const uint32_t *set, size_t n)
{
    char name[128];
    size_t k = 0;
    bool quoted = p < end && *p == '"';
    if (quoted)
        p++;
    while (p < end && (quoted ? !(*p == '"' && (p + 1 >= end || p[1] != '"')) : *p != '=')) {
        if (quoted && *p == '"')
            p++;
        if (k + 1 < sizeof name)
            name[k++] = *p;
        p++;
    }
    name[k] = '\0';
    p += quoted;
    if (p >= end || *p != '=')
        return false;
    const char *slash = memchr(p, '/', (size_t)(end - p));
    if (!memchr(p, 'r', (size_t)((slash ? slash : end) - p)))
        return false;
    if (k == 0)
        return true; /* PUBLIC */
    uint32_t grantee = proxy__pgcat_role_find(cat, name);
    for (size_t i = 0; i < n; i++)
        if (set[i] == grantee)
            return true;
    return false;
}

static bool acl_grants_select(const proxy_pgcat_t *cat, const char *acl, const uint32_t *set,
                              size_t n)
{
    const char *p = acl;
    if (*p == '{')
        p++;
    while (*p && *p != '}') {
        const char *end = p;
        bool q = false;
        while (*end && (q || (*end != ',' && *end != '}'))) {
            if (*end == '"')
                q = !q;
            if (*end == '\\' && end[1])
                end++;
            end++;
        }
        /* an element of the array text may itself be quoted: "a=r/b" */
        const char *s = p, *e = end;
        if (s < e && *s == '"' && e[-1] == '"') {
            s++;
            e--;
        }
        if (item_grants_select(cat, s, e, set, n))
            return true;
        p = *end == ',' ? end + 1 : end;
    }
    return false;
}

proxy_acl_t proxy__pgcat_acl(const proxy_pgcat_t *cat, const char *rolname, uint32_t relid)
{
    uint32_t role = cat && rolname ? proxy__pgcat_role_find(cat, rolname) : 0;
    const proxy_pgcat_frel_t *cls =
        cat ? proxy__pgcat_frel_find(cat, "pg_catalog", "pg_class") : NULL;
    if (!role || !cls)
        return PROXY_ACL_READ; /* a login of the mirror's own: every table */
    size_t row = cls->n_rows;
    for (size_t r = 0; r < cls->n_rows && row == cls->n_rows; r++)
        if (oid_of(cell(cls, r, "oid")) == relid)
            row = r;
    if (row == cls->n_rows)
        return PROXY_ACL_DENIED;
    uint32_t set[64];
    size_t n = inherited(cat, role, set, AM_ARRAY_LEN(set));
    uint32_t owner = oid_of(cell(cls, row, "relowner"));
    bool super = role_flag(cat, role, "rolsuper"), is_owner = false;
    for (size_t i = 0; i < n; i++)
        is_owner = is_owner || set[i] == owner;
    const char *rls = cell(cls, row, "relrowsecurity");
    const char *force = cell(cls, row, "relforcerowsecurity");
    bool rls_on = rls && strcmp(rls, "t") == 0;
    bool exempt = super || role_flag(cat, role, "rolbypassrls") ||
                  (is_owner && !(force && strcmp(force, "t") == 0));
    if (rls_on && !exempt)
        return PROXY_ACL_RLS;
    if (super || is_owner)
        return PROXY_ACL_READ;
    const char *acl = cell(cls, row, "relacl");
    return acl && acl_grants_select(cat, acl, set, n) ? PROXY_ACL_READ : PROXY_ACL_DENIED;
}
