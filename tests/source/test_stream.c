/*
 * tests/source/test_stream.c: the replication stream against the real PostgreSQL
 * (source/stream.c): changes and their values, old keys, unchanged TOAST, acknowledgement,
 * restart without repeats, idle acknowledgement, streamed large transactions, lost
 * connections; binary tuples: the same changes streamed in binary and in text decode to the same
 * values for every type binary carries, edge values included; a table with a type binary
 * cannot carry streams text; a column of such a type added while streaming binary stops the
 * stream with 0A000 and marks it for a restart in text.
 */
#include "source_test.h"

typedef struct stream_env {
    PGconn *c;
    source_options_t opts;
    source_table_ref_t tables[1];
    source_t *src;
    am_lsn_t point; /* the slot's consistent point */
    char db[64];
} stream_env_t;

/* A database with table t (ddl) and a slot (the stream not started). */
static void env_open(stream_env_t *e, const char *db, const char *ddl, const char *db_setting,
                     bool binary)
{
    snprintf(e->db, sizeof e->db, "%s", db);
    amt_create_db(db);
    e->c = amt_pg_connect(db);
    amt_pg_exec(e->c, "%s", ddl);
    if (db_setting)
        amt_pg_exec(e->c, "ALTER DATABASE \"%s\" SET %s", db, db_setting);
    e->tables[0] = (source_table_ref_t){"public", "t"};
    e->opts = srct_options(db, e->tables, 1);
    e->opts.binary = binary;
    e->src = srct_open(&e->opts);
    e->point = 0;
    am_err_t err = {0};
    cr_assert(source_initial_copy(e->src, srct_ignore_sink(), NULL, &e->point, &err), "%s",
              err.msg);
}

/* env_open, and the stream started (text tuples) at the slot's consistent point. */
static void env_start(stream_env_t *e, const char *db, const char *ddl, const char *db_setting)
{
    env_open(e, db, ddl, db_setting, false);
    am_err_t err = {0};
    cr_assert(source_stream_start(e->src, e->point, &err), "%s", err.msg);
}

static bool slot_inactive(void *ud)
{
    stream_env_t *e = ud;
    char *active = amt_pg_value(e->c,
                                "SELECT active FROM pg_replication_slots WHERE slot_name "
                                "= '%s'",
                                e->opts.slot);
    bool inactive = !active || strcmp(active, "f") == 0;
    free(active);
    return inactive;
}

static void env_finish(stream_env_t *e)
{
    source_close(e->src);
    cr_assert(amt_wait_until(slot_inactive, e, 10000), "slot still active after close");
    amt_pg_exec(e->c,
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                "WHERE slot_name = '%s'",
                e->opts.slot);
    PQfinish(e->c);
}

/* The next change that is not a (re-sent) Relation. */
static source_change_t next_change(source_t *src)
{
    source_change_t ch;
    do
        ch = srct_next(src);
    while (ch.kind == SOURCE_MSG_RELATION);
    return ch;
}

static source_change_t expect(source_t *src, source_msg_t kind)
{
    source_change_t ch = next_change(src);
    cr_assert_eq(ch.kind, kind, "got change kind %d, want %d", ch.kind, kind);
    return ch;
}

/* The first insert: Begin (with the real xid), Relation, Insert with its values, Commit.
 * Returns the table's relid. */
static uint32_t check_first_insert(stream_env_t *e)
{
    amt_pg_exec(e->c, "INSERT INTO t VALUES (1, E'a\\tb', 1.5, '2024-03-01 12:00:00+00', "
                      "'\\x01ff')");
    source_change_t ch = srct_next(e->src);
    cr_assert_eq(ch.kind, SOURCE_MSG_BEGIN);
    char *xmin = amt_pg_value(e->c, "SELECT xmin FROM t WHERE id = 1");
    cr_assert_eq(ch.xid, (uint32_t)strtoul(xmin, NULL, 10));
    free(xmin);
    ch = srct_next(e->src);
    cr_assert_eq(ch.kind, SOURCE_MSG_RELATION);
    cr_assert_str_eq(ch.rel->name, "t");
    cr_assert(ch.rel->cols[0].is_key);
    cr_assert_eq(ch.rel->cols[2].type.type, AM_TYPE_DECIMAL);
    uint32_t relid = ch.rel->relid;
    ch = expect(e->src, SOURCE_MSG_INSERT);
    cr_assert_eq(ch.new_vals[0].i, 1);
    cr_assert_str_eq(srct_str(&ch.new_vals[1]), "a\tb");
    cr_assert_str_eq(srct_str(&ch.new_vals[2]), "1.50");
    cr_assert_eq(ch.new_vals[3].i, INT64_C(1709294400000000));
    cr_assert_eq(ch.new_vals[4].len, 2);
    cr_assert_eq((uint8_t)ch.new_vals[4].s[1], 0xff);
    ch = expect(e->src, SOURCE_MSG_COMMIT);
    cr_assert_gt(ch.end_lsn, ch.commit_lsn);
    return relid;
}

