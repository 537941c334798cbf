/*
 * tests/source/test_publication.c: source_open creates or completes the publication
 * (source/publication.c), with names that need quoting.
 */
#include "source_test.h"

static char *published(PGconn *c, const char *pub)
{
    return amt_pg_value(c,
                        "SELECT coalesce(string_agg(schemaname || '.' || tablename, ',' "
                        "ORDER BY schemaname, tablename), '') FROM pg_publication_tables "
                        "WHERE pubname = '%s'",
                        pub);
}

Test(source, publication_created_for_configured_tables)
{
    amt_create_db("src_pub_create");
    PGconn *c = amt_pg_connect("src_pub_create");
    amt_pg_exec(c, "CREATE SCHEMA \"My Schema\"; "
                   "CREATE TABLE \"My Schema\".\"Odd \"\"Name\" (id int PRIMARY KEY); "
                   "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE other (id int)");
    source_table_ref_t tables[] = {{"My Schema", "Odd \"Name"}, {"public", "a"}};
    source_options_t o = srct_options("src_pub_create", tables, 2);
    source_close(srct_open(&o));
    char *got = published(c, o.publication);
    cr_assert_str_eq(got, "My Schema.Odd \"Name,public.a");
    free(got);
    /* opening again changes nothing */
    source_close(srct_open(&o));
    got = published(c, o.publication);
    cr_assert_str_eq(got, "My Schema.Odd \"Name,public.a");
    free(got);
    PQfinish(c);
}

Test(source, publication_gains_missing_tables)
{
    amt_create_db("src_pub_alter");
    PGconn *c = amt_pg_connect("src_pub_alter");
    amt_pg_exec(c, "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY); "
                   "CREATE TABLE keep (id int PRIMARY KEY); "
                   "CREATE PUBLICATION src_pub_alter_pub FOR TABLE a, keep");
    source_table_ref_t tables[] = {{"public", "a"}, {"public", "b"}};
    source_options_t o = srct_options("src_pub_alter", tables, 2);
    source_close(srct_open(&o));
    char *got = published(c, o.publication);
    cr_assert_str_eq(got, "public.a,public.b,public.keep", "never narrowed: %s", got);
    free(got);
    PQfinish(c);
}

Test(source, publication_for_all_tables_left_alone)
{
    amt_create_db("src_pub_all");
    PGconn *c = amt_pg_connect("src_pub_all");
    amt_pg_exec(c, "CREATE TABLE a (id int PRIMARY KEY); "
                   "CREATE PUBLICATION src_pub_all_pub FOR ALL TABLES");
    source_table_ref_t tables[] = {{"public", "a"}};
    source_options_t o = srct_options("src_pub_all", tables, 1);
    source_close(srct_open(&o));
    char *all = amt_pg_value(c, "SELECT puballtables FROM pg_publication");
    cr_assert_str_eq(all, "t");
    free(all);
    PQfinish(c);
}

/* What puts a table in the publication, and the publication's own row: a table taken out and
 * added back is named by a new row, the publish list narrowed and widened again rewrites the
 * publication's; adding other tables changes neither. */
Test(source, publication_members_and_rows_show_a_gap)
{
    amt_create_db("src_pub_rows");
    PGconn *c = amt_pg_connect("src_pub_rows");
    amt_pg_exec(c, "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY); "
                   "CREATE TABLE n (id int PRIMARY KEY)");
    source_table_ref_t tables[] = {{"public", "a"}, {"public", "b"}};
    source_options_t o = srct_options("src_pub_rows", tables, 2);
    source_t *src = srct_open(&o);
    char *ids = amt_pg_value(c, "SELECT 'public.a'::regclass::oid || ',' || "
                                "'public.b'::regclass::oid");
    uint32_t relids[2];
    cr_assert_eq(sscanf(ids, "%u,%u", &relids[0], &relids[1]), 2);
    free(ids);
    am_err_t err = {0};
    char *before[2] = {0}, *after[2] = {0}, *rows0 = NULL, *rows1 = NULL, *rows2 = NULL;
    cr_assert(source_publication_members(src, relids, 2, before, &err), "%s", err.msg);
    cr_assert(source_publication_rows(src, &rows0, &err), "%s", err.msg);
    cr_expect(before[0][0] == 'r' && strcmp(before[0], before[1]) != 0, "%s %s", before[0],
              before[1]);
    cr_expect(strncmp(rows0, "main=", 5) == 0, "%s", rows0);
    amt_pg_exec(c, "ALTER PUBLICATION \"%s\" ADD TABLE n", o.publication);
    amt_pg_exec(c,
                "BEGIN; ALTER PUBLICATION \"%s\" DROP TABLE a; "
                "ALTER PUBLICATION \"%s\" ADD TABLE a; COMMIT",
                o.publication, o.publication);
    cr_assert(source_publication_members(src, relids, 2, after, &err), "%s", err.msg);
    cr_assert(source_publication_rows(src, &rows1, &err), "%s", err.msg);
    cr_expect_str_neq(before[0], after[0], "taken out and added back: a new row");
    cr_expect_str_eq(before[1], after[1], "another table added: b's row stays");
    cr_expect_str_eq(rows0, rows1, "tables added and dropped leave the publication's row");
    cr_expect_not(source_publication_rows_changed(rows0, rows1));
    amt_pg_exec(c,
                "ALTER PUBLICATION \"%s\" SET (publish = 'insert'); "
                "ALTER PUBLICATION \"%s\" SET (publish = 'insert, update, delete, truncate')",
                o.publication, o.publication);
    cr_assert(source_publication_rows(src, &rows2, &err), "%s", err.msg);
    cr_expect(source_publication_rows_changed(rows1, rows2), "%s -> %s", rows1, rows2);
    /* a publication that appears (the mirror's "_ins" one) is no change; one that goes is */
    char *with_ins = am_xasprintf("%s,ins=1:2", rows2);
    cr_expect_not(source_publication_rows_changed(rows2, with_ins));
    cr_expect(source_publication_rows_changed(with_ins, rows2));
    cr_expect(source_publication_rows_changed("main=1:2", ""));
    cr_expect(source_publication_rows_changed("main=1:2", "main=1:23"));
    cr_expect_not(source_publication_rows_changed("", "main=1:2"));
    free(with_ins);
    for (int i = 0; i < 2; i++) {
        free(before[i]);
        free(after[i]);
    }
    free(rows0);
    free(rows1);
    free(rows2);
    source_close(src);
    PQfinish(c);
}
