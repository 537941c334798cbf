/*
 * proxy/sqlc_internal.h: the SQL compiler's own types, shared by sqlc_*.c only. A statement's
 * parse tree (libpg_query protobuf-c structs) is walked once: names resolved, every expression
 * typed as PostgreSQL types it, every node checked against what the mirror allows, and DuckDB
 * SQL written as it goes (docs/pgface.md section 1).
 *
 * Memory: everything a compilation makes lives in its arena (ctx->arena) and dies with it.
 */
#ifndef AM_PROXY_SQLC_INTERNAL_H
#define AM_PROXY_SQLC_INTERNAL_H

#include "proxy/sql_internal.h"
#include "proxy/pgtype_internal.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

typedef PgQuery__Node sqlc_node_t;
typedef struct sqlc_ctx sqlc_ctx_t;

/* The fields of a record value (ROW(...), a whole-row reference, a record-returning function):
 * a DuckDB STRUCT whose keys are f1..fn. */
typedef struct sqlc_rec {
    size_t n;
    const char **names;
    proxy_pgtype_ref_t *types;
    bool *numv;
} sqlc_rec_t;

/* A typed DuckDB expression. */
typedef struct sqlc_val {
    char *sql;               /* DuckDB SQL (arena) */
    proxy_pgtype_ref_t type; /* PostgreSQL type; PG_OID_UNKNOWN for an untyped literal */
    const char *literal;     /* untyped string literal: its text (NULL for a NULL constant) */
    bool is_null;            /* the NULL constant (type unknown) */
    bool is_const;           /* no column, parameter or volatile function inside */
    bool is_volatile;        /* a volatile function inside: its value differs at each use */
    bool has_agg;            /* an aggregate at this query level inside */
    bool has_srf;            /* a set-returning function inside */
    bool numv;               /* numeric held as PostgreSQL numeric text (VARCHAR), not DECIMAL */
    const char *name;        /* the column name PostgreSQL gives it; NULL = ?column? */
    bool name_weak;          /* the name came from a cast or CASE: an outer cast replaces it */
    uint32_t relid;          /* a plain column of a table: its relation and attnum */
    int16_t attnum;
    int param;             /* an untyped $n (type unknown until context decides), else 0 */
    const sqlc_rec_t *rec; /* a record: its fields */
    uint8_t dec_p, dec_s;  /* a numeric held as DECIMAL: its DuckDB precision and scale
                            * (dec_p 0: unknown) */
} sqlc_val_t;

/* A column of a FROM item as the query sees it. */
typedef struct sqlc_col {
    const char *name; /* PostgreSQL name */
    proxy_pgtype_ref_t type;
    const char *sql; /* DuckDB expression: "r3.c2", "r4.o1", COALESCE(...) for USING */
    uint32_t relid;
    int16_t attnum;
    bool numv;                  /* numeric held as VARCHAR text (see sqlc_val_t) */
    bool hidden;                /* not found by an unqualified name (USING merged it, or a
                                   join's copy of an input's column) */
    bool merged;                /* an input column that USING/NATURAL merged */
    const struct sqlc_rec *rec; /* a record column: its fields */
    const char *refuse;         /* why it cannot be read (0A000 where referenced), or NULL */
} sqlc_col_t;

/* A FROM item (range table entry). */
typedef struct sqlc_rte {
    const char *refname; /* alias or relation name; NULL for an unaliased join */
    const char *nspname; /* schema when it is a relation without alias (for s.t.col) */
    const char *relname; /* the relation's own name, aliased or not */
    sqlc_col_t *cols;
    size_t n_cols;
    bool hidden;   /* inside an aliased join: not visible at all */
    bool nullable; /* on a side an outer join fills with nulls */
    /* a NOT NULL column's expression (a table's): NULL only in an outer join's filled row,
     * which PostgreSQL's whole-row value tells apart from a row of nulls */
    const char *present;
    char *tableoid; /* its expression when rows come from several tables; NULL: one */
} sqlc_rte_t;

typedef struct sqlc_cte {
    const char *name;
    const char *duck_name; /* q<n> */
    sqlc_col_t *cols;      /* sql = column name inside the CTE (o<n>) */
    size_t n_cols;
    bool recursive_pending; /* the recursive term is being compiled: types from the first */
} sqlc_cte_t;

