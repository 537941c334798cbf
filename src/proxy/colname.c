/*
 * proxy/colname.c: result column names as PostgreSQL gives them. DuckDB names an unaliased
 * expression by its text ("count_star()", "CAST(qty AS VARCHAR)", "(a + b)"); PostgreSQL by
 * a rule (FigureColname in parse_target.c): a column keeps its name, a function call is named
 * after the function, a cast after its argument or else its type, CASE after its ELSE or
 * "case", and anything else is "?column?". Clients show these names and key rows by them
 * (psycopg2's DictCursor, pandas, JDBC's getColumnLabel).
 * The expressions come from DuckDB's own parse tree (json_serialize_sql, built-in json), so no
 * SQL is parsed here. Only statements whose DuckDB names are not all plain identifiers pay
 * for the extra parse. Must not: change what runs, only what the columns are called.
 */
#include "proxy/proxy_internal.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define UNNAMED "?column?"

/* A name DuckDB would give a column, alias or table column, and PostgreSQL too. */
static bool plain_name(const char *name)
{
    if (!name || !name[0] || isdigit((unsigned char)name[0]))
        return false;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && (unsigned char)*p < 0x80)
            return false;
    return strcasecmp(name, "true") != 0 && strcasecmp(name, "false") != 0 &&
           strcasecmp(name, "null") != 0;
}

