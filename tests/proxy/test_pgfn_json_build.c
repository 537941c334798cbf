/*
 * tests/proxy/test_pgfn_json_build.c: to_json(b), json(b)_build_object / _build_array and the
 * json(b)_agg / json(b)_object_agg finalisers against PostgreSQL 15. The DuckDB side gets
 * each value as the emitter will pass it: PostgreSQL's own output text of the value (DateStyle
 * ISO, the session's time zone) and the kind of its type.
 */
#include "pgfn_json_test.h"

typedef struct val {
    const char *expr; /* PostgreSQL expression */
    const char *kind;
} val_t;

static const val_t vals[] = {
    {"NULL::int", "number"},
    {"1", "number"},
    {"-1.50", "number"},
    {"'NaN'::numeric", "number"},
    {"'Infinity'::numeric", "number"},
    {"'-Infinity'::numeric", "number"},
    {"1e20::float8", "number"},
    {"1e-5::float8", "number"},
    {"'-0'::float8", "number"},
    {"'inf'::float8", "number"},
    {"'-inf'::float4", "number"},
    {"'nan'::float4", "number"},
    {"0.1::float4", "number"},
    {"123::int2", "number"},
    {"9223372036854775807::int8", "number"},
    {"12345678901234567890.123::numeric", "number"},
    {"1e-7::float8", "number"},
    {"0.000::numeric", "number"},
    {"true", "bool"},
    {"false", "bool"},
    {"'a\"b\\c'::text", "string"},
    {"E'tab\\tnl\\n'::text", "string"},
    {"'é'::text", "string"},
    {"E'\\x01\\x1f'::text", "string"},
    {"''::text", "string"},
    {"'x'::varchar(3)", "string"},
    {"'abc'::bpchar(5)", "string"},
    {"'1 day 02:00'::interval", "string"},
    {"'\\x01ff'::bytea", "string"},
    {"'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", "string"},
    {"'NULL'::text", "string"},
    {"'{\"a\" : 1}'::json", "json"},
    {"'{\"b\":1, \"a\":2}'::jsonb", "jsonb"},
    {"'[1, 2]'::json", "json"},
    {"'\"x\"'::jsonb", "jsonb"},
    {"'null'::json", "json"},
    {"' 1.0e2 '::json", "json"},
    {"'2024-01-02'::date", "date"},
    {"'infinity'::date", "date"},
    {"'-infinity'::date", "date"},
    {"'0044-03-15 BC'::date", "date"},
    {"'12345-01-01'::date", "date"},
    {"'03:04:05.5'::time", "time"},
    {"'00:00'::time", "time"},
    {"'24:00'::time", "time"},
    {"'03:04:05.5+01:30'::timetz", "timetz"},
    {"'03:04:05-08'::timetz", "timetz"},
    {"'03:04:05+01:30:15'::timetz", "timetz"},
    {"'2024-01-02 03:04:05.5'::timestamp", "timestamp"},
    {"'infinity'::timestamp", "timestamp"},
    {"'0044-03-15 01:02:03 BC'::timestamp", "timestamp"},
    {"'2024-01-02 00:00'::timestamp", "timestamp"},
    {"'2024-01-02 03:04:05.123456+01'::timestamptz", "timestamptz"},
    {"'1900-01-01 00:00'::timestamptz", "timestamptz"},
    {"'-infinity'::timestamptz", "timestamptz"},
    {"'0044-03-15 01:02:03 BC'::timestamptz", "timestamptz"},
    {"'2024-07-01 12:00'::timestamptz", "timestamptz"},
    {"'12345-06-07 08:09:10+00'::timestamptz", "timestamptz"},
    {"ARRAY[1,2,NULL]", "array:number"},
    {"ARRAY[[1,2],[3,4]]", "array:number"},
    {"'{}'::int[]", "array:number"},
    {"ARRAY['a','b c','\"q\"','back\\slash','NULL',NULL,'']", "array:string"},
    {"ARRAY[true,false]", "array:bool"},
    {"ARRAY['{\"a\":1}'::json, '[2]']", "array:json"},
    {"ARRAY['{\"b\":1,\"a\":2}'::jsonb]", "array:jsonb"},
    {"ARRAY['2024-01-02'::date]", "array:date"},
    {"ARRAY['2024-01-02 03:04:05+01'::timestamptz, NULL]", "array:timestamptz"},
    {"'[0:1]={1,2}'::int[]", "array:number"},
    {"ARRAY['NaN'::float8, 1.5]", "array:number"},
    {"ARRAY[ARRAY['a{b','c}d']]", "array:string"},
    {"ARRAY[' lead','trail ', E'tab\\there']", "array:string"},
    {"ARRAY[1.50::numeric, 1e3]", "array:number"},
    {"ARRAY[[[1],[2]],[[3],[4]]]", "array:number"},
};

