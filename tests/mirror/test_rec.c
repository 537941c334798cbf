/*
 * A table's source state as the lake keeps it (the rec, a table property): encoded and decoded
 * without loss (columns with their field ids, defaults, missing values, generated columns, the
 * identity, relfilenodes, earlier names, the configuration entry), damaged text refused with
 * XX001; the fingerprint the watermark and the catalog gate compare follows what the served
 * catalog shows of a table (names, attnums, types) and nothing else.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mirror/mirror_internal.h"

static source_attr_t attrs[] = {
    {.attnum = 1, .name = "id", .type_oid = 20, .typmod = -1, .not_null = true},
    {.attnum = 3, .name = "w", .type_oid = 1043, .typmod = 24, .default_expr = "'x'::text"},
    {.attnum = 4, .name = "g", .type_oid = 23, .typmod = -1, .generated = true},
    {.attnum = 5, .name = "added", .type_oid = 23, .typmod = -1, .has_missing = true},
};
static int16_t key[] = {1};
static source_storage_t storage[] = {{.relid = 16384, .relfilenode = 16390, .xmin = 742}};

static source_table_state_t state(void)
{
    return (source_table_state_t){.relid = 16384,
                                  .schema = "public",
                                  .name = "orders",
                                  .relkind = 'r',
                                  .replident = 'd',
                                  .persistence = 'p',
                                  .key = key,
                                  .n_key = 1,
                                  .attrs = attrs,
                                  .n_attrs = 4,
                                  .storage = storage,
                                  .n_storage = 1};
}

static void make(mirror_rec_t *r, const source_table_state_t *st)
{
    static const int32_t fields[] = {1, 2, 3};
    mirror__rec_from_state(r, st, fields, 3);
    free(r->names);
    r->names = calloc(2, sizeof *r->names);
    r->names[r->n_names++] = strdup("public.orders_old");
    r->spec = strdup("public.ord*");
}

Test(rec, encode_decode_keeps_everything)
{
    source_table_state_t st = state();
    mirror_rec_t r, back;
    make(&r, &st);
    cr_assert_eq(mirror__rec_field(&r, 1), 1);
    cr_assert_eq(mirror__rec_field(&r, 3), 2);
    cr_assert_eq(mirror__rec_field(&r, 4), 0, "a generated column has no field");
    cr_assert_eq(mirror__rec_field(&r, 5), 3);
    char *text = mirror__rec_encode(&r);
    am_err_t err = {0};
    cr_assert(mirror__rec_decode(text, &back, &err), "%s", err.msg);
    cr_assert(mirror__state_equal(&r.st, &back.st));
    cr_assert_eq(back.st.storage[0].xmin, 742);
    cr_assert_eq(back.st.relkind, 'r');
    cr_assert_str_eq(back.st.attrs[1].default_expr, "'x'::text");
    cr_assert_null(back.st.attrs[0].default_expr);
    cr_assert(back.st.attrs[3].has_missing);
    cr_assert(back.st.attrs[2].generated);
    cr_assert(back.st.attrs[0].not_null);
    for (int16_t a = 1; a <= 5; a++)
        cr_assert_eq(mirror__rec_field(&back, a), mirror__rec_field(&r, a), "attnum %d", a);
    cr_assert_eq(back.n_names, 1);
    cr_assert_str_eq(back.names[0], "public.orders_old");
    cr_assert_str_eq(back.spec, "public.ord*");
    char *again = mirror__rec_encode(&back);
    cr_assert_str_eq(again, text);
    free(again);
    free(text);
    mirror__rec_destroy(&back);
    mirror__rec_destroy(&r);
}

Test(rec, damaged_text_is_refused)
{
    static const char *const bad[] = {
        "",
        "[]",
        "{\"relid\": 1}",
        "{\"relid\": -1, \"schema\": \"s\", \"name\": \"n\", \"relkind\": \"r\", \"replident\": "
        "\"d\", \"key\": [], \"names\": [], \"storage\": [], \"cols\": []}",
        "{\"relid\": 1, \"schema\": \"s\", \"name\": \"n\", \"relkind\": \"r\", \"replident\": "
        "\"d\", \"key\": [], \"names\": [], \"storage\": [], \"cols\": [[1, \"a\"]]}",
        "{\"relid\": 1, \"schema\": \"s\", \"name\": \"n\", \"relkind\": \"r\", \"replident\": "
        "\"d\", \"key\": [70000], \"names\": [], \"storage\": [], \"cols\": []}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        mirror_rec_t r;
        am_err_t err = {0};
        cr_assert_not(mirror__rec_decode(bad[i], &r, &err), "case %zu", i);
        cr_assert_str_eq(err.sqlstate, "XX001");
    }
    mirror_rec_t ok;
    am_err_t err = {0};
    cr_assert(mirror__rec_decode("{\"relid\": 1, \"schema\": \"s\", \"name\": \"n\", \"relkind\": "
                                 "\"r\", \"replident\": \"n\", \"key\": [], \"names\": [], "
                                 "\"storage\": [], \"cols\": []}",
                                 &ok, &err),
              "%s", err.msg);
    cr_assert_null(ok.spec);
    mirror__rec_destroy(&ok);
}

Test(rec, fingerprint_follows_what_the_catalog_shows)
{
    source_table_state_t st = state();
    uint64_t fp = mirror__state_fp(&st);
    cr_assert_neq(fp, 0);
    char *text = mirror__fp_text(fp);
    cr_assert_eq(strlen(text), 16);
    cr_assert_eq(mirror__fp_parse(text), fp);
    free(text);
    cr_assert_eq(mirror__fp_parse("12"), 0);
    cr_assert_eq(mirror__fp_parse(NULL), 0);
    cr_assert_eq(mirror__fp_parse("00000000000000zz"), 0);

    source_attr_t changed[4];
    memcpy(changed, attrs, sizeof changed);
    source_table_state_t other = st;
    other.attrs = changed;

    changed[1].default_expr = NULL; /* defaults, NOT NULL, storage: not in the fingerprint */
    changed[0].not_null = false;
    other.storage = NULL;
    other.n_storage = 0;
    cr_assert_eq(mirror__state_fp(&other), fp);
    cr_assert_not(mirror__state_equal(&other, &st), "but the state differs");

    changed[2].type_oid = 20; /* a generated column is not published */
    cr_assert_eq(mirror__state_fp(&other), fp);

    changed[1].typmod = 44; /* varchar(20) -> varchar(40) */
    cr_assert_neq(mirror__state_fp(&other), fp);
    memcpy(changed, attrs, sizeof changed);
    changed[3].name = "renamed";
    cr_assert_neq(mirror__state_fp(&other), fp);
    memcpy(changed, attrs, sizeof changed);
    changed[3].attnum = 6; /* dropped and added again under its name */
    cr_assert_neq(mirror__state_fp(&other), fp);
    memcpy(changed, attrs, sizeof changed);
    other.name = "orders2";
    cr_assert_neq(mirror__state_fp(&other), fp);
    other.name = st.name;
    other.schema = "sales";
    cr_assert_neq(mirror__state_fp(&other), fp);
}