static const char *str_of(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static bool is(const json_t *o, const char *key, const char *value)
{
    const char *v = str_of(o, key);
    return v && strcmp(v, value) == 0;
}

/* PostgreSQL's own name (pg_type.typname) for the type a cast names. */
static const char *cast_type_name(const json_t *cast_type)
{
    static const char *const map[][2] = {
        {"BOOLEAN", "bool"},      {"TINYINT", "int2"},
        {"SMALLINT", "int2"},     {"INTEGER", "int4"},
        {"BIGINT", "int8"},       {"HUGEINT", "numeric"},
        {"FLOAT", "float4"},      {"DOUBLE", "float8"},
        {"DECIMAL", "numeric"},   {"VARCHAR", "text"},
        {"BLOB", "bytea"},        {"DATE", "date"},
        {"TIME", "time"},         {"TIMESTAMP", "timestamp"},
        {"INTERVAL", "interval"}, {"TIMESTAMP WITH TIME ZONE", "timestamptz"},
        {"UUID", "uuid"},         {"TIME WITH TIME ZONE", "timetz"},
    };
    const char *id = str_of(cast_type, "id");
    for (size_t i = 0; id && i < AM_ARRAY_LEN(map); i++)
        if (strcmp(id, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

static const char *function_name(const json_t *e)
{
    const char *f = str_of(e, "function_name");
    if (!f)
        return NULL;
    if (strcmp(f, "count_star") == 0)
        return "count";
    /* compatibility macros (proxy/catalog.c) stand in for version(), current_schema() ... */
    return strncmp(f, "am_", 3) == 0 && f[3] ? f + 3 : f;
}

static int figure(const json_t *e, const char **name);

/* Strength as PostgreSQL ranks it: 2 a real name, 1 a fallback (type name, "case"), 0 none. */
static int figure_operator(const json_t *e, const char **name)
{
    const json_t *kids = json_object_get(e, "children");
    static const char *const keyword[][2] = {{"OPERATOR_COALESCE", "coalesce"},
                                             {"ARRAY_CONSTRUCTOR", "array"},
                                             {"GROUPING_FUNCTION", "grouping"}};
    for (size_t i = 0; i < AM_ARRAY_LEN(keyword); i++)
        if (is(e, "type", keyword[i][0])) {
            *name = keyword[i][1];
            return 2;
        }
    if (is(e, "type", "ARRAY_EXTRACT")) /* a[1] is named after a */
        return figure(json_array_get(kids, 0), name);
    if (is(e, "type", "STRUCT_EXTRACT")) { /* (r).f is named f */
        const json_t *field = json_array_get(kids, 1);
        const char *f =
            json_string_value(json_object_get(json_object_get(field, "value"), "value"));
        if (f) {
            *name = f;
            return 2;
        }
    }
    return 0;
}

static const json_t *first_select_list(const json_t *node);

static int figure_subquery(const json_t *e, const char **name)
{
    if (is(e, "subquery_type", "EXISTS")) {
        *name = "exists";
        return 2;
    }
    if (!is(e, "subquery_type", "SCALAR"))
        return 0;
    const json_t *list = first_select_list(json_object_get(json_object_get(e, "subquery"), "node"));
    const json_t *first = json_array_get(list, 0);
    const char *alias = str_of(first, "alias");
    if (alias && alias[0]) {
        *name = alias;
        return 2;
    }
    return first ? figure(first, name) : 0;
}

static int figure_cast(const json_t *e, const char **name)
{
    int strength = figure(json_object_get(e, "child"), name);
    if (strength > 1)
        return strength;
    const char *t = cast_type_name(json_object_get(e, "cast_type"));
    if (!t)
        return strength;
    /* DuckDB parses TRUE and FALSE as 't'::BOOLEAN at no position (UINT64_MAX); PostgreSQL
     * has them as constants, which have no name */
    if (strcmp(t, "bool") == 0 && json_number_value(json_object_get(e, "query_location")) > 9e18)
        return 0;
    *name = t;
    return 1;
}

static int figure_case(const json_t *e, const char **name)
{
    int strength = figure(json_object_get(e, "else_expr"), name);
    if (strength > 1)
        return strength;
    *name = "case";
    return 1;
}

static int figure(const json_t *e, const char **name)
{
    const char *cls = str_of(e, "class");
    if (!cls)
        return 0;
    if (strcmp(cls, "COLUMN_REF") == 0) {
        const json_t *parts = json_object_get(e, "column_names");
        size_t n = json_array_size(parts);
        *name = n ? json_string_value(json_array_get(parts, n - 1)) : NULL;
        return *name ? 2 : 0;
    }
    if (strcmp(cls, "FUNCTION") == 0 || strcmp(cls, "WINDOW") == 0) {
        if (json_is_true(json_object_get(e, "is_operator")))
            return 0;
        *name = function_name(e);
        return *name ? 2 : 0;
    }
    if (strcmp(cls, "CAST") == 0)
        return figure_cast(e, name);
    if (strcmp(cls, "CASE") == 0)
        return figure_case(e, name);
    if (strcmp(cls, "COLLATE") == 0)
        return figure(json_object_get(e, "child"), name);
    if (strcmp(cls, "SUBQUERY") == 0)
        return figure_subquery(e, name);
    if (strcmp(cls, "OPERATOR") == 0)
        return figure_operator(e, name);
    return 0;
}

/* A UNION takes its names from its leftmost SELECT, as in PostgreSQL. */
static const json_t *first_select_list(const json_t *node)
{
    for (int depth = 0; node && depth < 64; depth++) {
        if (is(node, "type", "SELECT_NODE"))
            return json_object_get(node, "select_list");
        node = json_object_get(node, "left");
    }
    return NULL;
}

/* The name PostgreSQL gives item; NULL where DuckDB's already is that name (an alias). */
static char *item_name(const json_t *item)
{
    const char *alias = str_of(item, "alias");
    if (alias && alias[0])
        return NULL;
    const char *name = NULL;
    if (figure(item, &name) == 0 || !name)
        name = UNNAMED;
    return am_xstrdup(name);
}

/* Lines items up with the n result columns; one plain * may stand for any number of them. */
static char **names_for(const json_t *list, size_t n)
{
    size_t n_items = json_array_size(list), star = n_items;
    for (size_t i = 0; i < n_items; i++) {
        const json_t *it = json_array_get(list, i);
        if (!is(it, "class", "STAR"))
            continue;
        if (star != n_items || json_is_true(json_object_get(it, "columns")) ||
            !json_is_null(json_object_get(it, "expr")))
            return NULL; /* two stars, or COLUMNS(...): the columns cannot be matched */
        star = i;
    }
    if (n_items == 0 || (star == n_items ? n_items != n : n_items - 1 > n))
        return NULL;
    char **names = am_xcalloc(n + 1, sizeof *names);
    for (size_t i = 0; i < n_items; i++) {
        if (i == star)
            continue;
        size_t col = i < star ? i : n - (n_items - i);
        names[col] = item_name(json_array_get(list, i));
    }
    return names;
}

/* DuckDB's parse tree of sql as JSON text, or NULL. */
static char *parse_tree(duckdb_connection con, const char *sql)
{
    am_buf_t q;
    am_buf_init(&q);
    am_buf_puts(&q, "SELECT json_serialize_sql(");
    am_sql_literal(&q, sql);
    am_buf_puts(&q, ")");
    duckdb_result r;
    char *out = NULL;
    if (duckdb_query(con, q.data, &r) == DuckDBSuccess) {
        duckdb_data_chunk chunk = duckdb_fetch_chunk(r);
        if (chunk && duckdb_data_chunk_get_size(chunk) == 1) {
            duckdb_vector v = duckdb_data_chunk_get_vector(chunk, 0);
            duckdb_string_t *st = (duckdb_string_t *)duckdb_vector_get_data(v);
            if (proxy__value_is_valid(v, 0))
                out = am_xstrndup(duckdb_string_t_data(st), duckdb_string_t_length(*st));
        }
        if (chunk)
            duckdb_destroy_data_chunk(&chunk);
    }
    duckdb_destroy_result(&r);
    am_buf_destroy(&q);
    return out;
}

char **proxy__colnames(duckdb_connection con, const char *sql, duckdb_prepared_statement ps)
{
    if (duckdb_prepared_statement_type(ps) != DUCKDB_STATEMENT_TYPE_SELECT)
        return NULL;
    size_t n = duckdb_prepared_statement_column_count(ps);
    bool all_plain = true;
    for (size_t i = 0; all_plain && i < n; i++) {
        const char *name = duckdb_prepared_statement_column_name(ps, i);
        all_plain = plain_name(name);
        duckdb_free((void *)name);
    }
    char *text = all_plain ? NULL : parse_tree(con, sql);
    if (!text)
        return NULL;
    /* query_location is a u64 (UINT64_MAX when unknown): too big for jansson's integers */
    json_t *doc = json_loads(text, JSON_DECODE_INT_AS_REAL, NULL);
    free(text);
    const json_t *stmts = json_object_get(doc, "statements");
    char **names = NULL;
    if (!json_is_true(json_object_get(doc, "error")) && json_array_size(stmts) == 1)
        names = names_for(first_select_list(json_object_get(json_array_get(stmts, 0), "node")), n);
    json_decref(doc);
    return names;
}

void proxy__colnames_free(char **names, size_t n)
{
    if (!names)
        return;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

void proxy__cursor_rename(proxy_cursor_t *c, char *const *names)
{
    for (size_t i = 0; names && i < c->n_cols; i++) {
        if (!names[i])
            continue;
        free(c->cols[i].name);
        c->cols[i].name = am_xstrdup(names[i]);
    }
}