Test(source, stream_insert_update_delete_truncate)
{
    stream_env_t e;
    env_start(&e, "src_stream_dml",
              "CREATE TABLE t (id int PRIMARY KEY, v text, n numeric(10,2), ts timestamptz, "
              "b bytea)",
              NULL);
    uint32_t relid = check_first_insert(&e);
    /* a change's values live until the next source_next: each is checked before it */
    amt_pg_exec(e.c, "UPDATE t SET id = 2 WHERE id = 1");
    expect(e.src, SOURCE_MSG_BEGIN);
    source_change_t ch = expect(e.src, SOURCE_MSG_UPDATE);
    cr_assert_not_null(ch.old_vals, "a key change carries the old key");
    cr_assert_eq(ch.old_vals[0].i, 1);
    cr_assert_eq(ch.old_vals[1].kind, AM_VALUE_NULL);
    cr_assert_eq(ch.new_vals[0].i, 2);
    cr_assert_str_eq(srct_str(&ch.new_vals[1]), "a\tb");
    expect(e.src, SOURCE_MSG_COMMIT);
    amt_pg_exec(e.c, "DELETE FROM t WHERE id = 2");
    expect(e.src, SOURCE_MSG_BEGIN);
    ch = expect(e.src, SOURCE_MSG_DELETE);
    cr_assert_eq(ch.old_vals[0].i, 2);
    cr_assert_null(ch.new_vals);
    expect(e.src, SOURCE_MSG_COMMIT);
    amt_pg_exec(e.c, "TRUNCATE t");
    expect(e.src, SOURCE_MSG_BEGIN);
    ch = expect(e.src, SOURCE_MSG_TRUNCATE);
    cr_assert_eq(ch.n_truncate, 1);
    cr_assert_eq(ch.truncate_relids[0], relid);
    expect(e.src, SOURCE_MSG_COMMIT);
    env_finish(&e);
}

Test(source, stream_update_without_key_change_has_no_old_tuple)
{
    stream_env_t e;
    env_start(&e, "src_stream_upd", "CREATE TABLE t (id int PRIMARY KEY, v text)", NULL);
    amt_pg_exec(e.c, "INSERT INTO t VALUES (1, 'a')");
    expect(e.src, SOURCE_MSG_BEGIN);
    expect(e.src, SOURCE_MSG_INSERT);
    expect(e.src, SOURCE_MSG_COMMIT);
    amt_pg_exec(e.c, "UPDATE t SET v = NULL WHERE id = 1");
    expect(e.src, SOURCE_MSG_BEGIN);
    source_change_t ch = expect(e.src, SOURCE_MSG_UPDATE);
    cr_assert_null(ch.old_vals, "the key did not change");
    cr_assert_eq(ch.new_vals[0].i, 1);
    cr_assert_eq(ch.new_vals[1].kind, AM_VALUE_NULL);
    expect(e.src, SOURCE_MSG_COMMIT);
    env_finish(&e);
}

