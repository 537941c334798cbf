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
