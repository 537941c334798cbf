/*
 * tests/source/test_pgoutput.c: the decoder object, transaction and relation messages
 * (source/pgoutput.c), starting from the PostgreSQL 15 captures in postgres.md §2.
 */
#include "source_test.h"

/* postgres.md §2: t(id int, name text, big text, extra int), OID 16384 */
#define CAPTURE_RELATION                                                                           \
    "52 00004000 7075626c696300 7400 64 0004 01 696400 00000017 ffffffff 00 6e616d6500 "           \
    "00000019 ffffffff 00 62696700 00000019 ffffffff 00 657874726100 00000017 ffffffff"
#define CAPTURE_INSERT "49 00004000 4e 0004 74 00000002 3432 74 00000002 6869 6e 74 00000001 37"
#define CAPTURE_COMMIT "43 00 00000000 01542640 00000000 01542670 00030407 cde36690"

static source_change_t decode_hex(source_decoder_t *dec, const char *hex)
{
    uint8_t msg[512];
    size_t n = srct_unhex(hex, msg, sizeof msg);
    source_change_t ch;
    am_err_t err = {0};
    cr_assert(source_decoder_decode(dec, msg, n, &ch, &err), "%s: %s %s", hex, err.sqlstate,
              err.msg);
    return ch;
}

Test(source, pgoutput_capture_relation_and_insert)
{
    source_decoder_t *dec = source_decoder_new();
    source_change_t ch = decode_hex(dec, CAPTURE_RELATION);
    cr_assert_eq(ch.kind, SOURCE_MSG_RELATION);
    const source_relation_t *rel = ch.rel;
    cr_assert_eq(rel->relid, 16384);
    cr_assert_str_eq(rel->schema, "public");
    cr_assert_str_eq(rel->name, "t");
    cr_assert_eq(rel->replident, 'd');
    cr_assert_eq(rel->n_cols, 4);
    cr_assert_str_eq(rel->cols[0].name, "id");
    cr_assert(rel->cols[0].is_key);
    cr_assert_not(rel->cols[1].is_key);
    cr_assert_eq(rel->cols[0].type.type, AM_TYPE_INT32);
    cr_assert_eq(rel->cols[1].type.type, AM_TYPE_STRING);
    cr_assert_eq(rel->cols[3].type_oid, 23);
    cr_assert_eq(rel->cols[3].typmod, -1);
    cr_assert_eq(source_decoder_relation(dec, 16384), rel);

    ch = decode_hex(dec, CAPTURE_INSERT);
    cr_assert_eq(ch.kind, SOURCE_MSG_INSERT);
    cr_assert_eq(ch.rel, rel);
    cr_assert_null(ch.old_vals);
    cr_assert_eq(ch.new_vals[0].i, 42);
    cr_assert_str_eq(srct_str(&ch.new_vals[1]), "hi");
    cr_assert_eq(ch.new_vals[2].kind, AM_VALUE_NULL);
    cr_assert_eq(ch.new_vals[3].i, 7);
    source_decoder_free(dec);
}

Test(source, pgoutput_capture_commit_and_begin)
{
    source_decoder_t *dec = source_decoder_new();
    am_buf_t b;
    am_buf_init(&b);
    srct_msg_begin(&b, 0x1542640, 0x00030407cde36690, 747);
    source_change_t ch = srct_decode(dec, &b);
    cr_assert_eq(ch.kind, SOURCE_MSG_BEGIN);
    cr_assert_eq(ch.final_lsn, 0x1542640);
    cr_assert_eq(ch.xid, 747);
    cr_assert_eq(ch.commit_ts_us, 0x00030407cde36690 + AM_PG_EPOCH_OFFSET_US);
    cr_assert(source_decoder_busy(dec), "inside a transaction");
    ch = decode_hex(dec, CAPTURE_COMMIT);
    cr_assert_eq(ch.kind, SOURCE_MSG_COMMIT);
    cr_assert_eq(ch.commit_lsn, 0x1542640);
    cr_assert_eq(ch.end_lsn, 0x1542670);
    cr_assert_eq(ch.commit_ts_us, 0x00030407cde36690 + AM_PG_EPOCH_OFFSET_US);
    cr_assert_not(source_decoder_busy(dec));
    am_buf_destroy(&b);
    source_decoder_free(dec);
}

