/*
 * tests/source/test_pgoutput_change.c: Insert, Update, Delete, Truncate and TupleData
 * (source/pgoutput_change.c), from the postgres.md §2 captures and hand-built messages.
 */
#include "source_test.h"

/* t(id int key, name text, big text), OID 16384: the table of the UPDATE capture */
static source_decoder_t *decoder_with_table(void)
{
    source_decoder_t *dec = source_decoder_new();
    am_buf_t b;
    am_buf_init(&b);
    const char *cols[] = {"*id:23", "name:25", "big:25"};
    srct_msg_relation(&b, NULL, 16384, "public", "t", 3, cols);
    (void)srct_decode(dec, &b);
    am_buf_destroy(&b);
    return dec;
}

static size_t hex_msg(const char *hex, uint8_t *out)
{
    return srct_unhex(hex, out, 512);
}

static source_change_t decode_ok(source_decoder_t *dec, const char *hex)
{
    uint8_t msg[512];
    size_t n = hex_msg(hex, msg);
    source_change_t ch;
    am_err_t err = {0};
    cr_assert(source_decoder_decode(dec, msg, n, &ch, &err), "%s: %s", hex, err.msg);
    return ch;
}

static am_err_t decode_err(source_decoder_t *dec, const char *hex)
{
    uint8_t msg[512];
    size_t n = hex_msg(hex, msg);
    source_change_t ch;
    am_err_t err = {0};
    cr_assert_not(source_decoder_decode(dec, msg, n, &ch, &err), "%s decoded", hex);
    return err;
}

/* postgres.md §2: UPDATE id 10 -> 11 with the TOASTed big column unchanged */
Test(source, pgoutput_update_key_change_and_unchanged_toast)
{
    source_decoder_t *dec = decoder_with_table();
    source_change_t ch = decode_ok(dec, "55 00004000 4b 0003 74 00000002 3130 6e 6e 4e 0003 74 "
                                        "00000002 3131 74 00000003 54454e 75");
    cr_assert_eq(ch.kind, SOURCE_MSG_UPDATE);
    cr_assert_eq(ch.rel->relid, 16384);
    cr_assert_not_null(ch.old_vals);
    cr_assert_eq(ch.old_vals[0].i, 10);
    cr_assert_eq(ch.old_vals[1].kind, AM_VALUE_NULL);
    cr_assert_eq(ch.new_vals[0].i, 11);
    cr_assert_str_eq(srct_str(&ch.new_vals[1]), "TEN");
    cr_assert_eq(ch.new_vals[2].kind, AM_VALUE_UNCHANGED);
    /* without an old tuple */
    ch = decode_ok(dec, "55 00004000 4e 0003 74 00000002 3132 6e 75");
    cr_assert_null(ch.old_vals);
    cr_assert_eq(ch.new_vals[0].i, 12);
    source_decoder_free(dec);
}

Test(source, pgoutput_delete_and_full_identity)
{
    source_decoder_t *dec = decoder_with_table();
    source_change_t ch = decode_ok(dec, "44 00004000 4b 0003 74 00000002 3130 6e 6e");
    cr_assert_eq(ch.kind, SOURCE_MSG_DELETE);
    cr_assert_null(ch.new_vals);
    cr_assert_eq(ch.old_vals[0].i, 10);
    ch = decode_ok(dec, "44 00004000 4f 0003 74 00000001 31 74 00000001 61 74 00000001 62");
    cr_assert_str_eq(srct_str(&ch.old_vals[2]), "b");
    ch = decode_ok(dec, "55 00004000 4f 0003 74 00000001 31 74 00000001 61 6e "
                        "4e 0003 74 00000001 31 74 00000001 7a 6e");
    cr_assert_str_eq(srct_str(&ch.old_vals[1]), "a");
    cr_assert_str_eq(srct_str(&ch.new_vals[1]), "z");
    source_decoder_free(dec);
}

Test(source, pgoutput_truncate)
{
    source_decoder_t *dec = source_decoder_new();
    source_change_t ch = decode_ok(dec, "54 00000002 01 00004000 00004001");
    cr_assert_eq(ch.kind, SOURCE_MSG_TRUNCATE);
    cr_assert_eq(ch.n_truncate, 2);
    cr_assert_eq(ch.truncate_relids[0], 16384);
    cr_assert_eq(ch.truncate_relids[1], 16385);
    am_err_t err = decode_err(dec, "54 00000003 00 00004000 00004001");
    cr_assert_str_eq(err.sqlstate, "08P01");
    err = decode_err(dec, "54 ffffffff 00 00004000");
    cr_assert_str_eq(err.sqlstate, "08P01");
    source_decoder_free(dec);
}

Test(source, pgoutput_tuple_errors_name_the_message)
{
    source_decoder_t *dec = decoder_with_table();
    /* 4 columns for a 3-column relation */
    am_err_t err = decode_err(dec, "49 00004000 4e 0004 6e 6e 6e 6e");
    cr_assert_str_eq(err.sqlstate, "08P01");
    cr_assert(strstr(err.msg, "insert") && strstr(err.msg, "public.t") &&
                  strstr(err.msg, "4 columns"),
              "%s", err.msg);
    err = decode_err(dec, "55 00004000 4e 0002 6e 6e");
    cr_assert(strstr(err.msg, "update") != NULL, "%s", err.msg);
    err = decode_err(dec, "44 00004000 4b 0001 6e");
    cr_assert(strstr(err.msg, "delete") != NULL, "%s", err.msg);
    /* unknown relation */
    err = decode_err(dec, "49 00000063 4e 0000");
    cr_assert(strstr(err.msg, "relation 99") != NULL, "%s", err.msg);
    /* unchanged TOAST outside the new tuple of an UPDATE */
    err = decode_err(dec, "49 00004000 4e 0003 6e 6e 75");
    cr_assert(strstr(err.msg, "column big") != NULL, "%s", err.msg);
    /* binary columns were never requested */
    err = decode_err(dec, "49 00004000 4e 0003 62 00000004 0000000a 6e 6e");
    cr_assert_str_eq(err.sqlstate, "08P01");
    /* a length past the end */
    err = decode_err(dec, "49 00004000 4e 0003 74 00000010 3130 6e 6e");
    cr_assert(strstr(err.msg, "truncated") != NULL, "%s", err.msg);
    /* a bad tuple kind */
    err = decode_err(dec, "49 00004000 4b 0003 6e 6e 6e");
    cr_assert(strstr(err.msg, "tuple kind") != NULL, "%s", err.msg);
    err = decode_err(dec, "44 00004000 4e 0003 6e 6e 6e");
    cr_assert(strstr(err.msg, "tuple kind") != NULL, "%s", err.msg);
    source_decoder_free(dec);
}

Test(source, pgoutput_bad_value_is_22P02_with_column)
{
    source_decoder_t *dec = decoder_with_table();
    am_err_t err = decode_err(dec, "49 00004000 4e 0003 74 00000002 3178 6e 6e");
    cr_assert_str_eq(err.sqlstate, "22P02");
    cr_assert(strstr(err.msg, "column id") && strstr(err.msg, "\"1x\""), "%s", err.msg);
    /* the decoder stays usable */
    source_change_t ch = decode_ok(dec, "49 00004000 4e 0003 74 00000001 35 6e 6e");
    cr_assert_eq(ch.new_vals[0].i, 5);
    source_decoder_free(dec);
}