Test(source, stream_unchanged_toast_column)
{
    stream_env_t e;
    env_start(&e, "src_stream_toast",
              "CREATE TABLE t (id int PRIMARY KEY, small text, big text); "
              "ALTER TABLE t ALTER COLUMN big SET STORAGE EXTERNAL",
              NULL);
    amt_pg_exec(e.c, "INSERT INTO t SELECT 1, 'a', string_agg(md5(i::text), '') "
                     "FROM generate_series(1, 400) i");
    expect(e.src, SOURCE_MSG_BEGIN);
    source_change_t ch = expect(e.src, SOURCE_MSG_INSERT);
    cr_assert_eq(ch.new_vals[2].len, 400 * 32, "an INSERT carries the whole value");
    expect(e.src, SOURCE_MSG_COMMIT);
    amt_pg_exec(e.c, "UPDATE t SET small = 'b' WHERE id = 1");
    expect(e.src, SOURCE_MSG_BEGIN);
    ch = expect(e.src, SOURCE_MSG_UPDATE);
    cr_assert_str_eq(srct_str(&ch.new_vals[1]), "b");
    cr_assert_eq(ch.new_vals[2].kind, AM_VALUE_UNCHANGED);
    expect(e.src, SOURCE_MSG_COMMIT);
    env_finish(&e);
}

typedef struct lsn_wait {
    PGconn *c;
    const char *slot;
    am_lsn_t lsn;
    bool beyond; /* strictly greater */
} lsn_wait_t;

static bool confirmed_reached(void *ud)
{
    lsn_wait_t *w = ud;
    char *ok = amt_pg_value(w->c,
                            "SELECT confirmed_flush_lsn %s '%X/%X'::pg_lsn FROM "
                            "pg_replication_slots WHERE slot_name = '%s'",
                            w->beyond ? ">" : ">=", AM_LSN_ARGS(w->lsn), w->slot);
    bool reached = ok && strcmp(ok, "t") == 0;
    free(ok);
    return reached;
}

static am_lsn_t insert_and_receive(stream_env_t *e, int id)
{
    amt_pg_exec(e->c, "INSERT INTO t VALUES (%d)", id);
    expect(e->src, SOURCE_MSG_BEGIN);
    source_change_t ch = expect(e->src, SOURCE_MSG_INSERT);
    cr_assert_eq(ch.new_vals[0].i, id);
    return expect(e->src, SOURCE_MSG_COMMIT).end_lsn;
}

Test(source, stream_ack_moves_slot_and_restart_skips_acked)
{
    stream_env_t e;
    env_start(&e, "src_stream_ack", "CREATE TABLE t (id int PRIMARY KEY)", NULL);
    am_lsn_t end1 = insert_and_receive(&e, 1);
    (void)insert_and_receive(&e, 2);
    source_ack(e.src, end1, false);
    am_err_t err = {0};
    cr_assert(source_send_feedback(e.src, &err), "%s", err.msg);
    cr_assert_eq(source_flushed_lsn(e.src), end1);
    lsn_wait_t w = {e.c, e.opts.slot, end1, false};
    cr_assert(amt_wait_until(confirmed_reached, &w, 10000), "confirmed_flush_lsn never moved");
    source_ack(e.src, end1 - 1, false);
    cr_assert(source_send_feedback(e.src, &err), "%s", err.msg);
    cr_assert_eq(source_flushed_lsn(e.src), end1, "never moves back");

    source_close(e.src);
    cr_assert(amt_wait_until(slot_inactive, &e, 10000));
    e.src = srct_open(&e.opts);
    cr_assert(source_stream_start(e.src, 0, &err), "%s", err.msg);
    expect(e.src, SOURCE_MSG_BEGIN);
    source_change_t ch = expect(e.src, SOURCE_MSG_INSERT);
    cr_assert_eq(ch.new_vals[0].i, 2, "the acknowledged transaction is not repeated");
    expect(e.src, SOURCE_MSG_COMMIT);
    env_finish(&e);
}