Test(source, pgoutput_relation_repeat_keeps_pointer_change_replaces)
{
    source_decoder_t *dec = source_decoder_new();
    am_buf_t b;
    am_buf_init(&b);
    const char *cols[] = {"*id:23", "v:25"};
    srct_msg_relation(&b, NULL, 500, "s", "t", 2, cols);
    const source_relation_t *first = srct_decode(dec, &b).rel;
    cr_assert_eq(srct_decode(dec, &b).rel, first, "an identical Relation keeps the cache entry");
    const char *cols2[] = {"*id:23", "v:25", "w:16"};
    srct_msg_relation(&b, NULL, 500, "s", "t", 3, cols2);
    const source_relation_t *second = srct_decode(dec, &b).rel;
    cr_assert_eq(second->n_cols, 3);
    cr_assert_eq(second->cols[2].type.type, AM_TYPE_BOOL);
    cr_assert_eq(source_decoder_relation(dec, 500), second);
    srct_msg_relation(&b, NULL, 501, "", "pg_thing", 1, cols);
    cr_assert_str_eq(srct_decode(dec, &b).rel->schema, "pg_catalog");
    cr_assert_null(source_decoder_relation(dec, 502));
    am_buf_destroy(&b);
    source_decoder_free(dec);
}

Test(source, pgoutput_other_messages)
{
    source_decoder_t *dec = source_decoder_new();
    /* Origin, Type (enum), non-transactional logical Message */
    cr_assert_eq(decode_hex(dec, "4f 0000000001234567 6f7269676900").kind, SOURCE_MSG_OTHER);
    cr_assert_eq(decode_hex(dec, "59 00004001 7075626c696300 6d6f6f6400").kind, SOURCE_MSG_OTHER);
    cr_assert_eq(decode_hex(dec, "4d 00 0000000001234567 7000 00000003 616263").kind,
                 SOURCE_MSG_OTHER);
    source_decoder_free(dec);
}

Test(source, pgoutput_relation_errors)
{
    source_decoder_t *dec = source_decoder_new();
    am_buf_t b;
    am_buf_init(&b);
    /* 1601 columns: more than PostgreSQL allows, refused before sizing anything */
    am_buf_put_u8(&b, 'R');
    am_buf_put_u32(&b, 1);
    srct_put_str(&b, "s");
    srct_put_str(&b, "t");
    am_buf_put_u8(&b, 'd');
    am_buf_put_u16(&b, SOURCE_MAX_COLUMNS + 1);
    for (int i = 0; i < SOURCE_MAX_COLUMNS + 1; i++) {
        am_buf_put_u8(&b, 0);
        srct_put_str(&b, "c");
        am_buf_put_u32(&b, 23);
        am_buf_put_u32(&b, 0xffffffff);
    }
    am_err_t err = srct_decode_fails(dec, &b);
    cr_assert_str_eq(err.sqlstate, "08P01");
    cr_assert(strstr(err.msg, "relation") != NULL, "%s", err.msg);
    /* column count says 3, only 2 follow */
    const char *cols[] = {"a:23", "b:23"};
    srct_msg_relation(&b, NULL, 2, "s", "t", 2, cols);
    b.data[b.len - 2 * 11 - 1] = 3; /* low byte of ncols; each column is 11 bytes */
    err = srct_decode_fails(dec, &b);
    cr_assert_str_eq(err.sqlstate, "08P01");
    cr_assert_null(source_decoder_relation(dec, 2));
    /* trailing garbage */
    srct_msg_relation(&b, NULL, 2, "s", "t", 2, cols);
    am_buf_put_u8(&b, 0);
    err = srct_decode_fails(dec, &b);
    cr_assert(strstr(err.msg, "trailing") != NULL, "%s", err.msg);
    am_buf_destroy(&b);
    source_decoder_free(dec);
}

/* Every proper prefix of every captured message fails cleanly with 08P01. */
Test(source, pgoutput_truncated_messages_fail_cleanly)
{
    const char *captures[] = {CAPTURE_RELATION, CAPTURE_INSERT, CAPTURE_COMMIT,
                              "42 0000000001542640 00030407cde36690 000002f5",
                              "4f 0000000001234567 6f7269676900"};
    source_decoder_t *dec = source_decoder_new();
    (void)decode_hex(dec, CAPTURE_RELATION);
    for (size_t c = 0; c < AM_ARRAY_LEN(captures); c++) {
        uint8_t msg[512];
        size_t n = srct_unhex(captures[c], msg, sizeof msg);
        for (size_t len = 0; len < n; len++) {
            source_change_t ch;
            am_err_t err = {0};
            cr_assert_not(source_decoder_decode(dec, msg, len, &ch, &err), "%zu of %s", len,
                          captures[c]);
            cr_assert_str_eq(err.sqlstate, "08P01", "%zu of %s: %s", len, captures[c], err.msg);
        }
    }
    uint8_t unknown[] = {'Z', 0, 0};
    source_change_t ch;
    am_err_t err = {0};
    cr_assert_not(source_decoder_decode(dec, unknown, sizeof unknown, &ch, &err));
    cr_assert(strstr(err.msg, "unknown message type 0x5a") != NULL, "%s", err.msg);
    source_decoder_free(dec);
}