/* A column of a user type keeps its type chain; records from before it was kept still decode,
 * and their fingerprints are what they were (no table is served anew after an upgrade). */
Test(rec, type_chain_kept_and_older_records_decode)
{
    source_attr_t typed[2] = {
        {.attnum = 1, .name = "id", .type_oid = 20, .typmod = -1, .not_null = true},
        {.attnum = 2,
         .name = "c",
         .type_oid = 16386,
         .typmod = -1,
         .type_ident = "[[\"public\",\"color\",[[16388,\"red\"],[16390,\"green\"]]]]"},
    };
    source_table_state_t st = state();
    st.attrs = typed;
    st.n_attrs = 2;
    mirror_rec_t r, back;
    make(&r, &st);
    char *text = mirror__rec_encode(&r);
    am_err_t err = {0};
    cr_assert(mirror__rec_decode(text, &back, &err), "%s", err.msg);
    cr_assert_str_eq(back.st.attrs[1].type_ident, typed[1].type_ident);
    cr_assert_null(back.st.attrs[0].type_ident);
    cr_assert(mirror__state_equal(&r.st, &back.st));
    cr_assert_eq(mirror__state_fp(&back.st), mirror__state_fp(&st));
    free(text);
    mirror__rec_destroy(&back);

    uint64_t with = mirror__state_fp(&st);
    typed[1].type_ident =
        "[[\"public\",\"color\",[[16388,\"red\"],[16390,\"green\"],[16400,\"blue\"]]]]";
    cr_assert_neq(mirror__state_fp(&st), with, "an added label changes what is served");
    typed[1].type_ident = NULL;
    uint64_t without = mirror__state_fp(&st);

    const char *old =
        "{\"relid\": 16384, \"schema\": \"public\", \"name\": \"orders\", \"relkind\": "
        "\"r\", \"replident\": \"d\", \"key\": [1], \"names\": [], \"storage\": [], "
        "\"cols\": [[1, \"id\", 20, -1, true, null, false, false, 1], "
        "[2, \"c\", 16386, -1, false, null, false, false, 2]]}";
    cr_assert(mirror__rec_decode(old, &back, &err), "%s", err.msg);
    cr_assert_null(back.st.attrs[1].type_ident);
    cr_assert_eq(mirror__state_fp(&back.st), without);
    mirror__rec_destroy(&back);
    cr_assert_not(mirror__rec_decode("{\"relid\": 1, \"schema\": \"s\", \"name\": \"n\", "
                                     "\"relkind\": \"r\", \"replident\": \"d\", \"key\": [], "
                                     "\"names\": [], \"storage\": [], \"cols\": [[1, \"a\", 23, "
                                     "-1, false, null, false, false, 1, \"x\"]]}",
                                     &back, &err),
                  "a type chain that is not an array");
    mirror__rec_destroy(&r);
}