/* The text PostgreSQL prints for vals[i] (NULL for NULL). Caller frees. */
static char *text_of(jt_t *t, size_t i)
{
    char *q = am_xasprintf("SELECT (%s)", vals[i].expr); /* the output function's text */
    char *v = jt_pg_text(t, q);
    free(q);
    return v;
}

/* A DuckDB (text, kind) argument pair. */
static void duck_pair(am_buf_t *b, const char *text, const char *kind)
{
    if (text)
        jt_quote(b, text);
    else
        am_buf_puts(b, "NULL");
    am_buf_puts(b, ", ");
    jt_quote(b, kind);
}

/* Compares PostgreSQL's fn(<exprs>) with DuckDB's am_fn(<pairs>); idx lists vals indexes, a
 * negative one meaning the literal key 'k' (text). */
static void call(jt_t *t, const char *fn, const int *idx, size_t n, char *const *texts)
{
    am_buf_t p, d;
    am_buf_init(&p);
    am_buf_init(&d);
    am_buf_printf(&p, "SELECT %s(", fn);
    am_buf_printf(&d, "SELECT am_%s(", fn);
    for (size_t i = 0; i < n; i++) {
        am_buf_puts(&p, i ? ", " : "");
        am_buf_puts(&d, i ? ", " : "");
        am_buf_puts(&p, idx[i] < 0 ? "'k'::text" : vals[idx[i]].expr);
        duck_pair(&d, idx[i] < 0 ? "k" : texts[idx[i]], idx[i] < 0 ? "string" : vals[idx[i]].kind);
    }
    am_buf_puts(&p, ")::text");
    am_buf_puts(&d, ")");
    const char *none[] = {NULL};
    jt_case_f(t, p.data, d.data, none, false);
    am_buf_destroy(&p);
    am_buf_destroy(&d);
}

static char **all_texts(jt_t *t)
{
    char **texts = am_xcalloc(AM_ARRAY_LEN(vals), sizeof *texts);
    for (size_t i = 0; i < AM_ARRAY_LEN(vals); i++)
        texts[i] = text_of(t, i);
    return texts;
}

static void free_texts(char **texts)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(vals); i++)
        free(texts[i]);
    free(texts);
}

Test(pgfn_json_build, to_json_and_builders_per_value)
{
    jt_t t = jt_open();
    char **texts = all_texts(&t);
    for (int i = 0; i < (int)AM_ARRAY_LEN(vals); i++) {
        int one[] = {i}, val_pair[] = {-1, i}, key_pair[] = {i, -1};
        call(&t, "to_json", one, 1, texts);
        call(&t, "to_jsonb", one, 1, texts);
        call(&t, "json_build_array", one, 1, texts);
        call(&t, "jsonb_build_array", one, 1, texts);
        call(&t, "json_build_object", val_pair, 2, texts);
        call(&t, "jsonb_build_object", val_pair, 2, texts);
        call(&t, "json_build_object", key_pair, 2, texts);
        call(&t, "jsonb_build_object", key_pair, 2, texts);
    }
    free_texts(texts);
    jt_close(&t, "to_json and builders");
}

Test(pgfn_json_build, builders_with_many_arguments)
{
    jt_t t = jt_open();
    char **texts = all_texts(&t);
    static const int lists[][6] = {
        {1, 2, 3, 4, 5, 6},       {-1, 1, -1, 2, 0, 3},     {18, 1, 19, 2, 20, 21},
        {58, 59, 60, 61, 62, 63}, {31, 32, 33, 34, 35, 36}, {37, 52, 43, 48, 45, 46},
        {-1, 0, -1, 0, -1, 0},    {1, 31, 2, 32, 3, 33},    {20, 58, 21, 59, 22, 60},
    };
    for (size_t l = 0; l < AM_ARRAY_LEN(lists); l++) {
        for (size_t n = 0; n <= 6; n++) {
            call(&t, "json_build_array", lists[l], n, texts);
            call(&t, "jsonb_build_array", lists[l], n, texts);
            call(&t, "json_build_object", lists[l], n, texts);
            call(&t, "jsonb_build_object", lists[l], n, texts);
        }
    }
    free_texts(texts);
    jt_close(&t, "builders with many arguments");
}

