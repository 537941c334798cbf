/*
 * tests/source/test_relation.c: what the source says a table's columns are (source/relation.c):
 * domains as their base type, enums as text, arrays (of domains and enums too) as lists of
 * their element type, format_type() text schema-qualified outside pg_catalog; the same from
 * the catalog (source_describe, the initial copy) and from the stream's Relation messages.
 */
#include "source_test.h"

#define TYPES_DDL                                                                                  \
    "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE DOMAIN posint AS int CHECK (VALUE > 0); "      \
    "CREATE DOMAIN tags AS text[]; CREATE DOMAIN price AS numeric(8,2); "                          \
    "CREATE DOMAIN deep AS posint; CREATE SCHEMA other; CREATE TYPE other.color AS ENUM ('red'); " \
    "CREATE TABLE t (id int2 PRIMARY KEY, vc varchar(10), bp char(3), n numeric, "                 \
    "n10 numeric(10,2), n40 numeric(40,5), u uuid, js json, jb jsonb, ia int4[], ta text[], "      \
    "na numeric(8,2)[], dt date, ts timestamp, tz timestamptz, iv interval, m mood, "              \
    "pi posint, dt2 tags, tt timetz, ip inet, mo money, b3 bit(3), ma mood[], pa posint[], "       \
    "dd deep, pr price[], bx box[], oc other.color, i2v int2vector, rc regclass)"

static const struct {
    const char *name;
    am_coltype_t type;
    const char *pg_type;
} WANT[] = {
    {"id", {AM_TYPE_INT16, 0, 0, 0}, "smallint"},
    {"vc", {AM_TYPE_STRING, 0, 0, 0}, "character varying(10)"},
    {"bp", {AM_TYPE_STRING, 0, 0, 0}, "character(3)"},
    {"n", {AM_TYPE_STRING, 0, 0, 0}, "numeric"},
    {"n10", {AM_TYPE_DECIMAL, 10, 2, 0}, "numeric(10,2)"},
    {"n40", {AM_TYPE_STRING, 0, 0, 0}, "numeric(40,5)"},
    {"u", {AM_TYPE_UUID, 0, 0, 0}, "uuid"},
    {"js", {AM_TYPE_STRING, 0, 0, 0}, "json"},
    {"jb", {AM_TYPE_STRING, 0, 0, 0}, "jsonb"},
    {"ia", {AM_TYPE_LIST, 0, 0, AM_TYPE_INT32}, "integer[]"},
    {"ta", {AM_TYPE_LIST, 0, 0, AM_TYPE_STRING}, "text[]"},
    {"na", {AM_TYPE_LIST, 8, 2, AM_TYPE_DECIMAL}, "numeric(8,2)[]"},
    {"dt", {AM_TYPE_DATE, 0, 0, 0}, "date"},
    {"ts", {AM_TYPE_TIMESTAMP, 0, 0, 0}, "timestamp without time zone"},
    {"tz", {AM_TYPE_TIMESTAMPTZ, 0, 0, 0}, "timestamp with time zone"},
    {"iv", {AM_TYPE_STRING, 0, 0, 0}, "interval"},
    {"m", {AM_TYPE_STRING, 0, 0, 0}, "public.mood"},
    {"pi", {AM_TYPE_INT32, 0, 0, 0}, "public.posint"},
    {"dt2", {AM_TYPE_LIST, 0, 0, AM_TYPE_STRING}, "public.tags"},
    {"tt", {AM_TYPE_STRING, 0, 0, 0}, "time with time zone"},
    {"ip", {AM_TYPE_STRING, 0, 0, 0}, "inet"},
    {"mo", {AM_TYPE_STRING, 0, 0, 0}, "money"},
    {"b3", {AM_TYPE_STRING, 0, 0, 0}, "bit(3)"},
    {"ma", {AM_TYPE_LIST, 0, 0, AM_TYPE_STRING}, "public.mood[]"},
    {"pa", {AM_TYPE_LIST, 0, 0, AM_TYPE_INT32}, "public.posint[]"},
    {"dd", {AM_TYPE_INT32, 0, 0, 0}, "public.deep"},
    {"pr", {AM_TYPE_LIST, 8, 2, AM_TYPE_DECIMAL}, "public.price[]"},
    {"bx", {AM_TYPE_LIST, 0, 0, AM_TYPE_STRING}, "box[]"},
    {"oc", {AM_TYPE_STRING, 0, 0, 0}, "other.color"},
    {"i2v", {AM_TYPE_STRING, 0, 0, 0}, "int2vector"},
    {"rc", {AM_TYPE_STRING, 0, 0, 0}, "regclass"},
};