/* One output column of a SELECT level. */
typedef struct sqlc_target {
    sqlc_val_t val;
    const char *name; /* PostgreSQL name */
    const char *duck; /* o<n> */
    bool resjunk;     /* added for ORDER BY only */
} sqlc_target_t;

typedef struct sqlc_scope sqlc_scope_t;
struct sqlc_scope {
    sqlc_scope_t *parent; /* the query level outside (correlated references) */
    sqlc_rte_t **rtes;    /* every range table entry of this level (joins' inputs included) */
    size_t n_rtes;
    sqlc_rte_t **items; /* the top-level FROM items, in order: what * expands to */
    size_t n_items;
    sqlc_cte_t **ctes; /* WITH of this level */
    size_t n_ctes;
    sqlc_target_t *targets; /* set once the select list is compiled (ORDER BY, GROUP BY) */
    size_t n_targets;
    bool grouped;     /* GROUP BY or aggregates: references outside aggregates checked */
    int agg_depth;    /* >0 inside an aggregate's arguments */
    bool in_window;   /* inside OVER (...) */
    int n_var_refs;   /* references to this level's columns, from it or a subquery */
    bool allow_srf;   /* select list: set-returning functions allowed */
    bool rtes_hidden; /* a non-LATERAL subquery of this level's FROM is being compiled */
    PgQuery__WindowDef **windows; /* WINDOW w AS (...) of this level */
    size_t n_windows;
    /* the grouping check (sqlc_group.c): while mark_refs, this level's column references are
     * written as markers, resolved once GROUP BY and the aggregates are known */
    int depth;
    bool keep_unknown; /* a set operation's leaf: untyped literals and parameters stay
                        * unknown (PostgreSQL resolves them with the other branches) */
    bool mark_refs;
    struct sqlc_gref *grefs;
    size_t n_grefs, cap_grefs;
    const char **group_items; /* GROUP BY expressions as written (markers included) */
    size_t n_group_items, cap_group_items;
    /* GROUP BY items grouped by an equality key (sqlc_eqkey.c): DuckDB groups by the key,
     * the item itself is read with any_value() */
    const char **gkey_items, **gkey_sql;
    size_t n_gkeys, cap_gkeys;
    bool gsets; /* GROUP BY has ROLLUP, CUBE or GROUPING SETS */
};

/* A column reference of a level under the grouping check. */
typedef struct sqlc_gref {
    const char *raw;    /* its DuckDB expression */
    const char *marker; /* what the level's SQL holds instead until the check */
    const struct sqlc_rte *rte;
    const char *colname;
    uint32_t relid; /* the table it belongs to (0: not a table column) */
    bool covered;   /* functionally dependent on the grouped primary key: any_value() */
} sqlc_gref_t;

/* The marker a column reference of level is written as (registering it); raw when the level
 * is not under the check. */
const char *sqlc_group_ref(sqlc_ctx_t *c, sqlc_scope_t *level, const sqlc_col_t *col,
                           const struct sqlc_rte *rte);
void sqlc_group_item(sqlc_ctx_t *c, const char *sql);
/* A GROUP BY item (already registered with sqlc_group_item) that DuckDB must group by key:
 * the text to write in GROUP BY instead of it. */
const char *sqlc_group_by_key(sqlc_ctx_t *c, const char *sql, const char *key);
/* After the level's SELECT is complete in out[start..]: PostgreSQL's check that every column
 * outside aggregates is grouped (or depends on a grouped primary key), then the markers
 * replaced by the references (any_value() for dependent ones). */
bool sqlc_group_finalize(sqlc_ctx_t *c, am_buf_t *out, size_t start);

typedef struct sqlc_param {
    proxy_pgtype_ref_t type; /* oid 0 until known */
    bool any_use;            /* seen untyped where PostgreSQL gives it no type: an argument of type
                              * "any" (concat, format), IS NULL */
} sqlc_param_t;

