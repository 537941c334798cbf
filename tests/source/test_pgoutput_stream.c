/*
 * tests/source/test_pgoutput_stream.c: streamed transactions (source/pgoutput_stream.c and
 * source/spool.c): spooled per xid, replayed on Stream Commit, dropped on Stream Abort, in
 * memory and spilled to a temp file.
 */
#include "source_test.h"

#define TOP 0x2f5
#define SUB 0x2f6

typedef struct stream_test {
    source_decoder_t *dec;
    am_buf_t b;
} stream_test_t;

static void st_init(stream_test_t *t, size_t spill_bytes)
{
    t->dec = source_decoder_new();
    if (spill_bytes)
        source_decoder_set_spill_bytes(t->dec, spill_bytes);
    am_buf_init(&t->b);
}

static void st_destroy(stream_test_t *t)
{
    am_buf_destroy(&t->b);
    source_decoder_free(t->dec);
}

static void st_start(stream_test_t *t, uint32_t xid, bool first)
{
    am_buf_reset(&t->b);
    am_buf_put_u8(&t->b, 'S');
    am_buf_put_u32(&t->b, xid);
    am_buf_put_u8(&t->b, first);
    cr_assert_eq(srct_decode(t->dec, &t->b).kind, SOURCE_MSG_OTHER);
}

static void st_stop(stream_test_t *t)
{
    am_buf_reset(&t->b);
    am_buf_put_u8(&t->b, 'E');
    cr_assert_eq(srct_decode(t->dec, &t->b).kind, SOURCE_MSG_OTHER);
}

static void st_relation(stream_test_t *t, const uint32_t *xid)
{
    const char *cols[] = {"*id:23", "v:25"};
    srct_msg_relation(&t->b, xid, 700, "public", "big", 2, cols);
    source_change_t ch = srct_decode(t->dec, &t->b);
    cr_assert_eq(ch.kind, xid ? SOURCE_MSG_OTHER : SOURCE_MSG_RELATION);
}

static void st_insert(stream_test_t *t, const uint32_t *xid, int id)
{
    char idtext[16];
    snprintf(idtext, sizeof idtext, "%d", id);
    const char *vals[] = {idtext, "some text"};
    srct_msg_insert(&t->b, xid, 700, 2, vals);
    source_change_t ch = srct_decode(t->dec, &t->b);
    cr_assert_eq(ch.kind, xid ? SOURCE_MSG_OTHER : SOURCE_MSG_INSERT, "insert %d", id);
}

static source_change_t st_commit(stream_test_t *t, uint32_t xid)
{
    am_buf_reset(&t->b);
    am_buf_put_u8(&t->b, 'c');
    am_buf_put_u32(&t->b, xid);
    am_buf_put_u8(&t->b, 0);
    am_buf_put_u64(&t->b, 0x1000);
    am_buf_put_u64(&t->b, 0x1030);
    am_buf_put_u64(&t->b, 1000);
    return srct_decode(t->dec, &t->b);
}

static void st_abort(stream_test_t *t, uint32_t xid, uint32_t subxid)
{
    am_buf_reset(&t->b);
    am_buf_put_u8(&t->b, 'A');
    am_buf_put_u32(&t->b, xid);
    am_buf_put_u32(&t->b, subxid);
    cr_assert_eq(srct_decode(t->dec, &t->b).kind, SOURCE_MSG_OTHER);
}

/* Drains the replay; returns the ids inserted, in order, and checks the final COMMIT. */
static size_t st_drain(stream_test_t *t, int *ids, size_t cap)
{
    size_t n = 0;
    for (;;) {
        cr_assert(source_decoder_pending(t->dec), "replay ended without a COMMIT");
        source_change_t ch;
        am_err_t err = {0};
        cr_assert(source_decoder_next(t->dec, &ch, &err), "%s", err.msg);
        if (ch.kind == SOURCE_MSG_COMMIT) {
            cr_assert_eq(ch.commit_lsn, 0x1000);
            cr_assert_eq(ch.end_lsn, 0x1030);
            cr_assert_eq(ch.commit_ts_us, 1000 + AM_PG_EPOCH_OFFSET_US);
            break;
        }
        if (ch.kind == SOURCE_MSG_INSERT) {
            cr_assert(n < cap);
            cr_assert_str_eq(srct_str(&ch.new_vals[1]), "some text");
            ids[n++] = (int)ch.new_vals[0].i;
        }
    }
    cr_assert_not(source_decoder_pending(t->dec));
    return n;
}

