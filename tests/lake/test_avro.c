/*
 * tests/lake/test_avro.c: the Avro encoder (bytes the spec gives), the container writer and
 * the reader: round trips, several blocks, both codecs, and malformed input (truncations,
 * flipped bytes, bad headers) that must fail with an error naming the file, never crash.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "lake/lake_internal.h"

static const char test_schema[] =
    "{\"type\":\"record\",\"name\":\"t\",\"fields\":["
    "{\"name\":\"id\",\"type\":\"long\",\"field-id\":1},"
    "{\"name\":\"name\",\"type\":[\"null\",\"string\"],\"field-id\":2},"
    "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"int\",\"element-id\":4},"
    "\"field-id\":3},"
    "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"double\"},\"field-id\":5},"
    "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"f2\",\"size\":2},\"field-id\":6},"
    "{\"name\":\"ok\",\"type\":\"boolean\",\"field-id\":7},"
    "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"e1\",\"symbols\":[\"A\",\"B\"]},"
    "\"field-id\":8},"
    "{\"name\":\"x\",\"type\":\"float\",\"field-id\":9}]}";

static void encode_row(am_buf_t *b, int64_t id)
{
    lake__avro_put_long(b, id);
    if (id % 2) {
        lake__avro_put_null(b);
    } else {
        lake__avro_put_some(b);
        lake__avro_put_string(b, "name");
    }
    lake__avro_put_long(b, 2); /* tags: one block of 2 */
    lake__avro_put_long(b, 7);
    lake__avro_put_long(b, -8);
    lake__avro_put_long(b, 0);
    lake__avro_put_long(b, 1); /* m: {"k": 1.5} */
    lake__avro_put_string(b, "k");
    double d = 1.5;
    am_buf_append(b, &d, 8); /* x86-64 is little-endian, as Avro */
    lake__avro_put_long(b, 0);
    am_buf_append(b, "zz", 2);
    lake__avro_put_bool(b, true);
    lake__avro_put_long(b, 1);
    float f = 2.25f;
    am_buf_append(b, &f, 4);
}

static void make_file(am_buf_t *out, int64_t n_rows)
{
    const lake__kv_t meta[] = {{"format-version", "2"}, {"content", "data"}};
    lake__avro_writer_t w;
    lake__avro_writer_init(&w, test_schema, meta, 2);
    am_err_t err = {0};
    for (int64_t i = 0; i < n_rows; i++) {
        encode_row(&w.block, i);
        cr_assert(lake__avro_writer_end_record(&w, &err), "%s", err.msg);
    }
    cr_assert(lake__avro_writer_finish(&w, &err), "%s", err.msg);
    am_buf_append(out, w.out.data, w.out.len);
    lake__avro_writer_destroy(&w);
}

Test(lake, avro_zigzag_bytes_match_the_spec)
{
    const struct {
        int64_t v;
        const char *bytes;
        size_t n;
    } cases[] = {
        {0, "\x00", 1}, {-1, "\x01", 1}, {1, "\x02", 1}, {64, "\x80\x01", 2}, {300, "\xD8\x04", 2}};
    for (size_t i = 0; i < AM_ARRAY_LEN(cases); i++) {
        am_buf_t b;
        am_buf_init(&b);
        lake__avro_put_long(&b, cases[i].v);
        cr_assert_eq(b.len, cases[i].n, "value %lld", (long long)cases[i].v);
        cr_assert(memcmp(b.data, cases[i].bytes, b.len) == 0);
        am_buf_destroy(&b);
    }
    am_buf_t b;
    am_buf_init(&b);
    lake__avro_put_opt_long(&b, -1);
    lake__avro_put_opt_long(&b, 5);
    cr_assert_eq(b.len, 3);
    cr_assert(memcmp(b.data, "\x00\x02\x0a", 3) == 0);
    am_buf_destroy(&b);
}

Test(lake, avro_round_trip_every_type)
{
    am_buf_t file;
    am_buf_init(&file);
    make_file(&file, 3);
    lake__avro_file_t f;
    am_err_t err = {0};
    cr_assert(lake__avro_decode((const uint8_t *)file.data, file.len, "t.avro", &f, &err), "%s",
              err.msg);
    cr_assert_eq(f.n_records, 3);
    cr_assert_str_eq(lake__avro_meta_find(&f, "content"), "data");
    cr_assert_str_eq(lake__avro_meta_find(&f, "avro.codec"), "deflate");
    cr_assert_null(lake__avro_meta_find(&f, "nope"));
    const lake__avro_value_t *r0 = &f.records[0], *r1 = &f.records[1];
    cr_assert_eq(lake__avro_field(r1, 1, "id")->i, 1);
    cr_assert_eq(lake__avro_field(r1, 2, "name")->kind, LAKE_AVRO_NULL);
    const lake__avro_value_t *name = lake__avro_field(r0, 2, "name");
    cr_assert_eq(name->kind, LAKE_AVRO_STRING);
    cr_assert(name->len == 4 && memcmp(name->p, "name", 4) == 0);
    const lake__avro_value_t *tags = lake__avro_field(r0, 3, "tags");
    cr_assert_eq(tags->n, 2);
    cr_assert_eq(tags->items[1].i, -8);
    const lake__avro_value_t *m = lake__avro_field(r0, 5, "m");
    cr_assert_eq(m->n, 1);
    cr_assert(m->keys[0].len == 1 && m->keys[0].p[0] == 'k');
    cr_assert_float_eq(m->items[0].d, 1.5, 1e-12);
    cr_assert(memcmp(lake__avro_field(r0, 6, "f")->p, "zz", 2) == 0);
    cr_assert_eq(lake__avro_field(r0, 7, "ok")->i, 1);
    cr_assert_eq(lake__avro_field(r0, 8, "e")->i, 1);
    cr_assert_float_eq(lake__avro_field(r0, 9, "x")->d, 2.25, 1e-9);
    cr_assert_null(lake__avro_field(r0, 99, "missing"));
    lake__avro_file_destroy(&f);
    am_buf_destroy(&file);
}