struct sqlc_ctx {
    const proxy_sqlenv_t *env;
    const proxy_pgcat_t *cat; /* may be NULL before the first catalog */
    am_arena_t *arena;
    am_err_t *err;
    int next_alias; /* r<n>, q<n>, o<n> counters share one sequence */
    sqlc_param_t *params;
    size_t n_params;
    size_t cap_params;
    sqlc_scope_t *scope;   /* the current query level */
    const char **env_path; /* search_path resolved: existing schemas, "$user" expanded */
    size_t env_path_n;
    /* while an aggregate or window call is expanded: what its template's %< %> %! stand for
     * (DISTINCT, the ORDER BY inside the call, FILTER and OVER after it); NULL otherwise */
    const struct sqlc_callmods *mods;
    bool setop_leaf; /* the next query level is a set operation's branch */
    /* relations the session's role may not read (and their indexes), computed on first use:
     * they are refused, and hidden from the catalogs (sqlc_acl.c) */
    bool acl_done;
    uint32_t *hidden;
    size_t n_hidden;
    /* DECIMAL products inside aggregates: multiplied in 64 bits as DuckDB would (narrowed is
     * set), unless wide_products; see sqlc_oper.c decimal_result */
    bool wide_products;
    bool narrowed;
};

typedef struct sqlc_callmods {
    const char *distinct; /* "DISTINCT " or "" */
    const char *order;    /* " ORDER BY ..." or "" */
    const char *post;     /* " FILTER (WHERE ...)" and/or " OVER (...)", or "" */
    const char *filter;   /* the FILTER condition, or NULL */
    bool filter_volatile; /* that condition holds a volatile function */
} sqlc_callmods_t;

/* ---- signatures of operators and functions (sqlc_resolve.c, sqlc_optab.c, sqlc_functab.c) -- */

#define SQLC_MAX_ARGS 8        /* declared arguments of one signature */
#define SQLC_FUNC_MAX_ARGS 100 /* arguments of one call: PostgreSQL's FUNC_MAX_ARGS */
#define SQLC_ANYNONARRAY 2776u
#define SQLC_ANYENUM 3500u
#define SQLC_SAME1 1u /* result type: the first argument's, typmod included */

/* Flags of a signature. */
#define SQLC_F_NUMV 1u   /* the result is numeric text (VARCHAR) */
#define SQLC_F_AGG 2u    /* an aggregate */
#define SQLC_F_WINDOW 4u /* a window-only function (row_number, lag ...) */
#define SQLC_F_SRF 8u    /* set-returning: the template yields a LIST, unnested by the caller */
#define SQLC_F_VOLATILE 16u
#define SQLC_F_VARIADIC 32u /* the last argument type repeats */
/* polymorphic as PostgreSQL's anycompatible family (14 and later), whose arguments, when all
 * are untyped, are text; anyelement's have no type to read them with (42804) */
#define SQLC_F_COMPATIBLE 64u

typedef struct sqlc_sig sqlc_sig_t;
typedef bool (*sqlc_emit_fn)(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                             sqlc_val_t *out);

/* One PostgreSQL operator or function signature and how DuckDB computes it. */
struct sqlc_sig {
    const char *name; /* operator symbol or lower-case function name */
    uint8_t nargs;
    uint32_t args[SQLC_MAX_ARGS]; /* PostgreSQL type OIDs or the pseudo types above */
    uint32_t result;
    const char *tmpl;      /* DuckDB SQL, see sqlc_expand; NULL when emit is set */
    const char *tmpl_numv; /* used instead when a numeric argument is numeric text */
    unsigned flags;
    sqlc_emit_fn emit; /* for what a template cannot say */
};

/* The type a signature wants at argument i: past the declared ones, a variadic signature's
 * last type again (SQLC_F_VARIADIC: that argument may repeat, at least once). */
static inline uint32_t sqlc_sig_arg(const sqlc_sig_t *s, size_t i)
{
    return i >= s->nargs && s->nargs > 0 ? s->args[s->nargs - 1] : s->args[i];
}

/* PostgreSQL's choice among candidates (all with nargs arguments); NULL when none fits, with
 * *ambiguous when several do. */
const sqlc_sig_t *sqlc_resolve(sqlc_ctx_t *c, const sqlc_sig_t *const *all, size_t n_all,
                               const sqlc_val_t *args, size_t nargs, bool *ambiguous);
