/*
 * lake/schema.c: column types (am_coltype_t -> Iceberg type -> DuckDB cast type), the Iceberg
 * schema JSON (field ids, list element ids, each field's doc), and the table property that
 * remembers the neutral types Iceberg cannot tell apart (int16 and int32 are both "int").
 * Lists are Iceberg list types of one primitive element, never nested. Pure functions, no I/O.
 * Spec: Iceberg table spec "Schemas and Data Types"; reference/iceberg.md sections 1 and 2.
 */
#include "lake/lake_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct type_row {
    am_type_t type;
    const char *token;   /* neutral name in LAKE_PROP_COLUMN_TYPES */
    const char *iceberg; /* Iceberg primitive */
    const char *duckdb;  /* DuckDB type the Parquet column is written and read as */
} type_row_t;

/* Decimal is formatted with its precision and scale; the rest are fixed strings. */
static const type_row_t type_rows[] = {
    {AM_TYPE_BOOL, "bool", "boolean", "BOOLEAN"},
    {AM_TYPE_INT16, "int16", "int", "INTEGER"},
    {AM_TYPE_INT32, "int32", "int", "INTEGER"},
    {AM_TYPE_INT64, "int64", "long", "BIGINT"},
    {AM_TYPE_FLOAT32, "float32", "float", "FLOAT"},
    {AM_TYPE_FLOAT64, "float64", "double", "DOUBLE"},
    {AM_TYPE_DECIMAL, "decimal", "decimal", "DECIMAL"},
    {AM_TYPE_STRING, "string", "string", "VARCHAR"},
    {AM_TYPE_BINARY, "binary", "binary", "BLOB"},
    {AM_TYPE_DATE, "date", "date", "DATE"},
    {AM_TYPE_TIME, "time", "time", "TIME"},
    {AM_TYPE_TIMESTAMP, "timestamp", "timestamp", "TIMESTAMP"},
    {AM_TYPE_TIMESTAMPTZ, "timestamptz", "timestamptz", "TIMESTAMPTZ"},
    {AM_TYPE_UUID, "uuid", "uuid", "UUID"},
};

static const type_row_t *row_of(am_type_t t)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(type_rows); i++)
        if (type_rows[i].type == t)
            return &type_rows[i];
    AM_ASSERT(!"unknown am_type_t");
    return NULL;
}

static void put_type(am_coltype_t t, const char *base, char *out, size_t out_len)
{
    if (t.type == AM_TYPE_DECIMAL)
        (void)snprintf(out, out_len, "%s(%d,%d)", base, t.precision, t.scale);
    else
        (void)snprintf(out, out_len, "%s", base);
}

/* A list column's name in one of the three vocabularies: "list<int16>" or "INTEGER[]". */
static void put_list(am_coltype_t t, bool duckdb, size_t which, char *out, size_t out_len)
{
    am_coltype_t e = am_coltype_elem(t);
    const type_row_t *r = row_of(e.type);
    char elem[48];
    put_type(e, which == 0 ? r->token : which == 1 ? r->iceberg : r->duckdb, elem, sizeof elem);
    if (duckdb)
        (void)snprintf(out, out_len, "%s[]", elem);
    else
        (void)snprintf(out, out_len, "list<%s>", elem);
}

void lake__type_iceberg(am_coltype_t t, char *out, size_t out_len)
{
    if (t.type == AM_TYPE_LIST)
        put_list(t, false, 1, out, out_len);
    else
        put_type(t, row_of(t.type)->iceberg, out, out_len);
}

void lake__type_duckdb(am_coltype_t t, char *out, size_t out_len)
{
    if (t.type == AM_TYPE_LIST)
        put_list(t, true, 2, out, out_len);
    else
        put_type(t, row_of(t.type)->duckdb, out, out_len);
}

void lake_type_duckdb(am_coltype_t t, char *out, size_t out_len)
{
    lake__type_duckdb(t, out, out_len);
}

