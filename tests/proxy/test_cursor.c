/*
 * tests/proxy/test_cursor.c: SQL cursors (DECLARE / FETCH / MOVE / CLOSE) as psycopg2's
 * named cursors use them, every statement compared with the same session on PostgreSQL:
 * forward fetches in pieces with PostgreSQL's tags, other statements between fetches, WITH
 * HOLD across COMMIT, the errors PostgreSQL gives; backward moves fail where PostgreSQL's
 * fail and are refused (0A000) where PostgreSQL could scroll; FETCH through the extended
 * protocol.
 */
#include "proxy_test.h"

typedef struct pair {
    PGconn *px, *pg;
} pair_t;

static void same(const pair_t *s, const char *sql)
{
    pt_expect_same(s->px, s->pg, sql);
}

Test(proxy, declare_fetch_move_close)
{
    pt_proxy_t t = pt_start("cursor");
    pair_t s = {pt_connect(&t), pt_pg_connect("postgres")};
    same(&s, "BEGIN");
    same(&s, "DECLARE \"Named\" CURSOR WITHOUT HOLD FOR SELECT i AS n, i * 2 AS twice "
             "FROM generate_series(0, 9) t(i) ORDER BY i");
    same(&s, "FETCH FORWARD 3 FROM \"Named\"");
    same(&s, "FETCH \"Named\"");
    same(&s, "MOVE 2 IN \"Named\"");
    /* another statement between fetches leaves the cursor where it was */
    same(&s, "SELECT 42");
    same(&s, "FETCH NEXT FROM \"Named\"");
    same(&s, "FETCH ALL FROM \"Named\"");
    same(&s, "FETCH FORWARD 5 FROM \"Named\"");
    same(&s, "CLOSE \"Named\"");
    same(&s, "FETCH 1 FROM \"Named\"");
    same(&s, "ROLLBACK");
    pt_expect_value(s.px, "SELECT 'usable'", "usable");
    PQfinish(s.px);
    PQfinish(s.pg);
    pt_stop(&t);
}

Test(proxy, cursors_end_with_their_transaction_unless_held)
{
    pt_proxy_t t = pt_start("cursor_hold");
    pair_t s = {pt_connect(&t), pt_pg_connect("postgres")};
    static const char *const steps[] = {
        "DECLARE c CURSOR FOR SELECT 1 AS n", /* 25P01 outside a block */
        "BEGIN",
        "DECLARE c CURSOR FOR SELECT i AS n FROM generate_series(0, 3) t(i) ORDER BY i",
        "DECLARE h CURSOR WITH HOLD FOR SELECT i AS n FROM generate_series(0, 3) t(i) ORDER BY i",
        "DECLARE h CURSOR FOR SELECT 1", /* 42P03 */
        "ROLLBACK",
        /* a rollback takes the block's cursors, held or not */
        "FETCH 1 FROM h",
        "BEGIN",
        "DECLARE h CURSOR WITH HOLD FOR SELECT i AS n FROM generate_series(0, 3) t(i) ORDER BY i",
        "DECLARE c CURSOR FOR SELECT 1 AS n",
        "COMMIT",
        "FETCH 1 FROM c",
        "FETCH 2 FROM h",
        "CLOSE ALL",
        "FETCH 1 FROM h",
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        same(&s, steps[i]);
    PQfinish(s.px);
    PQfinish(s.pg);
    pt_stop(&t);
}

static const char cursor_sql[] = "CREATE TABLE items (id int PRIMARY KEY, label text);"
                                 "INSERT INTO items SELECT i, 'item ' || i "
                                 "FROM generate_series(1, 4) i";
static const source_table_ref_t cursor_tables[] = {{"public", "items"}};

Test(proxy, cursors_scan_forward_and_read_only)
{
    pt_mirror_t m = pt_mirror_open("proxy_cursor_errors", cursor_sql, cursor_tables, 1);
    pt_proxy_t t = pt_start_mirror(&m);
    pair_t s = {pt_connect(&t), pt_pg_connect(m.db)};
    static const char *const steps[] = {
        "BEGIN",
        "DECLARE c NO SCROLL CURSOR FOR SELECT id AS n FROM items ORDER BY id",
        "FETCH 2 FROM c",
        "FETCH BACKWARD 1 FROM c", /* 55000 */
        "ROLLBACK",
        "FETCH BACKWARD 1 FROM nosuch", /* 34000 before any direction check */
        "FETCH 1 FROM nosuch",
        "CLOSE nosuch",
        "BEGIN",
        "DECLARE w CURSOR FOR DELETE FROM items", /* 42601 */
        "ROLLBACK",
        "BEGIN",
        "DECLARE u CURSOR FOR SELECT * FROM items FOR UPDATE", /* 25006: read-only */
        "ROLLBACK",
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        same(&s, steps[i]);
    /* PostgreSQL scrolls a SCROLL cursor (and others whose plan can run backward); the mirror
     * keeps a cursor's rows in one forward pass and refuses */
    static const char *const refused[][2] = {
        {"SCROLL", "FETCH BACKWARD 1 FROM c"},
        {"", "FETCH PRIOR FROM c"},
        {"", "FETCH -1 FROM c"},
        {"", "FETCH ABSOLUTE 2 FROM c"},
        {"NO SCROLL", "FETCH RELATIVE 1 FROM c"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        char decl[128];
        snprintf(decl, sizeof decl, "DECLARE c %s CURSOR FOR SELECT id AS n FROM items ORDER BY id",
                 refused[i][0]);
        pt_exec(s.px, "BEGIN");
        pt_exec(s.px, decl);
        pt_expect_value(s.px, "FETCH 2 FROM c", "1");
        pt_expect_error(s.px, refused[i][1], "0A000");
        pt_exec(s.px, "ROLLBACK");
    }
    PQfinish(s.px);
    PQfinish(s.pg);
    pt_stop(&t);
    pt_mirror_close(&m);
}

Test(proxy, fetch_through_the_extended_protocol)
{
    pt_proxy_t t = pt_start("cursor_ext");
    pair_t s = {pt_connect(&t), pt_pg_connect("postgres")};
    same(&s, "BEGIN");
    same(&s, "DECLARE c CURSOR FOR SELECT i AS n FROM generate_series(0, 4) t(i) ORDER BY i");
    for (int round = 0; round < 3; round++)
        pt_expect_same_params(s.px, s.pg, "FETCH 2 FROM c", 0, NULL, 0);
    pt_expect_same_params(s.px, s.pg, "CLOSE c", 0, NULL, 0);
    same(&s, "COMMIT");
    PQfinish(s.px);
    PQfinish(s.pg);
    pt_stop(&t);
}