/* Coerces args to s's argument types (polymorphic ones bound) and gives the result type. */
bool sqlc_apply_sig(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                    proxy_pgtype_ref_t *result);
char *sqlc_expand(sqlc_ctx_t *c, const char *tmpl, const sqlc_val_t *args, size_t n);
/* Operator signatures named op (sqlc_optab.c); *n set to the count. */
const sqlc_sig_t *const *sqlc_optab_find(sqlc_ctx_t *c, const char *op, bool prefix, size_t *n);
/* Function signatures named name with nargs arguments (sqlc_functab.c). */
const sqlc_sig_t *const *sqlc_functab_find(sqlc_ctx_t *c, const char *name, size_t nargs,
                                           size_t *n);
/* Catalog functions (format_type, pg_get_*, has_*_privilege ...) over the served catalog
 * (sqlc_funccat.c): appends up to max signatures to out, returns how many. */
size_t sqlc_functab_catalog_find(sqlc_ctx_t *c, const char *name, size_t nargs,
                                 const sqlc_sig_t **out, size_t max);
bool sqlc_functab_is_agg(sqlc_ctx_t *c, const char *name);
/* The second part of the function table (sqlc_functab_more.c), variadic signatures included
 * when nargs reaches theirs: appends up to max signatures to out, returns how many. */
size_t sqlc_functab_more_find(const char *name, size_t nargs, const sqlc_sig_t **out, size_t max);
bool sqlc_functab_more_is_agg(const char *name);
/* An emitter's result: sql of type t, flags merged from args, constant unless s is an
 * aggregate, window or volatile function (sqlc_functab_more.c). */
bool sqlc_emit_done(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n, char *sql,
                    proxy_pgtype_ref_t t, sqlc_val_t *out);
/* The text of a constant text argument ('...' literal once coerced), or NULL. */
const char *sqlc_const_text(sqlc_ctx_t *c, const sqlc_val_t *v);
/* sqlc_fn_lookup.c: enum_first/enum_last, enum_range, to_reg*, to_regproc. */
bool sqlc_e_enum_end(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                     sqlc_val_t *out);
bool sqlc_e_enum_range(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                       sqlc_val_t *out);
bool sqlc_e_to_reg(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n, sqlc_val_t *out);
bool sqlc_e_to_regproc(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                       sqlc_val_t *out);
/* text || anynonarray and the reverse: the other operand cast to text, as textanycat does. */
/* array_remove, array_replace, array_position(s): elements found by their type's equality. */
bool sqlc_e_array_find(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                       sqlc_val_t *out);
bool sqlc_textanycat(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                     sqlc_val_t *out);
/* 0A000 "jsonpath is not supported on the mirror" (functions and the @? @@ operators). */
bool sqlc_refuse_jsonpath(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                          sqlc_val_t *out);
/* " OVER (...)" of a window call (sqlc_window.c). */
bool sqlc_over_clause(sqlc_ctx_t *c, const PgQuery__WindowDef *w, am_buf_t *b);
/* 42883 "function f(types) does not exist" (42725 when ambiguous), PostgreSQL's HINT; 0A000
 * for PostgreSQL's bit-string functions, which the mirror does not compute. */
bool sqlc_no_function(sqlc_ctx_t *c, const char *name, const sqlc_val_t *args, size_t n,
                      bool ambiguous);
/* Functions answered from the session (version(), now(), current_setting() ...). */
bool sqlc_funcsys_emit(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                       sqlc_val_t *out);
/* Resolves name among the functions and writes the call on compiled args. */
bool sqlc_call(sqlc_ctx_t *c, const char *name, sqlc_val_t *args, size_t n, unsigned want,
               const sqlc_sig_t **sig_out, sqlc_val_t *out);
/* percentile_cont/disc, mode, rank ... WITHIN GROUP (ORDER BY ...) (sqlc_ordset.c); the call's
 * FILTER in c->mods. */
bool sqlc_within_group(sqlc_ctx_t *c, const PgQuery__FuncCall *f, const char *name,
                       sqlc_val_t *args, size_t n, sqlc_val_t *out);
