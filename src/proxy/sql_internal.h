/*
 * proxy/sql_internal.h: the proxy's SQL side, shared by its own .c files only: PostgreSQL
 * types (pgtype.c), the served catalog model (pgcat.c), and the pipeline that turns a client's
 * statement into DuckDB SQL (sql_*.c). No sockets here. See docs/pgface.md.
 *
 * Threads: a proxy_pgcat_t is immutable once built and shared by reference count; everything
 * else belongs to the thread of the session using it.
 */
#ifndef AM_PROXY_SQL_INTERNAL_H
#define AM_PROXY_SQL_INTERNAL_H

#include "util/util.h"

#include <stdatomic.h>

/* duckdb.h declares some functions as f() (no prototype); keep our warnings for our code. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <duckdb.h>
#pragma GCC diagnostic pop

/* ---- PostgreSQL type OIDs the proxy knows by number (pg_type.dat of PostgreSQL 15) ------- */

enum {
    PG_OID_BOOL = 16,
    PG_OID_BYTEA = 17,
    PG_OID_CHAR = 18,
    PG_OID_NAME = 19,
    PG_OID_INT8 = 20,
    PG_OID_INT2 = 21,
    PG_OID_INT2VECTOR = 22,
    PG_OID_INT4 = 23,
    PG_OID_REGPROC = 24,
    PG_OID_TEXT = 25,
    PG_OID_OID = 26,
    PG_OID_TID = 27,
    PG_OID_XID = 28,
    PG_OID_CID = 29,
    PG_OID_OIDVECTOR = 30,
    PG_OID_JSON = 114,
    PG_OID_XML = 142,
    PG_OID_PG_NODE_TREE = 194,
    PG_OID_POINT = 600,
    PG_OID_CIDR = 650,
    PG_OID_FLOAT4 = 700,
    PG_OID_FLOAT8 = 701,
    PG_OID_UNKNOWN = 705,
    PG_OID_MONEY = 790,
    PG_OID_MACADDR = 829,
    PG_OID_INET = 869,
    PG_OID_ACLITEM = 1033,
    PG_OID_BPCHAR = 1042,
    PG_OID_VARCHAR = 1043,
    PG_OID_DATE = 1082,
    PG_OID_TIME = 1083,
    PG_OID_TIMESTAMP = 1114,
    PG_OID_TIMESTAMPTZ = 1184,
    PG_OID_INTERVAL = 1186,
    PG_OID_TIMETZ = 1266,
    PG_OID_BIT = 1560,
    PG_OID_VARBIT = 1562,
    PG_OID_NUMERIC = 1700,
    PG_OID_REFCURSOR = 1790,
    PG_OID_REGPROCEDURE = 2202,
    PG_OID_REGOPER = 2203,
    PG_OID_REGOPERATOR = 2204,
    PG_OID_REGCLASS = 2205,
    PG_OID_REGTYPE = 2206,
    PG_OID_RECORD = 2249,
    PG_OID_CSTRING = 2275,
    PG_OID_ANY = 2276,
    PG_OID_ANYARRAY = 2277,
    PG_OID_VOID = 2278,
    PG_OID_ANYELEMENT = 2283,
    PG_OID_UUID = 2950,
    PG_OID_PG_LSN = 3220,
    PG_OID_TSVECTOR = 3614,
    PG_OID_JSONB = 3802,
    PG_OID_REGNAMESPACE = 4089,
    PG_OID_REGROLE = 4096,
    PG_OID_REGCOLLATION = 4191,
    /* arrays of the common ones */
    PG_OID_BOOL_ARRAY = 1000,
    PG_OID_INT2_ARRAY = 1005,
    PG_OID_INT4_ARRAY = 1007,
    PG_OID_TEXT_ARRAY = 1009,
    PG_OID_INT8_ARRAY = 1016,
    PG_OID_FLOAT4_ARRAY = 1021,
    PG_OID_FLOAT8_ARRAY = 1022,
    PG_OID_OID_ARRAY = 1028,
    PG_OID_VARCHAR_ARRAY = 1015,
    PG_OID_NAME_ARRAY = 1003,
    PG_OID_CHAR_ARRAY = 1002,
    PG_OID_NUMERIC_ARRAY = 1231,
};