Test(source, stream_idle_ack_reports_wal_end)
{
    stream_env_t e;
    env_start(&e, "src_stream_idle",
              "CREATE TABLE t (id int PRIMARY KEY); "
              "CREATE TABLE unpublished (id int)",
              NULL);
    am_lsn_t end = insert_and_receive(&e, 1);
    source_ack(e.src, end, true);
    /* WAL the slot never publishes: only keepalives tell of it */
    amt_pg_exec(e.c, "INSERT INTO unpublished SELECT generate_series(1, 100)");
    for (int i = 0; i < 200 && source_wal_end(e.src) <= end; i++) {
        source_change_t ch;
        bool got = false;
        am_err_t err = {0};
        cr_assert(source_next(e.src, 100, &ch, &got, &err), "%s", err.msg);
        cr_assert_not(got, "no change was published");
    }
    cr_assert_gt(source_wal_end(e.src), end, "a keepalive reported the WAL end");
    am_err_t err = {0};
    cr_assert(source_send_feedback(e.src, &err), "%s", err.msg);
    cr_assert_gt(source_flushed_lsn(e.src), end);
    lsn_wait_t w = {e.c, e.opts.slot, end, true};
    cr_assert(amt_wait_until(confirmed_reached, &w, 10000), "idle ack did not pass %X/%X",
              AM_LSN_ARGS(end));
    /* a change ends the idle claim: the next report is the acked LSN again, not walEnd */
    am_lsn_t before = source_flushed_lsn(e.src);
    (void)insert_and_receive(&e, 2);
    cr_assert(source_send_feedback(e.src, &err), "%s", err.msg);
    cr_assert_eq(source_flushed_lsn(e.src), before);
    env_finish(&e);
}

Test(source, stream_large_transaction_streamed_with_savepoint_rollback)
{
    stream_env_t e;
    env_start(&e, "src_stream_big", "CREATE TABLE t (id int PRIMARY KEY, v text)",
              "logical_decoding_work_mem = '64kB'");
    amt_pg_exec(e.c, "BEGIN; "
                     "INSERT INTO t SELECT i, repeat('x', 100) FROM generate_series(1, 2000) i; "
                     "SAVEPOINT s; "
                     "INSERT INTO t SELECT i, repeat('y', 100) FROM generate_series(2001, 4000) i; "
                     "ROLLBACK TO s; "
                     "INSERT INTO t SELECT i, repeat('z', 100) FROM generate_series(4001, 5000) i; "
                     "COMMIT");
    amt_pg_exec(e.c,
                "BEGIN; "
                "INSERT INTO t SELECT i, repeat('w', 100) FROM generate_series(10001, 13000) i; "
                "ROLLBACK");
    amt_pg_exec(e.c, "INSERT INTO t VALUES (-1, 'small')");
    expect(e.src, SOURCE_MSG_BEGIN);
    int n = 0, expect_id = 1;
    source_change_t ch;
    while ((ch = next_change(e.src)).kind == SOURCE_MSG_INSERT) {
        cr_assert_eq(ch.new_vals[0].i, expect_id, "row %d", n);
        cr_assert_eq(ch.new_vals[1].len, 100);
        expect_id = expect_id == 2000 ? 4001 : expect_id + 1;
        n++;
    }
    cr_assert_eq(ch.kind, SOURCE_MSG_COMMIT);
    cr_assert_eq(n, 3000);
    expect(e.src, SOURCE_MSG_BEGIN);
    ch = expect(e.src, SOURCE_MSG_INSERT);
    cr_assert_eq(ch.new_vals[0].i, -1, "the rolled back transaction sent nothing");
    expect(e.src, SOURCE_MSG_COMMIT);
    char *streamed = amt_pg_value(e.c,
                                  "SELECT stream_txns > 0 FROM pg_stat_replication_slots "
                                  "WHERE slot_name = '%s'",
                                  e.opts.slot);
    cr_assert(streamed && strcmp(streamed, "t") == 0, "PostgreSQL did not stream");
    free(streamed);
    env_finish(&e);
}

Test(source, stream_lost_connection_is_class_08)
{
    stream_env_t e;
    env_start(&e, "src_stream_lost", "CREATE TABLE t (id int PRIMARY KEY)", NULL);
    (void)insert_and_receive(&e, 1);
    amt_pg_exec(e.c,
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
                "WHERE slot_name = '%s'",
                e.opts.slot);
    am_err_t err = {0};
    bool failed = false;
    for (int i = 0; i < 200 && !failed; i++) {
        source_change_t ch;
        bool got = false;
        failed = !source_next(e.src, 100, &ch, &got, &err);
    }
    cr_assert(failed, "the stream never noticed");
    cr_assert(strncmp(err.sqlstate, "08", 2) == 0, "%s %s", err.sqlstate, err.msg);
    cr_assert_null(strchr(err.msg, '\n'), "%s", err.msg);
    env_finish(&e);
}