/* The kind to_json(b) and json_build_* give a value of this type ("number", "string",
 * "array:date" ..., pgfn_json.h); NULL + 0A000 for a type without a JSON form here. */
const char *sqlc_json_kind(sqlc_ctx_t *c, const sqlc_val_t *v);
/* The value's text as the am_json functions read it: its output, dates in DateStyle ISO. */
char *sqlc_json_text(sqlc_ctx_t *c, const sqlc_val_t *v);
/* A named window of this level (WINDOW w AS ...); NULL if none. */
const PgQuery__WindowDef *sqlc_window_find(sqlc_ctx_t *c, const char *name);
/* ORDER BY items as DuckDB text, with PostgreSQL's NULLS defaults (NULLs sort as largest). */
bool sqlc_sort_list(sqlc_ctx_t *c, PgQuery__Node **items, size_t n, bool outputs, am_buf_t *b);
/* Every entry of the three tables (tests check that each template's functions exist). */
const sqlc_sig_t *sqlc_optab_all(size_t *n);
const sqlc_sig_t *sqlc_functab_all(size_t *n);
const sqlc_sig_t *sqlc_funccat_all(size_t *n);
const sqlc_sig_t *sqlc_functab_more_all(size_t *n);
/* Types DuckDB orders exactly as PostgreSQL (0A000 otherwise, naming the type). */
bool sqlc_orderable(sqlc_ctx_t *c, proxy_pgtype_ref_t t, bool numv);
/* The source database's collation sorts as DuckDB does (C, POSIX, C.UTF-8). */
bool sqlc_default_collation_is_c(sqlc_ctx_t *c);
/* The source database's locale is C.UTF-8: case folds as Unicode's simple mappings. */
bool sqlc_ctype_unicode(sqlc_ctx_t *c);

/* ---- sqlc_util.c ---------------------------------------------------------------------------- */

char *sqlc_printf(sqlc_ctx_t *c, const char *fmt, ...) AM_PRINTF(2, 3);
char *sqlc_strdup(sqlc_ctx_t *c, const char *s);
/* A DuckDB identifier quoted (for aliases we make, always safe). */
char *sqlc_ident(sqlc_ctx_t *c, const char *name);
/* A DuckDB string literal for s (quotes doubled; DuckDB has no backslash escapes in '...'). */
char *sqlc_literal(sqlc_ctx_t *c, const char *s);
char *sqlc_alias(sqlc_ctx_t *c, char kind); /* "r12", "q13", "o14" */
/* now() of the statement's transaction as a DuckDB TIMESTAMPTZ literal. */
const char *sqlc_now_literal(sqlc_ctx_t *c);
/* The resolved search path as a DuckDB VARCHAR[] literal. */
const char *sqlc_path_list(sqlc_ctx_t *c);
/* Fails with sqlstate and the formatted message; returns false. */
bool sqlc_fail(sqlc_ctx_t *c, const char *sqlstate, const char *fmt, ...) AM_PRINTF(3, 4);
/* False, with PostgreSQL's 54001 "stack depth limit exceeded", once the thread's stack runs
 * low: every recursion over the client's tree (expressions, queries, FROM items) asks first. */
bool sqlc_stack_ok(sqlc_ctx_t *c);
/* The string of a String node (NULL otherwise). */
const char *sqlc_str(const sqlc_node_t *n);
const char *sqlc_type_name(sqlc_ctx_t *c,
                           proxy_pgtype_ref_t t); /* format_type-like, for messages */
/* "integer", "text"... as PostgreSQL names a type in "operator does not exist: ..." */
sqlc_val_t sqlc_val_of(char *sql, proxy_pgtype_ref_t t);
proxy_pgtype_ref_t sqlc_type(uint32_t oid);
bool sqlc_type_eq(proxy_pgtype_ref_t a, proxy_pgtype_ref_t b);
char *sqlc_duck_type(sqlc_ctx_t *c, proxy_pgtype_ref_t t);

/* ---- sqlc_types.c: type categories, implicit casts, common types --------------------------- */