/* A PostgreSQL type as the analyzer carries it: pg_type OID plus the typmod (-1 = none). */
typedef struct proxy_pgtype_ref {
    uint32_t oid;
    int32_t typmod;
} proxy_pgtype_ref_t;

/* ---- the served catalog model (pgcat.c) --------------------------------------------------- */

typedef struct proxy_pgcol {
    char *name;
    int16_t attnum;
    uint32_t type_oid; /* atttypid: may be a domain, an enum, an array */
    int32_t typmod;    /* atttypmod */
    bool not_null;
    bool generated;       /* GENERATED ALWAYS AS (...) STORED: not in the lake */
    const char *gen_expr; /* its expression, pg_get_expr's text; NULL when unknown */
} proxy_pgcol_t;

typedef enum proxy_rel_served {
    PROXY_REL_UNSERVED = 0, /* in pg_class (so regclass and \d find it) but not readable */
    PROXY_REL_MIRRORED,     /* a mirrored table: am_data."t<oid>", columns c<attnum> */
    PROXY_REL_CATALOG,      /* a served catalog relation: am_cat."<schema>.<name>" */
} proxy_rel_served_t;

typedef struct proxy_pgrel {
    uint32_t oid;
    uint32_t nsp_oid;
    const char *nspname; /* borrowed from the model */
    char *name;
    char relkind;        /* 'r', 'v', 'i', 'S', 'p', ... */
    proxy_pgcol_t *cols; /* attnum > 0, not dropped, in attnum order */
    size_t n_cols;
    proxy_rel_served_t served;
    char *duck_name; /* quoted DuckDB name to read it by; NULL when unserved */
    int16_t pk[32];  /* the primary key's attnums (pg_index.indkey), n_pk of them */
    uint8_t n_pk;
    bool inherited;         /* a table (not partitioned) other tables INHERIT from (pg_inherits) */
    uint32_t *inh_children; /* when inherited: the direct children's oids */
    size_t n_inh_children;
} proxy_pgrel_t;

typedef struct proxy_pgtype {
    uint32_t oid;
    char *name; /* typname */
    uint32_t nsp_oid;
    const char *nspname;
    int16_t len;    /* typlen */
    char typtype;   /* 'b' base, 'c' composite, 'd' domain, 'e' enum, 'p' pseudo, 'r' range, 'm' */
    char category;  /* typcategory: 'N' numeric, 'S' string, 'D' datetime, 'A' array, ... */
    bool preferred; /* typispreferred */
    char delim;     /* typdelim */
    uint32_t elem;  /* typelem: element of an array type (0 if none) */
    uint32_t array; /* typarray: the array type of this one (0 if none) */
    uint32_t basetype;  /* typbasetype: base of a domain (0 if none) */
    int32_t basetypmod; /* typtypmod of a domain */
    uint32_t relid;     /* typrelid: the relation of a composite type */
    char **enum_labels; /* enums: labels in enumsortorder order */
    size_t n_enum_labels;
} proxy_pgtype_t;

typedef struct proxy_pgcat proxy_pgcat_t;

/*
 * Parses a catalog file (docs/pgface.md section 3) into a model. Untrusted bytes: a malformed
 * file fails with XX001 naming what was wrong. Relations of pg_catalog and
 * information_schema that the file carries come out as PROXY_REL_CATALOG; every other
 * relation as PROXY_REL_UNSERVED until proxy__pgcat_serve() marks it mirrored.
 */
proxy_pgcat_t *proxy__pgcat_parse(const char *json, size_t len, am_err_t *err) AM_MUST_CHECK;
/* Marks the relation oid (found by nspname.relname) as mirrored; false if it is not there. */
bool proxy__pgcat_serve(proxy_pgcat_t *cat, const char *nspname, const char *relname);
/* Takes the mark back (a view that cannot be built); before the model is shared only. */
void proxy__pgcat_unserve(proxy_pgcat_t *cat, const char *nspname, const char *relname);
/*
 * Creates (or replaces) every am_cat table and enum type of the model in DuckDB and fills the
 * tables with the file's rows. Runs on con inside the caller's transaction.
 */