Test(lake, avro_many_blocks)
{
    am_buf_t file;
    am_buf_init(&file);
    make_file(&file, 60000); /* > 1 MB of records: several blocks */
    lake__avro_file_t f;
    am_err_t err = {0};
    cr_assert(lake__avro_decode((const uint8_t *)file.data, file.len, "big.avro", &f, &err), "%s",
              err.msg);
    cr_assert_eq(f.n_records, 60000);
    cr_assert_eq(lake__avro_field(&f.records[59999], 1, "id")->i, 59999);
    lake__avro_file_destroy(&f);
    am_buf_destroy(&file);
}

/* A null-codec container written by hand: magic, meta, sync, one block. */
Test(lake, avro_null_codec_and_name_lookup)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_append(&b, "Obj\x01", 4);
    lake__avro_put_long(&b, 1);
    lake__avro_put_string(&b, "avro.schema");
    lake__avro_put_string(&b, "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\","
                              "\"type\":\"int\"}]}");
    lake__avro_put_long(&b, 0);
    am_buf_append(&b, "0123456789abcdef", 16);
    lake__avro_put_long(&b, 2);
    lake__avro_put_long(&b, 2);
    lake__avro_put_long(&b, 21);
    lake__avro_put_long(&b, -3);
    am_buf_append(&b, "0123456789abcdef", 16);
    lake__avro_file_t f;
    am_err_t err = {0};
    cr_assert(lake__avro_decode((const uint8_t *)b.data, b.len, "n.avro", &f, &err), "%s", err.msg);
    cr_assert_eq(f.n_records, 2);
    cr_assert_eq(lake__avro_field(&f.records[1], 7, "a")->i, -3, "no field ids: found by name");
    lake__avro_file_destroy(&f);
    am_buf_destroy(&b);
}

static void expect_fail(const void *p, size_t n, const char *what)
{
    lake__avro_file_t f;
    am_err_t err = {0};
    bool ok = lake__avro_decode(p, n, "bad.avro", &f, &err);
    lake__avro_file_destroy(&f);
    cr_assert_not(ok, "%s decoded", what);
    cr_assert(strstr(err.msg, "bad.avro") != NULL, "%s: error names the file: %s", what, err.msg);
}

Test(lake, avro_malformed_inputs_fail_cleanly)
{
    expect_fail("", 0, "empty");
    expect_fail("Obj\x02", 4, "bad magic");
    am_buf_t file;
    am_buf_init(&file);
    make_file(&file, 20);
    /* every truncation fails, except at the end of the header: a valid empty file */
    for (size_t n = 0; n < file.len; n++) {
        lake__avro_file_t f;
        am_err_t err = {0};
        if (lake__avro_decode((const uint8_t *)file.data, n, "cut.avro", &f, &err))
            cr_assert_eq(f.n_records, 0, "truncated at %zu decoded records", n);
        else
            cr_assert(strstr(err.msg, "cut.avro") != NULL, "%s", err.msg);
        lake__avro_file_destroy(&f);
    }
    /* flipped bytes: may decode or fail, never crash */
    for (size_t i = 0; i < file.len; i++) {
        char *copy = malloc(file.len);
        memcpy(copy, file.data, file.len);
        copy[i] ^= (char)0x5a;
        lake__avro_file_t f;
        am_err_t err = {0};
        if (!lake__avro_decode((const uint8_t *)copy, file.len, "flip.avro", &f, &err))
            cr_assert_neq(err.msg[0], '\0');
        lake__avro_file_destroy(&f);
        free(copy);
    }
    am_buf_destroy(&file);
    /* a huge block count with a zero-size schema must not allocate without bound */
    am_buf_t b;
    am_buf_init(&b);
    am_buf_append(&b, "Obj\x01", 4);
    lake__avro_put_long(&b, 1);
    lake__avro_put_string(&b, "avro.schema");
    lake__avro_put_string(&b, "\"null\"");
    lake__avro_put_long(&b, 0);
    am_buf_append(&b, "0123456789abcdef", 16);
    lake__avro_put_long(&b, INT64_C(1) << 40);
    lake__avro_put_long(&b, 0);
    am_buf_append(&b, "0123456789abcdef", 16);
    expect_fail(b.data, b.len, "huge count");
    am_buf_destroy(&b);
}

Test(lake, avro_unknown_codec_is_unsupported)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_append(&b, "Obj\x01", 4);
    lake__avro_put_long(&b, 2);
    lake__avro_put_string(&b, "avro.schema");
    lake__avro_put_string(&b, "\"long\"");
    lake__avro_put_string(&b, "avro.codec");
    lake__avro_put_string(&b, "snappy");
    lake__avro_put_long(&b, 0);
    am_buf_append(&b, "0123456789abcdef", 16);
    lake__avro_file_t f;
    am_err_t err = {0};
    cr_assert_not(lake__avro_decode((const uint8_t *)b.data, b.len, "s.avro", &f, &err));
    cr_assert_str_eq(err.sqlstate, AM_SQLSTATE_UNSUPPORTED);
    lake__avro_file_destroy(&f);
    am_buf_destroy(&b);
}
