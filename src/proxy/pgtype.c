/*
 * proxy/pgtype.c: PostgreSQL types as the proxy knows them without a catalog (the built-in
 * ones clients and the analyzer use by number), and how each is represented in DuckDB
 * (docs/pgface.md section 2). Types the table lacks (enums, domains, user types, rare
 * built-ins) are looked up in the served catalog.
 * Spec: PostgreSQL 15 src/include/catalog/pg_type.dat (OIDs, categories, preferred types).
 */
#include "proxy/sql_internal.h"
#include "proxy/pgtype_internal.h"

#include <stdio.h>
#include <string.h>

/* typname, oid, array oid, typlen, category, preferred, DuckDB representation (NULL: VARCHAR) */
static const proxy_pgtype_info_t builtins[] = {
    {"bool", PG_OID_BOOL, PG_OID_BOOL_ARRAY, 1, 'B', true, "BOOLEAN"},
    {"bytea", PG_OID_BYTEA, 1001, -1, 'U', false, "BLOB"},
    {"char", PG_OID_CHAR, PG_OID_CHAR_ARRAY, 1, 'Z', false, NULL},
    {"name", PG_OID_NAME, PG_OID_NAME_ARRAY, 64, 'S', false, NULL},
    {"int8", PG_OID_INT8, PG_OID_INT8_ARRAY, 8, 'N', false, "BIGINT"},
    {"int2", PG_OID_INT2, PG_OID_INT2_ARRAY, 2, 'N', false, "SMALLINT"},
    {"int2vector", PG_OID_INT2VECTOR, 1006, -1, 'A', false, "SMALLINT[]"},
    {"int4", PG_OID_INT4, PG_OID_INT4_ARRAY, 4, 'N', false, "INTEGER"},
    {"regproc", PG_OID_REGPROC, 1008, 4, 'N', false, "BIGINT"},
    {"text", PG_OID_TEXT, PG_OID_TEXT_ARRAY, -1, 'S', true, NULL},
    {"oid", PG_OID_OID, PG_OID_OID_ARRAY, 4, 'N', true, "BIGINT"},
    {"tid", PG_OID_TID, 1010, 6, 'U', false, NULL},
    {"xid", PG_OID_XID, 1011, 4, 'U', false, "BIGINT"},
    {"cid", PG_OID_CID, 1012, 4, 'U', false, "BIGINT"},
    {"oidvector", PG_OID_OIDVECTOR, 1013, -1, 'A', false, "BIGINT[]"},
    {"json", PG_OID_JSON, 199, -1, 'U', false, NULL},
    {"xml", PG_OID_XML, 143, -1, 'U', false, NULL},
    {"pg_node_tree", PG_OID_PG_NODE_TREE, 0, -1, 'Z', false, NULL},
    {"point", PG_OID_POINT, 1017, 16, 'G', false, NULL},
    {"cidr", PG_OID_CIDR, 651, -1, 'I', false, NULL},
    {"float4", PG_OID_FLOAT4, PG_OID_FLOAT4_ARRAY, 4, 'N', false, "FLOAT"},
    {"float8", PG_OID_FLOAT8, PG_OID_FLOAT8_ARRAY, 8, 'N', true, "DOUBLE"},
    {"unknown", PG_OID_UNKNOWN, 0, -2, 'X', false, NULL},
    {"money", PG_OID_MONEY, 791, 8, 'N', false, NULL},
    {"macaddr", PG_OID_MACADDR, 1040, 6, 'U', false, NULL},
    {"inet", PG_OID_INET, 1041, -1, 'I', true, NULL},
    {"aclitem", PG_OID_ACLITEM, 1034, 12, 'U', false, NULL},
    {"bpchar", PG_OID_BPCHAR, 1014, -1, 'S', false, NULL},
    {"varchar", PG_OID_VARCHAR, PG_OID_VARCHAR_ARRAY, -1, 'S', false, NULL},
    {"date", PG_OID_DATE, 1182, 4, 'D', false, "DATE"},
    {"time", PG_OID_TIME, 1183, 8, 'D', false, "TIME"},
    {"timestamp", PG_OID_TIMESTAMP, 1115, 8, 'D', false, "TIMESTAMP"},
    {"timestamptz", PG_OID_TIMESTAMPTZ, 1185, 8, 'D', true, "TIMESTAMPTZ"},
    {"interval", PG_OID_INTERVAL, 1187, 16, 'T', true, "INTERVAL"},
    {"timetz", PG_OID_TIMETZ, 1270, 12, 'D', false, NULL},
    {"bit", PG_OID_BIT, 1561, -1, 'V', false, NULL},
    {"varbit", PG_OID_VARBIT, 1563, -1, 'V', true, NULL},
    {"numeric", PG_OID_NUMERIC, PG_OID_NUMERIC_ARRAY, -1, 'N', false, NULL},
    {"refcursor", PG_OID_REFCURSOR, 2201, -1, 'U', false, NULL},
    {"regprocedure", PG_OID_REGPROCEDURE, 2207, 4, 'N', false, "BIGINT"},
    {"regoper", PG_OID_REGOPER, 2208, 4, 'N', false, "BIGINT"},
    {"regoperator", PG_OID_REGOPERATOR, 2209, 4, 'N', false, "BIGINT"},
    {"regclass", PG_OID_REGCLASS, 2210, 4, 'N', false, "BIGINT"},
    {"regtype", PG_OID_REGTYPE, 2211, 4, 'N', false, "BIGINT"},
    {"record", PG_OID_RECORD, 2287, -1, 'P', false, NULL},
    {"cstring", PG_OID_CSTRING, 1263, -2, 'P', false, NULL},
    {"any", PG_OID_ANY, 0, 4, 'P', false, NULL},
    {"anyarray", PG_OID_ANYARRAY, 0, -1, 'P', false, NULL},
    {"void", PG_OID_VOID, 0, 4, 'P', false, NULL},
    {"anyelement", PG_OID_ANYELEMENT, 0, 4, 'P', false, NULL},
    {"uuid", PG_OID_UUID, 2951, 16, 'U', false, "UUID"},
    {"pg_lsn", PG_OID_PG_LSN, 3221, 8, 'U', false, NULL},
    {"tsvector", PG_OID_TSVECTOR, 3643, -1, 'U', false, NULL},
    {"jsonb", PG_OID_JSONB, 3807, -1, 'U', false, NULL},
    {"regnamespace", PG_OID_REGNAMESPACE, 4090, 4, 'N', false, "BIGINT"},
    {"regrole", PG_OID_REGROLE, 4097, 4, 'N', false, "BIGINT"},
    {"regcollation", PG_OID_REGCOLLATION, 4192, 4, 'N', false, "BIGINT"},
};