typedef struct heard {
    stream_env_t *e;
    char *pid;   /* the walsender serving the slot */
    char *since; /* when the owner stopped reading */
} heard_t;

/* The same walsender has heard a status update three seconds after the owner went away. */
static bool still_hearing(void *ud)
{
    heard_t *h = ud;
    char *v = amt_pg_value(h->e->c,
                           "SELECT reply_time > '%s'::timestamptz + interval '3 seconds' "
                           "FROM pg_stat_replication WHERE pid = %s",
                           h->since, h->pid);
    bool yes = v && strcmp(v, "t") == 0;
    free(v);
    return yes;
}

/* A write path busy for three times wal_sender_timeout without calling source_next (a long
 * flush, a rebuild) keeps its connection: the feedback thread reports meanwhile. */
Test(source, status_updates_continue_while_the_owner_is_away)
{
    stream_env_t e;
    env_start(&e, "src_stream_away", "CREATE TABLE t (id int PRIMARY KEY)",
              "wal_sender_timeout = '1s'");
    am_lsn_t lsn = insert_and_receive(&e, 1);
    source_ack(e.src, lsn, false);
    heard_t h = {.e = &e};
    h.pid = amt_pg_value(e.c, "SELECT active_pid FROM pg_replication_slots WHERE slot_name = '%s'",
                         e.opts.slot);
    h.since = amt_pg_value(e.c, "SELECT now()::text");
    cr_assert_not_null(h.pid);
    cr_assert(amt_wait_until(still_hearing, &h, 30000),
              "the walsender stopped hearing from an owner that was busy elsewhere");
    char *pid = amt_pg_value(
        e.c, "SELECT active_pid FROM pg_replication_slots WHERE slot_name = '%s'", e.opts.slot);
    cr_assert_str_eq(pid, h.pid, "the connection was dropped and made again");
    char *confirmed = amt_pg_value(e.c,
                                   "SELECT confirmed_flush_lsn = '%X/%X' FROM pg_replication_slots "
                                   "WHERE slot_name = '%s'",
                                   AM_LSN_ARGS(lsn), e.opts.slot);
    cr_assert_str_eq(confirmed, "t", "the thread reports exactly what was acknowledged");
    (void)insert_and_receive(&e, 2); /* and the stream goes on */
    free(confirmed);
    free(pid);
    free(h.pid);
    free(h.since);
    env_finish(&e);
}

typedef struct zero_poll {
    source_t *src;
    source_msg_t seen;
} zero_poll_t;

static bool got_change_without_waiting(void *ud)
{
    zero_poll_t *z = ud;
    source_change_t ch;
    bool got = false;
    am_err_t err = {0};
    cr_assert(source_next(z->src, 0, &ch, &got, &err), "%s", err.msg);
    if (got)
        z->seen = ch.kind;
    return got;
}

/* A zero timeout still reads what the socket holds: a caller that polls never starves. */
Test(source, stream_zero_timeout_still_reads)
{
    stream_env_t e;
    env_start(&e, "src_stream_zero", "CREATE TABLE t (id int PRIMARY KEY)", NULL);
    amt_pg_exec(e.c, "INSERT INTO t VALUES (1)");
    zero_poll_t z = {.src = e.src};
    cr_assert(amt_wait_until(got_change_without_waiting, &z, 10000), "nothing read");
    cr_assert_eq(z.seen, SOURCE_MSG_BEGIN);
    env_finish(&e);
}

/* Partitions publish under the root (publish_via_partition_root) and the copy reads them all. */
Test(source, stream_partitioned_table_under_root)
{
    stream_env_t e;
    env_start(&e, "src_stream_part",
              "CREATE TABLE t (id int PRIMARY KEY, v text) PARTITION BY RANGE (id); "
              "CREATE TABLE t_low PARTITION OF t FOR VALUES FROM (0) TO (100); "
              "CREATE TABLE t_high PARTITION OF t FOR VALUES FROM (100) TO (1000)",
              NULL);
    char *root = amt_pg_value(e.c, "SELECT 't'::regclass::oid");
    amt_pg_exec(e.c, "INSERT INTO t VALUES (5, 'low'), (500, 'high')");
    expect(e.src, SOURCE_MSG_BEGIN);
    for (int i = 0; i < 2; i++) {
        source_change_t ch = expect(e.src, SOURCE_MSG_INSERT);
        cr_assert_str_eq(ch.rel->name, "t");
        cr_assert_eq(ch.rel->relid, (uint32_t)strtoul(root, NULL, 10));
    }
    expect(e.src, SOURCE_MSG_COMMIT);
    free(root);
    env_finish(&e);
}