static void run_streamed_commit(size_t spill_bytes)
{
    stream_test_t t;
    st_init(&t, spill_bytes);
    uint32_t top = TOP, sub = SUB;
    st_start(&t, TOP, true);
    st_relation(&t, &top);
    for (int i = 1; i <= 50; i++)
        st_insert(&t, &top, i);
    st_stop(&t);
    cr_assert(source_decoder_busy(t.dec), "a streamed transaction waits");
    /* an ordinary transaction between the blocks decodes at once */
    st_relation(&t, NULL);
    st_insert(&t, NULL, 1000);
    st_start(&t, TOP, false);
    for (int i = 51; i <= 100; i++)
        st_insert(&t, i % 2 ? &top : &sub, i);
    st_stop(&t);
    source_change_t begin = st_commit(&t, TOP);
    cr_assert_eq(begin.kind, SOURCE_MSG_BEGIN);
    cr_assert_eq(begin.xid, TOP);
    cr_assert_eq(begin.final_lsn, 0x1000);
    int ids[200];
    size_t n = st_drain(&t, ids, AM_ARRAY_LEN(ids));
    cr_assert_eq(n, 100);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(ids[i], (int)i + 1);
    cr_assert_not(source_decoder_busy(t.dec));
    st_destroy(&t);
}

Test(source, stream_commit_replays_in_memory)
{
    run_streamed_commit(0);
}

Test(source, stream_commit_replays_spilled)
{
    run_streamed_commit(256);
}

static void run_subxact_abort(size_t spill_bytes)
{
    stream_test_t t;
    st_init(&t, spill_bytes);
    uint32_t top = TOP, sub = SUB, sub2 = SUB + 1;
    st_start(&t, TOP, true);
    st_relation(&t, &top);
    st_insert(&t, &top, 1);
    st_insert(&t, &sub, 2);  /* SAVEPOINT a */
    st_insert(&t, &sub2, 3); /* SAVEPOINT b inside a */
    st_stop(&t);
    st_abort(&t, TOP, SUB); /* ROLLBACK TO a: drops 2 and 3 */
    st_start(&t, TOP, false);
    st_insert(&t, &top, 4);
    st_stop(&t);
    st_abort(&t, TOP, 0x999); /* a subtransaction that changed nothing */
    cr_assert_eq(st_commit(&t, TOP).kind, SOURCE_MSG_BEGIN);
    int ids[8];
    size_t n = st_drain(&t, ids, AM_ARRAY_LEN(ids));
    cr_assert_eq(n, 2);
    cr_assert_eq(ids[0], 1);
    cr_assert_eq(ids[1], 4);
    st_destroy(&t);
}

Test(source, stream_subxact_abort_in_memory)
{
    run_subxact_abort(0);
}

Test(source, stream_subxact_abort_spilled)
{
    run_subxact_abort(16);
}

Test(source, stream_abort_drops_transaction)
{
    stream_test_t t;
    st_init(&t, 0);
    uint32_t top = TOP;
    st_start(&t, TOP, true);
    st_relation(&t, &top);
    st_insert(&t, &top, 1);
    st_stop(&t);
    st_abort(&t, TOP, TOP);
    cr_assert_not(source_decoder_busy(t.dec));
    /* a first segment again starts from scratch */
    st_start(&t, TOP, true);
    st_insert(&t, &top, 7);
    st_stop(&t);
    st_start(&t, TOP, true);
    st_relation(&t, &top);
    st_insert(&t, &top, 8);
    st_stop(&t);
    cr_assert_eq(st_commit(&t, TOP).kind, SOURCE_MSG_BEGIN);
    int ids[8];
    cr_assert_eq(st_drain(&t, ids, AM_ARRAY_LEN(ids)), 1);
    cr_assert_eq(ids[0], 8);
    st_destroy(&t);
}

