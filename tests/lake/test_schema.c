/*
 * tests/lake/test_schema.c: the type mapping am_coltype_t -> Iceberg -> DuckDB (the brief's
 * table), parsing Iceberg type strings back, and the names that may become directories.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "lake/lake_internal.h"

Test(lake, schema_type_mapping)
{
    const struct {
        am_coltype_t t;
        const char *iceberg, *duckdb;
    } rows[] = {
        {{AM_TYPE_BOOL, 0, 0, 0}, "boolean", "BOOLEAN"},
        {{AM_TYPE_INT16, 0, 0, 0}, "int", "INTEGER"},
        {{AM_TYPE_INT32, 0, 0, 0}, "int", "INTEGER"},
        {{AM_TYPE_INT64, 0, 0, 0}, "long", "BIGINT"},
        {{AM_TYPE_FLOAT32, 0, 0, 0}, "float", "FLOAT"},
        {{AM_TYPE_FLOAT64, 0, 0, 0}, "double", "DOUBLE"},
        {{AM_TYPE_DECIMAL, 12, 2, 0}, "decimal(12,2)", "DECIMAL(12,2)"},
        {{AM_TYPE_DECIMAL, 38, 0, 0}, "decimal(38,0)", "DECIMAL(38,0)"},
        {{AM_TYPE_STRING, 0, 0, 0}, "string", "VARCHAR"},
        {{AM_TYPE_BINARY, 0, 0, 0}, "binary", "BLOB"},
        {{AM_TYPE_DATE, 0, 0, 0}, "date", "DATE"},
        {{AM_TYPE_TIME, 0, 0, 0}, "time", "TIME"},
        {{AM_TYPE_TIMESTAMP, 0, 0, 0}, "timestamp", "TIMESTAMP"},
        {{AM_TYPE_TIMESTAMPTZ, 0, 0, 0}, "timestamptz", "TIMESTAMPTZ"},
        {{AM_TYPE_UUID, 0, 0, 0}, "uuid", "UUID"},
    };
    for (size_t i = 0; i < AM_ARRAY_LEN(rows); i++) {
        char a[48], b[48];
        lake__type_iceberg(rows[i].t, a, sizeof a);
        lake__type_duckdb(rows[i].t, b, sizeof b);
        cr_assert_str_eq(a, rows[i].iceberg);
        cr_assert_str_eq(b, rows[i].duckdb);
        am_coltype_t back;
        cr_assert(lake__type_parse_iceberg(a, &back), "%s", a);
        cr_assert_eq(back.precision, rows[i].t.precision);
        cr_assert_eq(back.scale, rows[i].t.scale);
        char tok[48];
        lake__type_token(rows[i].t, tok, sizeof tok);
        cr_assert(lake__type_parse_token(tok, strlen(tok), &back), "%s", tok);
        cr_assert_eq(back.type, rows[i].t.type, "%s", tok);
    }
}

Test(lake, schema_parse_rejects_unknown_types)
{
    am_coltype_t t;
    cr_assert(lake__type_parse_iceberg("decimal(10, 3)", &t), "a space after the comma is fine");
    cr_assert_eq(t.scale, 3);
    const char *bad[] = {"",
                         "decimal",
                         "decimal(0,0)",
                         "decimal(39,1)",
                         "decimal(5,6)",
                         "decimal(5,2)x",
                         "fixed[16]",
                         "timestamp_ns",
                         "longer",
                         "Int",
                         "list<int>"};
    for (size_t i = 0; i < AM_ARRAY_LEN(bad); i++)
        cr_assert_not(lake__type_parse_iceberg(bad[i], &t), "%s", bad[i]);
}

Test(lake, schema_list_types)
{
    const struct {
        am_coltype_t t;
        const char *token, *duckdb, *json;
    } rows[] = {
        {{AM_TYPE_LIST, 0, 0, AM_TYPE_INT16},
         "list<int16>",
         "INTEGER[]",
         "{\"type\":\"list\",\"element-id\":7,\"element\":\"int\",\"element-required\":false}"},
        {{AM_TYPE_LIST, 8, 2, AM_TYPE_DECIMAL},
         "list<decimal(8,2)>",
         "DECIMAL(8,2)[]",
         "{\"type\":\"list\",\"element-id\":7,\"element\":\"decimal(8,2)\","
         "\"element-required\":false}"},
        {{AM_TYPE_LIST, 0, 0, AM_TYPE_UUID},
         "list<uuid>",
         "UUID[]",
         "{\"type\":\"list\",\"element-id\":7,\"element\":\"uuid\",\"element-required\":false}"},
    };
    for (size_t i = 0; i < AM_ARRAY_LEN(rows); i++) {
        char tok[48], duck[48];
        lake__type_token(rows[i].t, tok, sizeof tok);
        lake__type_duckdb(rows[i].t, duck, sizeof duck);
        cr_assert_str_eq(tok, rows[i].token);
        cr_assert_str_eq(duck, rows[i].duckdb);
        am_coltype_t back;
        cr_assert(lake__type_parse_token(tok, strlen(tok), &back), "%s", tok);
        cr_assert(am_coltype_equal(back, rows[i].t), "%s", tok);
        json_t *j = lake__type_json(rows[i].t, 7);
        char *s = json_dumps(j, JSON_COMPACT);
        cr_assert_str_eq(s, rows[i].json);
        int32_t elem_id = 0;
        cr_assert(lake__type_parse_json(j, &back, &elem_id), "%s", s);
        cr_assert_eq(elem_id, 7);
        cr_assert(lake__type_same_iceberg(back, rows[i].t), "%s", s);
        free(s);
        json_decref(j);
    }
    const char *bad[] = {"{\"type\":\"list\",\"element-id\":3,\"element\":{\"type\":\"list\"}}",
                         "{\"type\":\"map\",\"key-id\":3,\"key\":\"int\"}",
                         "{\"type\":\"list\",\"element\":\"int\"}", "42"};
    for (size_t i = 0; i < AM_ARRAY_LEN(bad); i++) {
        json_t *j = json_loads(bad[i], JSON_DECODE_ANY, NULL);
        am_coltype_t t;
        int32_t elem_id;
        cr_assert_not(lake__type_parse_json(j, &t, &elem_id), "%s", bad[i]);
        json_decref(j);
    }
}

Test(lake, schema_json_identifier_fields_docs_and_element_ids)
{
    const lake_column_t cols[] = {
        {.name = "k", .type = {AM_TYPE_INT32, 0, 0, 0}, .is_key = true, .doc = "pg:23:-1:integer"},
        {.name = "f", .type = {AM_TYPE_FLOAT64, 0, 0, 0}, .is_key = true, .required = true},
        {.name = "v", .type = {AM_TYPE_STRING, 0, 0, 0}},
        {.name = "l", .type = {AM_TYPE_LIST, 0, 0, AM_TYPE_INT16}, .is_key = true},
    };
    int32_t ids[4], elem_ids[4];
    cr_assert_eq(lake__ids_assign(cols, 4, ids, elem_ids), 5);
    cr_assert_eq(ids[3], 4);
    cr_assert_eq(elem_ids[3], 5);
    cr_assert_eq(elem_ids[0], 0);
    json_t *j = lake__schema_json(cols, ids, elem_ids, 4, 0);
    char *s = json_dumps(j, JSON_COMPACT);
    cr_assert_str_eq(s, "{\"type\":\"struct\",\"schema-id\":0,\"identifier-field-ids\":[1],"
                        "\"fields\":[{\"id\":1,\"name\":\"k\",\"required\":true,\"type\":\"int\","
                        "\"doc\":\"pg:23:-1:integer\"},"
                        "{\"id\":2,\"name\":\"f\",\"required\":true,\"type\":\"double\"},"
                        "{\"id\":3,\"name\":\"v\",\"required\":false,\"type\":\"string\"},"
                        "{\"id\":4,\"name\":\"l\",\"required\":false,\"type\":{\"type\":\"list\","
                        "\"element-id\":5,\"element\":\"int\",\"element-required\":false}}]}");
    free(s);
    json_decref(j);
    char *prop = lake__column_types_prop(cols, 4);
    cr_assert_str_eq(prop, "int32:key;float64:key;string;list<int16>:key");
    free(prop);
}

Test(lake, schema_directory_names)
{
    am_err_t err = {0};
    cr_assert(lake__name_check("table", "orders", &err));
    cr_assert(lake__name_check("table", "Mixed Case", &err));
    const char *bad[] = {"", ".", "..", "a/b", "100%", "a*", "what?", "[x]", "{y}"};
    for (size_t i = 0; i < AM_ARRAY_LEN(bad); i++)
        cr_assert_not(lake__name_check("table", bad[i], &err), "%s", bad[i]);
    cr_assert_not(lake__name_check("table", NULL, &err));
}
