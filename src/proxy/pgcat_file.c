/*
 * proxy/pgcat_file.c: the catalog document (docs/pgface.md section 3) -> the relations it
 * holds, copied into the model's arena. The file comes from the warehouse, which may be
 * damaged: every member is checked (types, ranges, row widths, duplicate names) and anything
 * wrong fails with XX001 naming what and where. Never interprets the rows (pgcat.c does).
 *   {"format":1,"lsn":"0/16B3748","server_version_num":150018,"database":"shop",
 *    "relations":[{"schema":"pg_catalog","name":"pg_class",
 *                  "columns":[{"name":"oid","type_oid":26,"typmod":-1},...],
 *                  "rows":[["16384","orders",...],...]}, ...]}
 */
#include "proxy/pgcat_internal.h"

#include <jansson.h>
#include <string.h>

#define PGCAT_FORMAT 1
#define PGCAT_MAX_COLUMNS 1600

static bool bad(am_err_t *err, const proxy_pgcat_frel_t *r, const char *what)
{
    if (r && r->schema)
        return am_err_set(err, PROXY_PGCAT_SQLSTATE, "catalog file: relation %s.%s: %s", r->schema,
                          r->name ? r->name : "?", what);
    return am_err_set(err, PROXY_PGCAT_SQLSTATE, "catalog file: %s", what);
}

/* A JSON string without NUL bytes, copied into the arena; NULL otherwise. */
static const char *str_dup(am_arena_t *a, const json_t *j)
{
    const char *s = json_string_value(j);
    if (!s || strlen(s) != json_string_length(j))
        return NULL;
    return am_arena_strndup(a, s, json_string_length(j));
}

static bool int_in(const json_t *j, json_int_t lo, json_int_t hi, json_int_t *out)
{
    if (!json_is_integer(j))
        return false;
    *out = json_integer_value(j);
    return *out >= lo && *out <= hi;
}

static bool parse_column(proxy_pgcat_t *cat, proxy_pgcat_frel_t *r, size_t i, const json_t *c,
                         am_err_t *err)
{
    json_int_t oid = 0, typmod = 0;
    r->col_names[i] = str_dup(cat->arena, json_object_get(c, "name"));
    if (!r->col_names[i] || !r->col_names[i][0])
        return bad(err, r, "a column has no name");
    if (!int_in(json_object_get(c, "type_oid"), 0, UINT32_MAX, &oid) ||
        !int_in(json_object_get(c, "typmod"), INT32_MIN, INT32_MAX, &typmod)) {
        am_err_set(err, PROXY_PGCAT_SQLSTATE,
                   "catalog file: relation %s.%s: column %s: bad type_oid or typmod", r->schema,
                   r->name, r->col_names[i]);
        return false;
    }
    r->col_types[i] = (uint32_t)oid;
    r->col_typmods[i] = (int32_t)typmod;
    for (size_t k = 0; k < i; k++)
        if (strcmp(r->col_names[k], r->col_names[i]) == 0)
            return am_err_set(err, PROXY_PGCAT_SQLSTATE,
                              "catalog file: relation %s.%s: column %s appears twice", r->schema,
                              r->name, r->col_names[i]);
    return true;
}

static bool parse_columns(proxy_pgcat_t *cat, proxy_pgcat_frel_t *r, const json_t *cols,
                          am_err_t *err)
{
    size_t n = json_array_size(cols);
    if (!json_is_array(cols) || n == 0 || n > PGCAT_MAX_COLUMNS)
        return bad(err, r, "\"columns\" is not an array of 1 to 1600 columns");
    r->n_cols = n;
    r->col_names = am_arena_alloc(cat->arena, n * sizeof *r->col_names);
    r->col_types = am_arena_alloc(cat->arena, n * sizeof *r->col_types);
    r->col_typmods = am_arena_alloc(cat->arena, n * sizeof *r->col_typmods);
    for (size_t i = 0; i < n; i++) {
        const json_t *c = json_array_get(cols, i);
        if (!json_is_object(c))
            return bad(err, r, "a column is not an object");
        if (!parse_column(cat, r, i, c, err))
            return false;
    }
    return true;
}