static void expect_types(const source_relation_t *rel)
{
    cr_assert_eq(rel->n_cols, AM_ARRAY_LEN(WANT));
    for (size_t i = 0; i < rel->n_cols; i++) {
        const source_column_t *col = &rel->cols[i];
        cr_assert_str_eq(col->name, WANT[i].name);
        cr_assert(am_coltype_equal(col->type, WANT[i].type), "%s: %s (element %s)", col->name,
                  am_type_name(col->type.type), am_type_name(col->type.elem));
        cr_assert_not_null(col->pg_type, "%s", col->name);
        cr_assert_str_eq(col->pg_type, WANT[i].pg_type, "%s", col->name);
        char delim = strcmp(col->name, "bx") == 0 ? ';' : ',';
        cr_assert_eq(col->elem_delim, delim, "%s", col->name);
    }
}

Test(source, describe_resolves_domains_enums_and_arrays)
{
    amt_create_db("src_describe");
    PGconn *c = amt_pg_connect("src_describe");
    amt_pg_exec(c, TYPES_DDL);
    source_table_ref_t tables[] = {{"public", "t"}};
    source_options_t o = srct_options("src_describe", tables, 1);
    source_t *src = srct_open(&o);
    am_err_t err = {0};
    source_relation_t *rel = source_describe(src, "public", "t", &err);
    cr_assert_not_null(rel, "%s", err.msg);
    expect_types(rel);
    cr_assert(rel->cols[0].is_key && rel->cols[0].not_null);
    cr_assert_eq(rel->cols[1].typmod, 14);
    source_relation_free(rel);
    cr_assert_null(source_describe(src, "public", "missing", &err));
    cr_assert_str_eq(err.sqlstate, "42P01");
    source_close(src);
    PQfinish(c);
}

static bool ignore_slot(void *ud, am_lsn_t lsn, am_err_t *err)
{
    (void)ud, (void)lsn, (void)err;
    return true;
}

static bool ignore_begin(void *ud, const source_relation_t *rel, int64_t n, am_err_t *err)
{
    (void)err, (void)n;
    expect_types(rel); /* the copy's relation, read under its snapshot */
    *(int *)ud += 1;
    return true;
}

static bool ignore_row(void *ud, const am_value_t *vals, am_err_t *err)
{
    (void)ud, (void)vals, (void)err;
    return true;
}

static bool ignore_end(void *ud, const source_relation_t *rel, int64_t n, am_err_t *err)
{
    (void)ud, (void)rel, (void)n, (void)err;
    return true;
}

/* The stream's Relation message names type OIDs only: the decoder asks the catalog. */
Test(source, stream_relation_types_are_resolved)
{
    amt_create_db("src_stream_types");
    PGconn *c = amt_pg_connect("src_stream_types");
    amt_pg_exec(c, TYPES_DDL);
    source_table_ref_t tables[] = {{"public", "t"}};
    source_options_t o = srct_options("src_stream_types", tables, 1);
    source_t *src = srct_open(&o);
    source_copy_sink_t sink = {ignore_slot, NULL, ignore_begin, ignore_row, ignore_end, NULL};
    int begun = 0;
    am_lsn_t point = 0;
    am_err_t err = {0};
    cr_assert(source_initial_copy(src, &sink, &begun, &point, &err), "%s", err.msg);
    cr_assert_eq(begun, 1);
    amt_pg_exec(c, "INSERT INTO t (id, pi, dt2, pa, ma) VALUES (1, 7, '{\"a b\",NULL}', "
                   "'{1,2}', '{ok,sad}')");
    cr_assert(source_stream_start(src, point, &err), "%s", err.msg);
    cr_assert_eq(srct_next(src).kind, SOURCE_MSG_BEGIN);
    source_change_t ch = srct_next(src);
    cr_assert_eq(ch.kind, SOURCE_MSG_RELATION);
    expect_types(ch.rel);
    ch = srct_next(src);
    cr_assert_eq(ch.kind, SOURCE_MSG_INSERT);
    cr_assert_eq(ch.new_vals[17].i, 7, "a domain over int is an int");
    const am_value_t *tags = &ch.new_vals[18];
    cr_assert(tags->n_items == 2 && strcmp(srct_str(&tags->items[0]), "a b") == 0 &&
              tags->items[1].kind == AM_VALUE_NULL);
    cr_assert(ch.new_vals[24].n_items == 2 && ch.new_vals[24].items[1].i == 2);
    cr_assert_str_eq(srct_str(&ch.new_vals[23].items[1]), "sad");
    cr_assert_eq(srct_next(src).kind, SOURCE_MSG_COMMIT);
    source_close(src);
    src = srct_open(&o);
    cr_assert(source_slot_drop(src, &err), "%s", err.msg);
    source_close(src);
    PQfinish(c);
}