void lake__type_token(am_coltype_t t, char *out, size_t out_len)
{
    if (t.type == AM_TYPE_LIST)
        put_list(t, false, 0, out, out_len);
    else
        put_type(t, row_of(t.type)->token, out, out_len);
}

/* "(P,S)" after a decimal name, spaces allowed after the comma as Iceberg readers do. */
static bool parse_decimal_args(const char *s, size_t len, am_coltype_t *out)
{
    char buf[32];
    if (len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    int p = 0, sc = 0, used = 0;
    if (sscanf(buf, "(%d, %d)%n", &p, &sc, &used) != 2 || (size_t)used != len)
        return false;
    if (p < 1 || p > 38 || sc < 0 || sc > p)
        return false;
    out->type = AM_TYPE_DECIMAL;
    out->precision = (int16_t)p;
    out->scale = (int16_t)sc;
    return true;
}

static bool parse_with(const char *s, size_t len, bool iceberg, am_coltype_t *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < AM_ARRAY_LEN(type_rows); i++) {
        const char *name = iceberg ? type_rows[i].iceberg : type_rows[i].token;
        size_t n = strlen(name);
        if (len < n || memcmp(s, name, n) != 0)
            continue;
        if (type_rows[i].type == AM_TYPE_DECIMAL)
            return parse_decimal_args(s + n, len - n, out);
        if (len != n)
            continue;
        out->type = type_rows[i].type;
        return true;
    }
    return false;
}

bool lake__type_parse_iceberg(const char *s, am_coltype_t *out)
{
    return parse_with(s, strlen(s), true, out);
}

bool lake__type_parse_token(const char *s, size_t len, am_coltype_t *out)
{
    if (len < 6 || memcmp(s, "list<", 5) != 0 || s[len - 1] != '>')
        return parse_with(s, len, false, out);
    am_coltype_t e;
    if (!parse_with(s + 5, len - 6, false, &e))
        return false;
    *out = (am_coltype_t){
        .type = AM_TYPE_LIST, .precision = e.precision, .scale = e.scale, .elem = e.type};
    return true;
}

json_t *lake__type_json(am_coltype_t t, int32_t elem_id)
{
    char type[48];
    if (t.type != AM_TYPE_LIST) {
        lake__type_iceberg(t, type, sizeof type);
        return json_string(type);
    }
    lake__type_iceberg(am_coltype_elem(t), type, sizeof type);
    /* PostgreSQL arrays hold NULL elements whatever the column's constraints */
    return json_pack("{s:s, s:i, s:s, s:b}", "type", "list", "element-id", (json_int_t)elem_id,
                     "element", type, "element-required", false);
}

bool lake__type_parse_json(const json_t *type, am_coltype_t *out, int32_t *elem_id)
{
    *elem_id = 0;
    if (json_is_string(type))
        return lake__type_parse_iceberg(json_string_value(type), out);
    const char *kind = json_string_value(json_object_get(type, "type"));
    const char *elem = json_string_value(json_object_get(type, "element"));
    json_t *id = json_object_get(type, "element-id");
    am_coltype_t e;
    if (!kind || strcmp(kind, "list") != 0 || !elem || !json_is_integer(id) ||
        json_integer_value(id) <= 0 || json_integer_value(id) > INT32_MAX ||
        !lake__type_parse_iceberg(elem, &e))
        return false;
    *elem_id = (int32_t)json_integer_value(id);
    *out = (am_coltype_t){
        .type = AM_TYPE_LIST, .precision = e.precision, .scale = e.scale, .elem = e.type};
    return true;
}

/* int16 is stored as Iceberg int: the property, not the schema, tells them apart. */
static am_coltype_t iceberg_view(am_coltype_t t)
{
    if (t.type == AM_TYPE_INT16)
        t.type = AM_TYPE_INT32;
    if (t.elem == AM_TYPE_INT16)
        t.elem = AM_TYPE_INT32;
    return t;
}