/* What the mirror's schema-change detection relies on [obs]: DDL and DML in one transaction
 * send a Relation message before the DML, whose columns are the new ones in attnum order. */
Test(source, stream_ddl_then_dml_in_one_transaction_sends_relation_first)
{
    stream_env_t e;
    env_start(&e, "src_stream_ddl", "CREATE TABLE t (id int PRIMARY KEY, a int, c int)", NULL);
    for (int round = 0; round < 5; round++) {
        amt_pg_exec(e.c,
                    "BEGIN; ALTER TABLE t DROP COLUMN c, ADD COLUMN c int; "
                    "INSERT INTO t VALUES (%d, 1, 2); COMMIT",
                    round);
        source_change_t ch = srct_next(e.src);
        cr_assert_eq(ch.kind, SOURCE_MSG_BEGIN);
        ch = srct_next(e.src);
        cr_assert_eq(ch.kind, SOURCE_MSG_RELATION, "round %d: %d before the insert", round,
                     ch.kind);
        ch = srct_next(e.src);
        cr_assert_eq(ch.kind, SOURCE_MSG_INSERT);
        ch = srct_next(e.src);
        cr_assert_eq(ch.kind, SOURCE_MSG_COMMIT);
    }
    env_finish(&e);
}

/* Closes the stream and opens the source again (binary tuples or not), not streaming. */
static void env_reopen(stream_env_t *e, bool binary)
{
    source_close(e->src);
    cr_assert(amt_wait_until(slot_inactive, e, 10000), "slot still active after close");
    e->opts.binary = binary;
    e->src = srct_open(&e->opts);
}

/* n changes (Begin, Commit and Relation left out) as comparable text, one line each. */
static void collect(source_t *src, int n, am_buf_t *out)
{
    for (int got = 0; got < n;) {
        source_change_t ch = srct_next(src);
        if (ch.kind != SOURCE_MSG_INSERT && ch.kind != SOURCE_MSG_UPDATE &&
            ch.kind != SOURCE_MSG_DELETE)
            continue;
        am_buf_printf(out, "%d ", (int)ch.kind);
        if (ch.old_vals)
            srct_row_repr(out, ch.rel, ch.old_vals);
        am_buf_puts(out, "/ ");
        if (ch.new_vals)
            srct_row_repr(out, ch.rel, ch.new_vals);
        am_buf_putc(out, '\n');
        got++;
    }
}

#define ALL_TYPES                                                                                  \
    "CREATE TABLE t (id bigint PRIMARY KEY, b bool, i2 int2, i4 int4, f4 float4, f8 float8, "      \
    "d date, tm time, ts timestamp, tz timestamptz, by bytea, tx text, vc varchar(20), "           \
    "bp char(5), nm name, n numeric(12,3), nu numeric, u uuid);"                                   \
    "ALTER TABLE t REPLICA IDENTITY FULL"