/* PostgreSQL aggregates over vals[idx...] in order against the finaliser over their texts. */
static void agg(jt_t *t, const char *fn, const int *idx, size_t n, char *const *texts, bool kinds)
{
    am_buf_t p, d;
    am_buf_init(&p);
    am_buf_init(&d);
    am_buf_printf(&p, "SELECT %s(x ORDER BY i)::text FROM (VALUES ", fn);
    am_buf_printf(&d, "SELECT am_%s_final([", fn);
    for (size_t i = 0; i < n; i++) {
        am_buf_printf(&p, "%s(%zu, %s)", i ? ", " : "", i, vals[idx[i]].expr);
        am_buf_puts(&d, i ? ", " : "");
        if (texts[idx[i]])
            jt_quote(&d, texts[idx[i]]);
        else
            am_buf_puts(&d, "NULL");
    }
    am_buf_puts(&p, n ? ") v(i, x)" : "(0, NULL::int)) v(i, x) WHERE false");
    am_buf_puts(&d, "]::VARCHAR[], ");
    if (kinds) {
        am_buf_puts(&d, "[");
        for (size_t i = 0; i < n; i++) {
            am_buf_puts(&d, i ? ", " : "");
            jt_quote(&d, vals[idx[i]].kind);
        }
        am_buf_puts(&d, "]::VARCHAR[])");
    } else {
        jt_quote(&d, n ? vals[idx[0]].kind : "number");
        am_buf_puts(&d, ")");
    }
    const char *none[] = {NULL};
    jt_case_f(t, p.data, d.data, none, false);
    am_buf_destroy(&p);
    am_buf_destroy(&d);
}

/* Groups of values of one PostgreSQL type each. */
static const int groups[][5] = {
    {1, 0, 1, 14, 13},    {2, 3, 15, 17, 0},    {6, 7, 8, 9, 16},     {10, 11, 12, 12, 10},
    {58, 59, 60, 67, 72}, {62, 62, 62, 62, 62}, {20, 21, 22, 23, 24}, {31, 33, 35, 36, 36},
    {32, 34, 32, 34, 32}, {37, 38, 39, 40, 41}, {52, 53, 54, 55, 56}, {18, 19, 18, 19, 18},
    {68, 68, 68, 68, 68}, {61, 69, 70, 61, 69}, {64, 64, 64, 64, 64}, {65, 65, 65, 65, 65},
    {45, 46, 47, 45, 46}, {48, 49, 50, 51, 48}, {42, 43, 44, 42, 43}, {66, 66, 66, 66, 66},
};

Test(pgfn_json_build, aggregates)
{
    jt_t t = jt_open();
    char **texts = all_texts(&t);
    for (size_t g = 0; g < AM_ARRAY_LEN(groups); g++) {
        for (size_t n = 0; n <= 5; n++) {
            agg(&t, "json_agg", groups[g], n, texts, false);
            agg(&t, "jsonb_agg", groups[g], n, texts, false);
            agg(&t, "json_agg", groups[g], n, texts, true);
        }
    }
    free_texts(texts);
    jt_close(&t, "aggregates");
}

/* json(b)_object_agg(k, v) over pairs (keys[i], values[i]). */
static void object_agg(jt_t *t, const char *fn, const int *keys, const int *values, size_t n,
                       char *const *texts)
{
    am_buf_t p, d;
    am_buf_init(&p);
    am_buf_init(&d);
    am_buf_printf(&p, "SELECT %s(k, x ORDER BY i)::text FROM (VALUES ", fn);
    am_buf_printf(&d, "SELECT am_%s_final([", fn);
    for (size_t i = 0; i < n; i++)
        am_buf_printf(&p, "%s(%zu, %s, %s)", i ? ", " : "", i, vals[keys[i]].expr,
                      vals[values[i]].expr);
    am_buf_puts(&p, n ? ") v(i, k, x)" : "(0, 'a', 1)) v(i, k, x) WHERE false");
    for (int pass = 0; pass < 2; pass++) {
        const int *idx = pass ? values : keys;
        if (pass)
            am_buf_puts(&d, ", [");
        for (size_t i = 0; i < n; i++) {
            am_buf_puts(&d, i ? ", " : "");
            if (texts[idx[i]])
                jt_quote(&d, texts[idx[i]]);
            else
                am_buf_puts(&d, "NULL");
        }
        am_buf_puts(&d, "]::VARCHAR[], ");
        jt_quote(&d, n ? vals[idx[0]].kind : "string");
    }
    am_buf_puts(&d, ")");
    const char *none[] = {NULL};
    jt_case_f(t, p.data, d.data, none, false);
    am_buf_destroy(&p);
    am_buf_destroy(&d);
}

Test(pgfn_json_build, object_aggregates)
{
    jt_t t = jt_open();
    char **texts = all_texts(&t);
    static const int key_groups[][4] = {
        {20, 24, 20, 30}, {1, 13, 1, 14},   {0, 1, 1, 1},     {18, 19, 18, 19},
        {58, 59, 58, 59}, {31, 31, 31, 31}, {37, 38, 37, 41}, {32, 32, 32, 32},
    };
    for (size_t k = 0; k < AM_ARRAY_LEN(key_groups); k++)
        for (size_t v = 0; v < AM_ARRAY_LEN(groups); v++)
            for (size_t n = 0; n <= 4; n += 2) {
                object_agg(&t, "json_object_agg", key_groups[k], groups[v], n, texts);
                object_agg(&t, "jsonb_object_agg", key_groups[k], groups[v], n, texts);
            }
    free_texts(texts);
    jt_close(&t, "object aggregates");
}