char sqlc_category(sqlc_ctx_t *c, uint32_t oid);
bool sqlc_preferred(sqlc_ctx_t *c, uint32_t oid);
/* Whether PostgreSQL casts from -> to implicitly (pg_cast castcontext 'i', or binary). */
bool sqlc_implicit(sqlc_ctx_t *c, uint32_t from, uint32_t to);
/* Whether v goes to an integer by an assignment cast (untyped, or a number: PostgreSQL's
 * casts of the numeric category), as LIMIT, OFFSET and array subscripts take theirs. */
bool sqlc_assigns_to_int(sqlc_ctx_t *c, const sqlc_val_t *v);
/* select_common_type for UNION/CASE/COALESCE/ARRAY/VALUES; false + 42804 when none. */
/* The same test without an error: can polymorphic arguments be unified? */
bool sqlc_common_type_exists(sqlc_ctx_t *c, const sqlc_val_t *vals, size_t n);
bool sqlc_common_type(sqlc_ctx_t *c, sqlc_val_t *vals, size_t n, const char *context,
                      proxy_pgtype_ref_t *out);
/* CASE's: vals are its ELSE result (an untyped NULL when it has none) then its THEN results,
 * the order in which PostgreSQL picks the type (so THEN varchar ELSE text is text). */
bool sqlc_case_type(sqlc_ctx_t *c, const sqlc_val_t *vals, size_t n, bool has_else,
                    proxy_pgtype_ref_t *out);
bool sqlc_is_string(sqlc_ctx_t *c, uint32_t oid); /* text, varchar, bpchar, name, char */
bool sqlc_is_array(sqlc_ctx_t *c, uint32_t oid);
/* bit or bit varying (held as their text of '0' and '1'). */
static inline bool sqlc_is_bits(uint32_t oid)
{
    return oid == PG_OID_BIT || oid == PG_OID_VARBIT;
}

/* ---- sqlc_literal.c: typed literals read at compile time ------------------------------- */

bool sqlc_lit_int(sqlc_ctx_t *c, const char *text, uint32_t oid, sqlc_val_t *out);
bool sqlc_lit_bool(sqlc_ctx_t *c, const char *text, sqlc_val_t *out);
bool sqlc_lit_uuid(sqlc_ctx_t *c, const char *text, sqlc_val_t *out);
bool sqlc_lit_bytea(sqlc_ctx_t *c, const char *text, sqlc_val_t *out);
bool sqlc_lit_float(sqlc_ctx_t *c, const char *text, uint32_t oid, sqlc_val_t *out);
/* 'name'::regclass and friends: resolved in the served catalog now, as PostgreSQL does. */
bool sqlc_lit_reg(sqlc_ctx_t *c, const char *text, uint32_t oid, sqlc_val_t *out);
bool sqlc_lit_regtype(sqlc_ctx_t *c, const char *text, sqlc_val_t *out);

/* ---- sqlc_cast.c: coercions ---------------------------------------------------------------- */

typedef enum sqlc_ccontext {
    SQLC_IMPLICIT = 0,
    SQLC_ASSIGNMENT,
    SQLC_EXPLICIT,
} sqlc_ccontext_t;

/* Rewrites v to type t (literal input, a cast expression, or nothing); false + err. */
bool sqlc_coerce(sqlc_ctx_t *c, sqlc_val_t *v, proxy_pgtype_ref_t t, sqlc_ccontext_t how);
/* Whether a value of type t read from storage or a catalog is numeric text (VARCHAR), or for an
 * array, whether its elements are. */
bool sqlc_numv_type(sqlc_ctx_t *c, proxy_pgtype_ref_t t);
/* Resolves an untyped literal or NULL to text (the select list's rule since PostgreSQL 10). */
bool sqlc_resolve_unknown(sqlc_ctx_t *c, sqlc_val_t *v);
/* The TypeName of a cast or declaration -> type; false (42704) if PostgreSQL lacks it. */
bool sqlc_typename(sqlc_ctx_t *c, const PgQuery__TypeName *tn, proxy_pgtype_ref_t *out);
/* DuckDB text expression producing PostgreSQL's text output of v (for ::text, ||, format). */
char *sqlc_to_text(sqlc_ctx_t *c, const sqlc_val_t *v);
/* Parameter $number (bound as PostgreSQL text) read by type t's input function; NULL + err
 * when the mirror has none. */