Test(source, stream_binary_tuples_decode_as_text_ones)
{
    stream_env_t e;
    env_open(&e, "src_stream_bin", ALL_TYPES, NULL, true);
    amt_pg_exec(e.c, "INSERT INTO t VALUES (1, true, -32768, 2147483647, 1.5, -0.1, '2024-02-29', "
                     "'23:59:59.999999', '2000-01-01 00:00:00.000001', '1969-12-31 23:59:59+00', "
                     "'\\x00ff10', E'tab\\there', 'varchar', 'ab', 'a name', -123456789.125, "
                     "'NaN', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');"
                     "INSERT INTO t VALUES (2, false, 0, -1, 'NaN', '-Infinity', 'infinity', "
                     "'00:00', '-infinity', 'infinity', '', '', '', '', '', 0, "
                     "-0.000000000000000000001, '00000000-0000-0000-0000-000000000000');"
                     "INSERT INTO t (id) VALUES (3);"
                     "INSERT INTO t VALUES (4, null, 7, 7, 'Infinity', 1e308, '4713-11-24 BC', "
                     "'12:00', '0001-01-01 00:00:00', '2262-04-11 23:47:16.854775+00', null, "
                     "repeat('x', 3000), null, 'xyzzy', null, 999999999.999, "
                     "12345678901234567890123456789.0123456789, null);"
                     "UPDATE t SET n = 0.001, tx = 'changed' WHERE id = 1;"
                     "DELETE FROM t WHERE id = 2");
    am_err_t err = {0};
    cr_assert(source_stream_start(e.src, e.point, &err), "%s", err.msg);
    cr_assert(source_stream_is_binary(e.src), "every column's type has a binary decoder");
    am_buf_t bin, text;
    am_buf_init(&bin);
    am_buf_init(&text);
    collect(e.src, 6, &bin);
    env_reopen(&e, false);
    cr_assert(source_stream_start(e.src, e.point, &err), "%s", err.msg);
    cr_assert_not(source_stream_is_binary(e.src));
    collect(e.src, 6, &text);
    cr_assert_str_eq(bin.data, text.data);
    am_buf_destroy(&bin);
    am_buf_destroy(&text);
    env_finish(&e);
}

Test(source, stream_binary_is_text_for_a_table_with_other_types)
{
    stream_env_t e;
    env_open(&e, "src_stream_bintext", "CREATE TABLE t (id int PRIMARY KEY, j jsonb, a int[])",
             NULL, true);
    amt_pg_exec(e.c, "INSERT INTO t VALUES (1, '{\"k\": [1, 2]}', '{3,4}')");
    am_err_t err = {0};
    cr_assert(source_stream_start(e.src, e.point, &err), "%s", err.msg);
    cr_assert_not(source_stream_is_binary(e.src));
    source_change_t ch;
    do
        ch = srct_next(e.src);
    while (ch.kind != SOURCE_MSG_INSERT);
    cr_assert_str_eq(srct_str(&ch.new_vals[1]), "{\"k\": [1, 2]}");
    cr_assert_eq(ch.new_vals[2].n_items, 2);
    env_finish(&e);
}

Test(source, stream_binary_refuses_a_column_it_cannot_carry)
{
    stream_env_t e;
    env_open(&e, "src_stream_binref", "CREATE TABLE t (id int PRIMARY KEY, v text)", NULL, true);
    am_err_t err = {0};
    cr_assert(source_stream_start(e.src, e.point, &err), "%s", err.msg);
    cr_assert(source_stream_is_binary(e.src));
    amt_pg_exec(e.c, "INSERT INTO t VALUES (1, 'one');"
                     "ALTER TABLE t ADD COLUMN j jsonb;"
                     "INSERT INTO t VALUES (2, 'two', '[2]')");
    source_change_t ch;
    do
        ch = srct_next(e.src);
    while (ch.kind != SOURCE_MSG_INSERT);
    cr_assert_str_eq(srct_str(&ch.new_vals[1]), "one");
    bool refused = false;
    for (int i = 0; i < 200 && !refused; i++) {
        bool got = false;
        err = (am_err_t){0};
        if (!source_next(e.src, 100, &ch, &got, &err))
            refused = true;
        else
            cr_assert(!got || ch.kind != SOURCE_MSG_INSERT, "the jsonb row was decoded");
    }
    cr_assert(refused, "the stream went on");
    cr_assert_str_eq(err.sqlstate, "0A000", "%s", err.msg);
    cr_assert(strstr(err.msg, "column j") && strstr(err.msg, "jsonb"), "%s", err.msg);
    cr_assert(source_stream_binary_refused(e.src));

    /* started again as the mirror does: text, from the same point, every row */
    env_reopen(&e, true);
    cr_assert(source_stream_start(e.src, e.point, &err), "%s", err.msg);
    cr_assert_not(source_stream_is_binary(e.src), "the catalog has a jsonb column now");
    int rows = 0;
    while (rows < 2) {
        ch = srct_next(e.src);
        if (ch.kind == SOURCE_MSG_INSERT)
            rows++;
    }
    cr_assert_str_eq(srct_str(&ch.new_vals[2]), "[2]");
    env_finish(&e);
}
