/*
 * tests/support/catalog_fixture.h: a source database with what the catalog document must
 * carry (header-only, for the source, proxy and mirror catalog tests): a table with a
 * primary key, a unique index, an expression index, a partial index, a check, defaults
 * (serial, now()), comments, an enum, a domain and an array column; a table with an identity
 * column and a foreign key; a partitioned table. Helpers read the JSON document with jansson.
 */
#ifndef AM_CATALOG_FIXTURE_H
#define AM_CATALOG_FIXTURE_H

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "source/source.h"
#include "testlib.h"

#define CF_UNUSED __attribute__((unused))

/* a label added later sorts between two others (enumsortorder 1.5); it must be committed
 * before a row can use it */
static const char cf_enum_sql[] = "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');"
                                  "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';";
static const char cf_schema_sql[] =
    "CREATE DOMAIN posint AS integer CHECK (VALUE > 0);"
    "CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text,"
    " created timestamptz DEFAULT now(), feeling mood, score posint, tags text[],"
    " CHECK (length(email) > 3));"
    "CREATE INDEX customers_lower_email ON customers (lower(email));"
    "CREATE INDEX customers_named ON customers (name) WHERE name IS NOT NULL;"
    "COMMENT ON TABLE customers IS 'people who buy';"
    "COMMENT ON COLUMN customers.email IS 'login address';"
    "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " customer_id integer NOT NULL REFERENCES customers (id) ON DELETE CASCADE,"
    " amount numeric(12,2) DEFAULT 0);"
    "CREATE TABLE measures (at date NOT NULL, v double precision) PARTITION BY RANGE (at);"
    "CREATE TABLE measures_2024 PARTITION OF measures"
    " FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
    "INSERT INTO customers (email, name, feeling, score, tags)"
    " VALUES ('ann@example.com', 'Ann', 'meh', 3, '{a,\"b c\"}');";

static const source_table_ref_t cf_tables[] = {
    {"public", "customers"}, {"public", "orders"}, {"public", "measures"}};
#define CF_N_TABLES 3

/* Creates database db with the fixture schema. */
static CF_UNUSED void cf_create(const char *db)
{
    amt_create_db(db);
    PGconn *c = amt_pg_connect(db);
    amt_pg_exec(c, "%s", cf_enum_sql);
    amt_pg_exec(c, "%s", cf_schema_sql);
    PQfinish(c);
}

/* The document's relation schema.name (borrowed from doc), or a test failure. */
static CF_UNUSED json_t *cf_rel(json_t *doc, const char *schema, const char *name)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(doc, "relations"), i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "schema")), schema) == 0 &&
            strcmp(json_string_value(json_object_get(r, "name")), name) == 0)
            return r;
    }
    cr_assert_fail("catalog document has no relation %s.%s", schema, name);
    return NULL;
}

static CF_UNUSED int cf_col(json_t *rel, const char *name)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(rel, "columns"), i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "name")), name) == 0)
            return (int)i;
    }
    cr_assert_fail("relation has no column %s", name);
    return -1;
}

/* Value of column want in the first row whose columns k1 (and k2, if not NULL) equal v1
 * (and v2); NULL when no row matches or the value is SQL NULL. */
static CF_UNUSED const char *cf_lookup(json_t *rel, const char *k1, const char *v1, const char *k2,
                                       const char *v2, const char *want)
{
    int c1 = cf_col(rel, k1), c2 = k2 ? cf_col(rel, k2) : -1, cw = cf_col(rel, want);
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(rel, "rows"), i, row)
    {
        const char *a = json_string_value(json_array_get(row, (size_t)c1));
        const char *b = c2 >= 0 ? json_string_value(json_array_get(row, (size_t)c2)) : NULL;
        if (a && strcmp(a, v1) == 0 && (c2 < 0 || (b && strcmp(b, v2) == 0)))
            return json_string_value(json_array_get(row, (size_t)cw));
    }
    return NULL;
}

static CF_UNUSED size_t cf_n_rows(json_t *rel)
{
    return json_array_size(json_object_get(rel, "rows"));
}

static CF_UNUSED json_t *cf_parse(const am_buf_t *doc)
{
    json_error_t jerr;
    json_t *j = json_loadb(doc->data, doc->len, 0, &jerr);
    cr_assert_not_null(j, "catalog document is not JSON: line %d: %s", jerr.line, jerr.text);
    return j;
}

#endif