const proxy_pgtype_info_t *proxy__pgtype_builtin(uint32_t oid)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(builtins); i++)
        if (builtins[i].oid == oid)
            return &builtins[i];
    return NULL;
}

const proxy_pgtype_info_t *proxy__pgtype_builtin_array_of(uint32_t array_oid)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(builtins); i++)
        if (builtins[i].array_oid == array_oid && array_oid != 0)
            return &builtins[i];
    return NULL;
}

const proxy_pgtype_info_t *proxy__pgtype_builtin_named(const char *typname)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(builtins); i++)
        if (strcmp(builtins[i].name, typname) == 0)
            return &builtins[i];
    return NULL;
}

/* Element type of an array type, 0 when t is not one. */
uint32_t proxy__pgtype_elem(const proxy_pgcat_t *cat, uint32_t oid)
{
    const proxy_pgtype_info_t *b = proxy__pgtype_builtin_array_of(oid);
    if (b)
        return b->oid;
    const proxy_pgtype_t *t = cat ? proxy__pgcat_type(cat, oid) : NULL;
    return t && t->category == 'A' && t->len == -1 ? t->elem : 0;
}

uint32_t proxy__pgtype_array(const proxy_pgcat_t *cat, uint32_t oid)
{
    const proxy_pgtype_info_t *b = proxy__pgtype_builtin(oid);
    if (b)
        return b->array_oid;
    const proxy_pgtype_t *t = cat ? proxy__pgcat_type(cat, oid) : NULL;
    return t ? t->array : 0;
}