static bool parse_rows(proxy_pgcat_t *cat, proxy_pgcat_frel_t *r, const json_t *rows, am_err_t *err)
{
    if (!json_is_array(rows))
        return bad(err, r, "\"rows\" is not an array");
    size_t n = json_array_size(rows);
    r->n_rows = n;
    r->cells = am_arena_alloc(cat->arena, (n ? n : 1) * r->n_cols * sizeof *r->cells);
    for (size_t i = 0; i < n; i++) {
        const json_t *row = json_array_get(rows, i);
        if (!json_is_array(row) || json_array_size(row) != r->n_cols) {
            am_err_set(err, PROXY_PGCAT_SQLSTATE,
                       "catalog file: relation %s.%s: row %zu does not have %zu values", r->schema,
                       r->name, i + 1, r->n_cols);
            return false;
        }
        for (size_t c = 0; c < r->n_cols; c++) {
            const json_t *v = json_array_get(row, c);
            const char **cell = &r->cells[i * r->n_cols + c];
            *cell = json_is_null(v) ? NULL : str_dup(cat->arena, v);
            if (!*cell && !json_is_null(v)) {
                am_err_set(err, PROXY_PGCAT_SQLSTATE,
                           "catalog file: relation %s.%s: row %zu column %s: not a string or "
                           "null",
                           r->schema, r->name, i + 1, r->col_names[c]);
                return false;
            }
        }
    }
    return true;
}

static void frel_key(am_buf_t *k, const char *schema, const char *name)
{
    am_buf_reset(k);
    am_buf_append(k, schema, strlen(schema) + 1);
    am_buf_puts(k, name);
}

static bool schema_known(const char *schema)
{
    return strcmp(schema, "pg_catalog") == 0 || strcmp(schema, "information_schema") == 0 ||
           strcmp(schema, "am") == 0;
}

static bool parse_relation(proxy_pgcat_t *cat, proxy_pgcat_frel_t *r, const json_t *j,
                           am_err_t *err)
{
    if (!json_is_object(j))
        return bad(err, NULL, "a relation is not an object");
    r->schema = str_dup(cat->arena, json_object_get(j, "schema"));
    r->name = str_dup(cat->arena, json_object_get(j, "name"));
    if (!r->schema || !r->name || !r->name[0])
        return bad(err, NULL, "a relation has no schema or name");
    if (!schema_known(r->schema))
        return bad(err, r, "schema is not pg_catalog, information_schema or am");
    am_buf_t key;
    am_buf_init(&key);
    frel_key(&key, r->schema, r->name);
    bool fresh = am_map_put(cat->frel_by_name, key.data, key.len, cat->n_frels);
    am_buf_destroy(&key);
    if (!fresh)
        return bad(err, r, "appears twice");
    return parse_columns(cat, r, json_object_get(j, "columns"), err) &&
           parse_rows(cat, r, json_object_get(j, "rows"), err);
}

static bool parse_root(proxy_pgcat_t *cat, const json_t *root, am_err_t *err)
{
    json_int_t format = 0;
    if (!json_is_object(root))
        return bad(err, NULL, "not a JSON object");
    if (!int_in(json_object_get(root, "format"), PGCAT_FORMAT, PGCAT_FORMAT, &format))
        return bad(err, NULL, "\"format\" is not 1");
    cat->database = str_dup(cat->arena, json_object_get(root, "database"));
    if (!cat->database)
        return bad(err, NULL, "\"database\" is not a string");
    const json_t *rels = json_object_get(root, "relations");
    if (!json_is_array(rels))
        return bad(err, NULL, "\"relations\" is not an array");
    size_t n = json_array_size(rels);
    cat->frels = am_arena_alloc(cat->arena, (n ? n : 1) * sizeof *cat->frels);
    for (size_t i = 0; i < n; i++) {
        proxy_pgcat_frel_t *r = &cat->frels[i];
        memset(r, 0, sizeof *r);
        if (!parse_relation(cat, r, json_array_get(rels, i), err))
            return false;
        cat->n_frels++;
    }
    return true;
}

bool proxy__pgcat_file_parse(proxy_pgcat_t *cat, const char *json, size_t len, am_err_t *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return am_err_set(err, PROXY_PGCAT_SQLSTATE, "catalog file: invalid JSON at line %d: %s",
                          jerr.line, jerr.text);
    bool ok = parse_root(cat, root, err);
    json_decref(root);
    return ok;
}

const proxy_pgcat_frel_t *proxy__pgcat_frel_find(const proxy_pgcat_t *cat, const char *schema,
                                                 const char *name)
{
    am_buf_t key;
    am_buf_init(&key);
    frel_key(&key, schema, name);
    uint64_t i = 0;
    bool found = am_map_get(cat->frel_by_name, key.data, key.len, &i);
    am_buf_destroy(&key);
    return found ? &cat->frels[i] : NULL;
}

int proxy__pgcat_frel_col(const proxy_pgcat_frel_t *r, const char *name)
{
    for (size_t i = 0; i < r->n_cols; i++)
        if (strcmp(r->col_names[i], name) == 0)
            return (int)i;
    return -1;
}