char *sqlc_param_input(sqlc_ctx_t *c, int number, proxy_pgtype_ref_t t, bool *numv);
/* What DuckDB must compare for PostgreSQL's order of x (type t): x itself or a sort key. */
const char *sqlc_key_expr(sqlc_ctx_t *c, const char *x, proxy_pgtype_ref_t t, bool numv);
/* The key an array element x of type et is found by (PostgreSQL's equality of its type):
 * numeric, text or DECIMAL, by its sort key; others by sqlc_key_expr; x itself when DuckDB's
 * equality is PostgreSQL's. */
const char *sqlc_elem_key(sqlc_ctx_t *c, const char *x, proxy_pgtype_ref_t et);
/* sqlc_eqkey.c: what DuckDB must compare for PostgreSQL's equality of v (grouping, DISTINCT,
 * set operations): *key NULL when v itself; false (42883) for json, which has none. */
bool sqlc_eq_key(sqlc_ctx_t *c, const sqlc_val_t *v, const char **key);
/* A numeric value as numeric text (the numv representation), keeping its scale. */
char *sqlc_num_text(sqlc_ctx_t *c, const sqlc_val_t *v);
/* After coercing values to their common type t: an unconstrained numeric makes them all
 * numeric text, so that each keeps its own scale as in PostgreSQL. */
void sqlc_numeric_unify(sqlc_ctx_t *c, sqlc_val_t *vals, size_t n, proxy_pgtype_ref_t t);
/* An array's elements as their output texts (a VARCHAR[]): template placeholder %E<n>. */
char *sqlc_elem_texts(sqlc_ctx_t *c, const sqlc_val_t *v);

/* ---- sqlc_expr.c, sqlc_oper.c, sqlc_func.c: expressions ------------------------------------- */

bool sqlc_expr(sqlc_ctx_t *c, const sqlc_node_t *n, sqlc_val_t *out);
/* The node kinds sqlc_expr does not dispatch itself (sqlc_expr2.c). */
bool sqlc_expr_more(sqlc_ctx_t *c, const sqlc_node_t *n, sqlc_val_t *out);
/* Ands flags of b into a (constness) and ors the rest (aggregates, set-returning calls). */
void sqlc_merge_flags(sqlc_val_t *a, const sqlc_val_t *b);
/* Compiles a sub-SELECT one query level down; one output column unless multi. */
bool sqlc_subquery(sqlc_ctx_t *c, const sqlc_node_t *n, char **sql, sqlc_target_t **targets,
                   size_t *n_targets);
/* An expression that must be boolean (WHERE, HAVING, ON, CASE WHEN): 42804 otherwise. */
bool sqlc_bool_expr(sqlc_ctx_t *c, const sqlc_node_t *n, const char *clause, sqlc_val_t *out);
bool sqlc_a_expr(sqlc_ctx_t *c, const PgQuery__AExpr *e, sqlc_val_t *out);
/* A binary or unary operator by name on typed operands (a may be NULL for prefix operators). */
bool sqlc_operator(sqlc_ctx_t *c, const char *op, sqlc_val_t *a, sqlc_val_t *b, sqlc_val_t *out);
/* Same, also giving the operands as coerced to the chosen operator (coerced[0..1]). */
bool sqlc_operator2(sqlc_ctx_t *c, const char *op, sqlc_val_t *a, sqlc_val_t *b, sqlc_val_t *out,
                    sqlc_val_t *coerced);
bool sqlc_func_call(sqlc_ctx_t *c, const PgQuery__FuncCall *f, sqlc_val_t *out);
bool sqlc_column_ref(sqlc_ctx_t *c, const PgQuery__ColumnRef *cr, sqlc_val_t *out);

/* ---- sqlc_select.c, sqlc_from.c: queries ----------------------------------------------------- */

/* A complete query level (WITH, set operations, VALUES, ORDER BY, LIMIT) -> DuckDB SQL whose
 * output columns are named o<n>; targets get the PostgreSQL names and types. */
bool sqlc_query(sqlc_ctx_t *c, const PgQuery__SelectStmt *s, char **sql, sqlc_target_t **targets,
                size_t *n_targets);