proxy_pgtype_ref_t proxy__pgtype_base(const proxy_pgcat_t *cat, proxy_pgtype_ref_t t)
{
    /* domains over domains are legal: follow the chain (bounded, as a cycle is corrupt input) */
    for (int depth = 0; depth < 32 && cat; depth++) {
        if (proxy__pgtype_builtin(t.oid))
            return t;
        const proxy_pgtype_t *pt = proxy__pgcat_type(cat, t.oid);
        if (!pt || pt->typtype != 'd' || pt->basetype == 0)
            return t;
        t.oid = pt->basetype;
        t.typmod = pt->basetypmod;
    }
    return t;
}

/* numeric(p,s) typmod = ((p << 16) | (s & 0x7ff)) + 4; -1 when unconstrained. */
bool proxy__pgtype_numeric_typmod(int32_t typmod, int *precision, int *scale)
{
    if (typmod < 4)
        return false;
    int32_t t = typmod - 4;
    *precision = (t >> 16) & 0xffff;
    *scale = ((t & 0x7ff) ^ 1024) - 1024;
    return true;
}

bool proxy__pgtype_numeric_is_decimal(int32_t typmod)
{
    int p = 0, s = 0;
    return proxy__pgtype_numeric_typmod(typmod, &p, &s) && p >= 1 && p <= 38 && s >= 0 && s <= p;
}

void proxy__pgtype_duck(const proxy_pgcat_t *cat, proxy_pgtype_ref_t t, am_buf_t *out)
{
    t = proxy__pgtype_base(cat, t);
    if (t.oid == PG_OID_NUMERIC) {
        int p = 0, s = 0;
        if (proxy__pgtype_numeric_is_decimal(t.typmod) &&
            proxy__pgtype_numeric_typmod(t.typmod, &p, &s))
            am_buf_printf(out, "DECIMAL(%d,%d)", p, s);
        else
            am_buf_puts(out, "VARCHAR");
        return;
    }
    const proxy_pgtype_info_t *b = proxy__pgtype_builtin(t.oid);
    if (b) {
        am_buf_puts(out, b->duck ? b->duck : "VARCHAR");
        return;
    }
    uint32_t elem = proxy__pgtype_elem(cat, t.oid);
    if (elem) {
        proxy_pgtype_ref_t e = proxy__pgtype_base(cat, (proxy_pgtype_ref_t){elem, t.typmod});
        const proxy_pgtype_t *et = cat ? proxy__pgcat_type(cat, e.oid) : NULL;
        /* DuckDB parses no [] after a schema-qualified type name: an enum array names its
         * element unqualified, found in main by a query's search path (a table created in
         * another schema would not find it) */
        if (et && et->typtype == 'e')
            am_buf_printf(out, "\"enum%u\"", e.oid);
        else
            proxy__pgtype_duck(cat, e, out);
        am_buf_puts(out, "[]");
        return;
    }
    const proxy_pgtype_t *pt = cat ? proxy__pgcat_type(cat, t.oid) : NULL;
    if (pt && pt->typtype == 'e') {
        am_buf_printf(out, "main.\"enum%u\"", t.oid);
        return;
    }
    am_buf_puts(out, "VARCHAR");
}

/* The SQL-standard names PostgreSQL's messages and format_type use for built-in types. */
static const struct {
    uint32_t oid;
    const char *name;
} sql_names[] = {
    {PG_OID_BOOL, "boolean"},
    {PG_OID_INT2, "smallint"},
    {PG_OID_INT4, "integer"},
    {PG_OID_INT8, "bigint"},
    {PG_OID_FLOAT4, "real"},
    {PG_OID_FLOAT8, "double precision"},
    {PG_OID_VARCHAR, "character varying"},
    {PG_OID_BPCHAR, "character"},
    {PG_OID_TIMESTAMP, "timestamp without time zone"},
    {PG_OID_TIMESTAMPTZ, "timestamp with time zone"},
    {PG_OID_TIME, "time without time zone"},
    {PG_OID_TIMETZ, "time with time zone"},
    {PG_OID_VARBIT, "bit varying"},
    {PG_OID_CHAR, "\"char\""},
};

const char *proxy__pgtype_sql_name(uint32_t oid)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(sql_names); i++)
        if (sql_names[i].oid == oid)
            return sql_names[i].name;
    return NULL;
}
