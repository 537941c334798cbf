/*
 * lake/schema.c: column types (am_coltype_t -> Iceberg type string -> DuckDB cast type), the
 * Iceberg schema JSON, and the table property that remembers the neutral types Iceberg
 * cannot tell apart (int16 and int32 are both "int"). Pure functions, no I/O.
 * Spec: Iceberg table spec "Schemas and Data Types"; reference/iceberg.md section 2.
 */
#include "lake/lake_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void lake__type_iceberg(am_coltype_t t, char *out, size_t out_len)
{
    put_type(t, row_of(t.type)->iceberg, out, out_len);
}

void lake__type_duckdb(am_coltype_t t, char *out, size_t out_len)
{
    put_type(t, row_of(t.type)->duckdb, out, out_len);
}

void lake__type_token(am_coltype_t t, char *out, size_t out_len)
{
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
    return parse_with(s, len, false, out);
}

/* Iceberg forbids float/double identifier fields; they stay keys for us only. */
static bool identifier_ok(const lake_column_t *c)
{
    return c->is_key && c->type.type != AM_TYPE_FLOAT32 && c->type.type != AM_TYPE_FLOAT64;
}

json_t *lake__schema_json(const lake_column_t *cols, const int32_t *field_ids, size_t n,
                          int32_t schema_id)
{
    json_t *fields = json_array();
    json_t *ids = json_array();
    for (size_t i = 0; i < n; i++) {
        char type[48];
        lake__type_iceberg(cols[i].type, type, sizeof type);
        /* identifier fields must be required; a primary key column is NOT NULL anyway */
        bool required = cols[i].required || identifier_ok(&cols[i]);
        json_array_append_new(fields,
                              json_pack("{s:i, s:s, s:b, s:s}", "id", (json_int_t)field_ids[i],
                                        "name", cols[i].name, "required", required, "type", type));
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