Test(source, stream_protocol_errors)
{
    stream_test_t t;
    st_init(&t, 0);
    st_start(&t, TOP, true);
    am_buf_reset(&t.b);
    am_buf_put_u8(&t.b, 'S');
    am_buf_put_u32(&t.b, TOP + 5);
    am_buf_put_u8(&t.b, 1);
    am_err_t err = srct_decode_fails(t.dec, &t.b);
    cr_assert(strstr(err.msg, "inside the open block") != NULL, "%s", err.msg);
    /* a change too short to carry its xid */
    am_buf_reset(&t.b);
    am_buf_put_u8(&t.b, 'I');
    am_buf_put_u16(&t.b, 1);
    err = srct_decode_fails(t.dec, &t.b);
    cr_assert_str_eq(err.sqlstate, "08P01");
    st_stop(&t);
    am_buf_reset(&t.b);
    am_buf_put_u8(&t.b, 'E');
    err = srct_decode_fails(t.dec, &t.b);
    cr_assert(strstr(err.msg, "no stream block") != NULL, "%s", err.msg);
    /* a bad change surfaces at replay, naming the transaction, and ends it */
    st_start(&t, TOP, false);
    am_buf_reset(&t.b);
    am_buf_put_u8(&t.b, 'I');
    am_buf_put_u32(&t.b, TOP);
    am_buf_put_u32(&t.b, 4242);
    am_buf_put_u8(&t.b, 'N');
    am_buf_put_u16(&t.b, 0);
    cr_assert_eq(srct_decode(t.dec, &t.b).kind, SOURCE_MSG_OTHER);
    st_stop(&t);
    cr_assert_eq(st_commit(&t, TOP).kind, SOURCE_MSG_BEGIN);
    source_change_t ch;
    cr_assert_not(source_decoder_next(t.dec, &ch, &err));
    cr_assert(strstr(err.msg, "streamed transaction 757") != NULL, "%s", err.msg);
    cr_assert_not(source_decoder_pending(t.dec));
    st_destroy(&t);
}

Test(source, stream_nontransactional_message_is_not_spooled)
{
    stream_test_t t;
    st_init(&t, 0);
    st_start(&t, TOP, true);
    uint8_t msg[64];
    size_t n = srct_unhex("4d 000002f5 00 0000000001234567 7000 00000001 61", msg, sizeof msg);
    source_change_t ch;
    am_err_t err = {0};
    cr_assert(source_decoder_decode(t.dec, msg, n, &ch, &err), "%s", err.msg);
    cr_assert_eq(ch.kind, SOURCE_MSG_OTHER);
    st_stop(&t);
    cr_assert_eq(st_commit(&t, TOP).kind, SOURCE_MSG_BEGIN);
    int ids[2];
    cr_assert_eq(st_drain(&t, ids, AM_ARRAY_LEN(ids)), 0);
    st_destroy(&t);
}

/* The recorded PostgreSQL 15 session in the fuzz corpus: 500 rows, SAVEPOINT, 500 rows,
 * ROLLBACK TO SAVEPOINT, 3 rows, COMMIT, streamed in five blocks with a subtransaction abort. */
Test(source, stream_recorded_savepoint_session)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/fuzz/corpus/pgoutput/real_streamed_savepoint",
             amt_root());
    am_buf_t data;
    am_buf_init(&data);
    am_err_t err = {0};
    cr_assert(am_file_read_all(path, &data, &err), "%s", err.msg);
    source_decoder_t *dec = source_decoder_new();
    am_reader_t r = am_reader_init(data.data, data.len);
    int begins = 0, inserts = 0, commits = 0, last_id = 0;
    while (am_reader_left(&r) > 0) {
        uint32_t len = am_read_u32(&r);
        const uint8_t *msg = am_read_bytes(&r, len);
        cr_assert_not(r.failed);
        source_change_t ch;
        cr_assert(source_decoder_decode(dec, msg, len, &ch, &err), "%s", err.msg);
        cr_assert(ch.kind == SOURCE_MSG_OTHER || ch.kind == SOURCE_MSG_BEGIN, "kind %d", ch.kind);
        begins += ch.kind == SOURCE_MSG_BEGIN;
        while (source_decoder_pending(dec)) {
            cr_assert(source_decoder_next(dec, &ch, &err), "%s", err.msg);
            if (ch.kind == SOURCE_MSG_INSERT) {
                inserts++;
                cr_assert_gt(ch.new_vals[0].i, last_id);
                last_id = (int)ch.new_vals[0].i;
            }
            commits += ch.kind == SOURCE_MSG_COMMIT;
        }
    }
    cr_assert_eq(begins, 1);
    cr_assert_eq(commits, 1);
    cr_assert_eq(inserts, 503, "rows 1-500 and 1001-1003");
    cr_assert_eq(last_id, 1003);
    source_decoder_free(dec);
    am_buf_destroy(&data);
}