bool lake__type_same_iceberg(am_coltype_t a, am_coltype_t b)
{
    return am_coltype_equal(iceberg_view(a), iceberg_view(b));
}

int32_t lake__ids_assign(const lake_column_t *cols, size_t n, int32_t *field_ids, int32_t *elem_ids)
{
    /* as Java's TypeUtil.assignFreshIds: the top-level fields first, then nested ids */
    int32_t next = 1;
    for (size_t i = 0; i < n; i++)
        field_ids[i] = next++;
    for (size_t i = 0; i < n; i++)
        elem_ids[i] = cols[i].type.type == AM_TYPE_LIST ? next++ : 0;
    return next - 1;
}

/* Iceberg identifier fields are primitive and not float/double; those stay keys for us only. */
static bool identifier_ok(const lake_column_t *c)
{
    am_type_t t = c->type.type;
    return c->is_key && t != AM_TYPE_FLOAT32 && t != AM_TYPE_FLOAT64 && t != AM_TYPE_LIST;
}

json_t *lake__schema_json(const lake_column_t *cols, const int32_t *field_ids,
                          const int32_t *elem_ids, size_t n, int32_t schema_id)
{
    json_t *fields = json_array();
    json_t *ids = json_array();
    for (size_t i = 0; i < n; i++) {
        /* identifier fields must be required; a primary key column is NOT NULL anyway */
        bool required = cols[i].required || identifier_ok(&cols[i]);
        json_t *f =
            json_pack("{s:i, s:s, s:b, s:o}", "id", (json_int_t)field_ids[i], "name", cols[i].name,
                      "required", required, "type", lake__type_json(cols[i].type, elem_ids[i]));
        AM_ASSERT(f != NULL);
        if (cols[i].doc)
            json_object_set_new(f, "doc", json_string(cols[i].doc));
        json_array_append_new(fields, f);
        if (identifier_ok(&cols[i]))
            json_array_append_new(ids, json_integer(field_ids[i]));
    }
    return json_pack("{s:s, s:i, s:o, s:o}", "type", "struct", "schema-id", (json_int_t)schema_id,
                     "identifier-field-ids", ids, "fields", fields);
}

char *lake__column_types_prop(const lake_column_t *cols, size_t n)
{
    am_buf_t b;
    am_buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        char tok[48];
        lake__type_token(cols[i].type, tok, sizeof tok);
        am_buf_printf(&b, "%s%s%s", i ? ";" : "", tok, cols[i].is_key ? ":key" : "");
    }
    am_buf_putc(&b, '\0');
    return am_buf_steal(&b, NULL);
}

bool lake__name_check(const char *what, const char *name, am_err_t *err)
{
    if (!name || !*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strchr(name, '/') ||
        strchr(name, '%'))
        return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                          "%s name \"%s\" cannot be a directory name (empty, \".\", \"..\", "
                          "'/' or '%%')",
                          what, name ? name : "");
    /* read_parquet expands these as globs in file paths, and no escape exists */
    if (strpbrk(name, "*?[]{}"))
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                          "%s name \"%s\": the characters * ? [ ] { } are not supported", what,
                          name);
    return true;
}

/* DuckDB compares names case-insensitively, PostgreSQL and Iceberg do not: of columns whose
 * names differ only in case, the later ones are written and read as "name~<position>". Readers
 * that follow Iceberg (field ids) never see the difference. */
void lake__phys_name(const lake_column_t *cols, size_t n, size_t i, am_buf_t *out)
{
    for (size_t j = 0; j < i && j < n; j++)
        if (strcasecmp(cols[j].name, cols[i].name) == 0) {
            am_sql_ident_suffix(out, cols[i].name, i);
            return;
        }
    am_sql_ident(out, cols[i].name);
}

void lake_phys_name(const lake_column_t *cols, size_t n, size_t i, am_buf_t *out)
{
    lake__phys_name(cols, n, i, out);
}