bool proxy__pgcat_duck_load(const proxy_pgcat_t *cat, duckdb_connection con,
                            am_err_t *err) AM_MUST_CHECK;
proxy_pgcat_t *proxy__pgcat_ref(proxy_pgcat_t *cat);
void proxy__pgcat_unref(proxy_pgcat_t *cat); /* NULL is a no-op */

const char *proxy__pgcat_database(const proxy_pgcat_t *cat); /* the source database's name */
/* pg_database.datcollate of the source database (NULL if unknown). */
const char *proxy__pgcat_collate(const proxy_pgcat_t *cat);
/* The table an index belongs to (pg_index.indrelid); 0 when unknown. */
uint32_t proxy__pgcat_index_table(const proxy_pgcat_t *cat, uint32_t indexrelid);
/* May role rolname read mirrored table relid, as the source would let it (pgcat_acl.c)? */
typedef enum proxy_acl { PROXY_ACL_READ, PROXY_ACL_DENIED, PROXY_ACL_RLS } proxy_acl_t;
proxy_acl_t proxy__pgcat_acl(const proxy_pgcat_t *cat, const char *rolname, uint32_t relid);
/* The catalog file carries relation schema.name (e.g. "am", "settings"). */
bool proxy__pgcat_has(const proxy_pgcat_t *cat, const char *schema, const char *name);
const proxy_pgrel_t *proxy__pgcat_rel(const proxy_pgcat_t *cat, uint32_t oid);
const proxy_pgrel_t *proxy__pgcat_rel_find(const proxy_pgcat_t *cat, const char *nspname,
                                           const char *relname);
size_t proxy__pgcat_n_rels(const proxy_pgcat_t *cat);
const proxy_pgrel_t *proxy__pgcat_rel_at(const proxy_pgcat_t *cat, size_t i);
/* NULL when absent, or when cat is NULL (no catalog loaded yet: a client may name any OID). */
const proxy_pgtype_t *proxy__pgcat_type(const proxy_pgcat_t *cat, uint32_t oid);
const proxy_pgtype_t *proxy__pgcat_type_find(const proxy_pgcat_t *cat, const char *nspname,
                                             const char *typname);
/* 0 when absent. */
uint32_t proxy__pgcat_nsp_find(const proxy_pgcat_t *cat, const char *nspname);
const char *proxy__pgcat_nsp_name(const proxy_pgcat_t *cat, uint32_t nsp_oid);
/* pg_proc (oid -> proname, pronamespace) and pg_roles / pg_authid (oid <-> rolname). */
const char *proxy__pgcat_proc_name(const proxy_pgcat_t *cat, uint32_t oid, uint32_t *nsp_oid);
const char *proxy__pgcat_role_name(const proxy_pgcat_t *cat, uint32_t oid);
/* A function named name (in schema nsp_oid, or any when 0): its OID and how many match. */
uint32_t proxy__pgcat_proc_find(const proxy_pgcat_t *cat, uint32_t nsp_oid, const char *name,
                                size_t *count);
uint32_t proxy__pgcat_role_find(const proxy_pgcat_t *cat, const char *rolname);

/* ---- PostgreSQL types in DuckDB (pgtype.c) ----------------------------------------------- */

/* The type a domain finally stands for (itself if not a domain); cat may be NULL. */
proxy_pgtype_ref_t proxy__pgtype_base(const proxy_pgcat_t *cat, proxy_pgtype_ref_t t);
/*
 * Appends the DuckDB type that represents t (docs/pgface.md section 2), e.g. "DECIMAL(10,2)",
 * "VARCHAR", "INTEGER[]", "am_cat.\"enum16390\"".
 */
void proxy__pgtype_duck(const proxy_pgcat_t *cat, proxy_pgtype_ref_t t, am_buf_t *out);

/* ---- parsing (sql_parse.c): PostgreSQL 15's grammar through libpg_query -------------------- */

struct PgQuery__ParseResult;
struct PgQuery__Node;

typedef struct proxy_sqlstmt {
    const struct PgQuery__Node *node; /* borrowed from the parse */
    char *text;                       /* the statement's own text (for logs and DECLARE) */
} proxy_sqlstmt_t;

typedef struct proxy_sqlparse {
    struct PgQuery__ParseResult *tree;
    proxy_sqlstmt_t *stmts; /* empty statements (";;") are skipped */
    size_t n_stmts;
} proxy_sqlparse_t;