/* A plain SELECT (FROM ... LIMIT) of the current level. */
bool sqlc_plain(sqlc_ctx_t *c, const PgQuery__SelectStmt *s, am_buf_t *out, sqlc_target_t **targets,
                size_t *n_targets);
bool sqlc_order_limit(sqlc_ctx_t *c, const PgQuery__SelectStmt *s, am_buf_t *b, bool shell);
sqlc_scope_t *sqlc_scope_push(sqlc_ctx_t *c);
void sqlc_scope_pop(sqlc_ctx_t *c);
bool sqlc_cte_body(sqlc_ctx_t *c, bool recursive, sqlc_cte_t *q,
                   const PgQuery__CommonTableExpr *cte, char **sql, sqlc_target_t **t, size_t *n);
void sqlc_cte_set_cols(sqlc_ctx_t *c, sqlc_cte_t *q, const sqlc_target_t *t, size_t n,
                       const PgQuery__CommonTableExpr *cte);
/* One FROM item (adds its entries to the current level) and its DuckDB text to out. */
bool sqlc_from_item(sqlc_ctx_t *c, const sqlc_node_t *n, am_buf_t *out, sqlc_rte_t **item);

/* A set-returning function call as a LIST expression and the columns of its elements. */
typedef struct sqlc_srf {
    const char *name; /* the function's name (a FROM item's default alias) */
    char *list_sql;   /* DuckDB LIST expression */
    sqlc_col_t *cols; /* sql in terms of am_x, the unnested element */
    size_t n_cols;
    bool scalar; /* one column that is the element itself */
    /* an integer generate_series with constant bounds: DuckDB's table function streams it
     * (a LIST would hold every value); NULL otherwise */
    const char *series_args; /* "start, stop, step" */
    const char *series_start, *series_step;
} sqlc_srf_t;
bool sqlc_srf_call(sqlc_ctx_t *c, const PgQuery__FuncCall *f, sqlc_srf_t *out);
/* Records (sqlc_record.c): ROW(...), t as a whole row, (rec).field, _pg_expandarray. */
bool sqlc_row_expr(sqlc_ctx_t *c, const PgQuery__RowExpr *e, sqlc_val_t *out);
bool sqlc_whole_row(sqlc_ctx_t *c, const sqlc_rte_t *r, sqlc_val_t *out);
bool sqlc_field_select(sqlc_ctx_t *c, sqlc_val_t *base, const char *field);
bool sqlc_expandarray(sqlc_ctx_t *c, sqlc_val_t *arr, sqlc_val_t *out);
/* Privileges (sqlc_acl.c): 42501/0A000 for a mirrored relation the role may not read; the
 * filter that hides unreadable relations from a catalog relation ("" when none). */
bool sqlc_acl_check(sqlc_ctx_t *c, const proxy_pgrel_t *rel);
const char *sqlc_acl_filter(sqlc_ctx_t *c, const proxy_pgrel_t *catalog_rel);
bool sqlc_acl_hidden(sqlc_ctx_t *c, uint32_t relid);
/* A pg_catalog view whose rows are the mirror's own (pg_settings, pg_stat_*_tables): its
 * FROM text "(...) AS alias"; false when rel is not one of them. */
bool sqlc_served_view(sqlc_ctx_t *c, const proxy_pgrel_t *rel, const char *alias, am_buf_t *out);
/* FROM rel (a mirrored parent of inheritance children) without ONLY: its FROM text
 * "(... UNION ALL ...) AS alias", columns c<attnum> of rel's and am_tableoid (sqlc_inherit.c). */
bool sqlc_inheritance_union(sqlc_ctx_t *c, const proxy_pgrel_t *rel, const char *alias,
                            am_buf_t *out);
/* The range table entry named [nsp.]rel visible here (innermost level first); NULL if none. */
sqlc_rte_t *sqlc_rte_find(sqlc_ctx_t *c, const char *nsp, const char *rel, bool *ambiguous);
/* Finds a CTE by name in this and outer levels. */
sqlc_cte_t *sqlc_cte_find(sqlc_ctx_t *c, const char *name);

#endif /* AM_PROXY_SQLC_INTERNAL_H */
