/*
 * proxy/pgcat_internal.h: the served catalog model's insides, shared by pgcat.c (the model
 * and its hash maps), pgcat_lookup.c (the look-ups), pgcat_file.c (the JSON document) and
 * pgcat_duck.c (the DuckDB tables). Everything of a model lives in its arena and is immutable once
 * proxy__pgcat_parse returns (proxy__pgcat_serve aside, which runs before the model is shared).
 */
#ifndef AM_PROXY_PGCAT_INTERNAL_H
#define AM_PROXY_PGCAT_INTERNAL_H

#include "proxy/sql_internal.h"

#define PROXY_PGCAT_SQLSTATE "XX001" /* data corrupted: the warehouse's file is damaged */

/* One relation of the document, exactly as the file holds it. */
typedef struct proxy_pgcat_frel {
    const char *schema;
    const char *name;
    size_t n_cols;
    const char **col_names;
    uint32_t *col_types; /* type_oid */
    int32_t *col_typmods;
    size_t n_rows;
    const char **cells; /* n_rows * n_cols, row-major; NULL = SQL NULL */
} proxy_pgcat_frel_t;

typedef struct proxy_pgcat_named {
    uint32_t oid;
    uint32_t nsp_oid; /* procs; 0 for namespaces and roles */
    const char *name;
} proxy_pgcat_named_t;

struct proxy_pgcat {
    atomic_int refs;
    am_arena_t *arena; /* every string and array below */
    const char *database;
    proxy_pgcat_frel_t *frels; /* in file order */
    size_t n_frels;
    am_map_t *frel_by_name; /* "schema\0name" -> index into frels */
    proxy_pgrel_t *rels;    /* pg_class rows, in file order */
    size_t n_rels;
    proxy_pgtype_t *types; /* pg_type rows, in file order */
    size_t n_types;
    proxy_pgcat_named_t *nsps, *procs, *roles;
    size_t n_nsps, n_procs, n_roles;
    /* oid (4 bytes) or namespace oid (4 bytes) + name -> index into the arrays above */
    am_map_t *rel_by_oid, *rel_by_name, *type_by_oid, *type_by_name;
    am_map_t *nsp_by_oid, *nsp_by_name, *proc_by_oid, *role_by_oid, *role_by_name;
};

/* The model's hash look-ups (pgcat.c): an OID, or a namespace OID and a name, to an index. */
bool proxy__pgcat_find_oid(const am_map_t *m, uint32_t oid, uint64_t *idx);
bool proxy__pgcat_find_name(const am_map_t *m, uint32_t nsp_oid, const char *name, uint64_t *idx);

/* ---- pgcat_value.c: PostgreSQL text -> DuckDB appender values ------------------------------ */

typedef enum proxy_pgcat_kind {
    PROXY_PGCAT_TEXT = 0, /* VARCHAR: the text as it is */
    PROXY_PGCAT_BOOL,
    PROXY_PGCAT_INT16,
    PROXY_PGCAT_INT32,
    PROXY_PGCAT_INT64, /* int8 and the 32-bit unsigned oid, reg*, xid, cid */
    PROXY_PGCAT_FLOAT,
    PROXY_PGCAT_DOUBLE,
    PROXY_PGCAT_DATE,
    PROXY_PGCAT_TS,
    PROXY_PGCAT_TSTZ,
    PROXY_PGCAT_BLOB,
    PROXY_PGCAT_CAST, /* DECIMAL, TIME, INTERVAL, UUID, ENUM: DuckDB casts the text */
} proxy_pgcat_kind_t;

/* How one column's text becomes a DuckDB value: from proxy__pgtype_duck's representation. */
typedef struct proxy_pgcat_conv {
    proxy_pgcat_kind_t kind;       /* of the value, or of a list's elements */
    bool list;                     /* a DuckDB LIST */
    bool vector;                   /* int2vector / oidvector text ("1 2 3") */
    char delim;                    /* array element delimiter (typdelim, usually ',') */
    duckdb_logical_type elem_type; /* lists: the element type the values are built as */
} proxy_pgcat_conv_t;

void proxy__pgcat_conv_init(proxy_pgcat_conv_t *cv, const proxy_pgcat_t *cat, proxy_pgtype_ref_t t);
void proxy__pgcat_conv_destroy(proxy_pgcat_conv_t *cv);
/* Appends text (NULL = SQL NULL) to app's current row; false with *why a short reason. */
bool proxy__pgcat_append(duckdb_appender app, const proxy_pgcat_conv_t *cv, const char *text,
                         am_buf_t *scratch, const char **why);

/*
 * Parses the document into cat->database and cat->frels (in cat->arena). Untrusted bytes:
 * anything malformed fails with XX001 naming the relation, row and column.
 */
bool proxy__pgcat_file_parse(proxy_pgcat_t *cat, const char *json, size_t len,
                             am_err_t *err) AM_MUST_CHECK;
/* The document's relation schema.name, NULL when it has none. */
const proxy_pgcat_frel_t *proxy__pgcat_frel_find(const proxy_pgcat_t *cat, const char *schema,
                                                 const char *name);
/* The column named name of r, -1 when absent. */
int proxy__pgcat_frel_col(const proxy_pgcat_frel_t *r, const char *name);

#endif /* AM_PROXY_PGCAT_INTERNAL_H */