/* Parses sql as PostgreSQL 15 does; a syntax error is 42601 with PostgreSQL's message and the
 * 1-based character position in *position (0 if none). */
bool proxy__sql_parse(const char *sql, proxy_sqlparse_t *out, int *position,
                      am_err_t *err) AM_MUST_CHECK;
void proxy__sql_parse_destroy(proxy_sqlparse_t *p);

/* ---- compiling a query to DuckDB SQL (sqlc_*.c) ------------------------------------------ */

/* What a statement is compiled against: the served catalog and the session's settings. */
typedef struct proxy_sqlenv {
    const proxy_pgcat_t *cat; /* NULL before the first catalog: catalog-free queries only */
    const char *search_path;  /* the setting's value, e.g. "\"$user\", public" */
    const char *user;         /* current_user and session_user */
    const char *database;     /* current_database() */
    const char *timezone;     /* TimeZone */
    const char *datestyle;    /* DateStyle */
    const char *intervalstyle;
    int extra_float_digits;
    uint32_t backend_pid;
    int64_t tx_start_us;     /* now(), current_timestamp: start of the transaction, Unix µs */
    int64_t stmt_start_us;   /* statement_timestamp() */
    int64_t server_start_us; /* pg_postmaster_start_time() */
    int server_port;         /* inet_server_port() */
    /* current_setting(name) and SHOW: the value, or NULL for an unknown name */
    const char *(*setting)(void *ud, const char *name);
    /* pg_settings: the i-th setting (false past the last): name, value, value at start */
    bool (*setting_at)(void *ud, size_t i, const char **name, const char **value,
                       const char **boot);
    void *setting_ud;
} proxy_sqlenv_t;

typedef struct proxy_sqlcol {
    char *name;
    proxy_pgtype_ref_t type; /* as PostgreSQL types the column (may be a domain) */
    uint32_t relid;          /* a plain table column: RowDescription's table OID ... */
    int16_t attnum;          /* ... and attribute number; 0 otherwise */
} proxy_sqlcol_t;

typedef struct proxy_sqlquery {
    char *duck_sql;      /* the DuckDB statement to prepare */
    char *duck_sql_wide; /* NULL, or duck_sql with every DECIMAL product in 128 bits: run when
                            duck_sql reports a 64-bit overflow before any row (exec.c) */
    proxy_sqlcol_t *cols;
    size_t n_cols;
    uint32_t *param_oids; /* the type of each $n as resolved (unknown ones default to text) */
    size_t n_params;
    /* NULL, or one row of every parameter read by its type's input function: run at Bind, as
     * PostgreSQL reads every parameter there (duck_sql reads one only where its plan evaluates
     * it: a filter DuckDB proves empty, or an empty table, would not) */
    char *param_check;
    bool is_explain;
} proxy_sqlquery_t;

/*
 * A read (SELECT, VALUES, TABLE, set operations, WITH, EXPLAIN of those) -> DuckDB SQL whose
 * result columns are cols, in order. param_oids are the types the client declared in Parse (0 =
 * infer). Anything the mirror cannot answer exactly fails with PostgreSQL's SQLSTATE.
 */
bool proxy__sql_compile(const proxy_sqlenv_t *env, const struct PgQuery__Node *stmt,
                        const uint32_t *param_oids, size_t n_param_oids, proxy_sqlquery_t *out,
                        am_err_t *err) AM_MUST_CHECK;
void proxy__sql_query_destroy(proxy_sqlquery_t *q);
/* Type names (PREPARE's argument types) -> OIDs, resolved as in a cast. */
bool proxy__sql_typenames(const proxy_sqlenv_t *env, struct PgQuery__Node *const *names, size_t n,
                          uint32_t *oids, am_err_t *err) AM_MUST_CHECK;

/* PostgreSQL's boolin on n bytes at p: unique prefixes of true/false/yes/no, on/off (two
 * letters at least), 1/0, around blanks. 1, 0, or -1 when it is none (pgfn_misc.c). */
int proxy__bool_text(const char *p, size_t n);

#endif /* AM_PROXY_SQL_INTERNAL_H */
