/*
 * tests/source/test_slot.c: slot look-up and drop (source/slot.c).
 */
#include "source_test.h"

Test(source, slot_exists_and_drop)
{
    amt_create_db("src_slot_drop");
    PGconn *c = amt_pg_connect("src_slot_drop");
    amt_pg_exec(c, "CREATE TABLE t (id int PRIMARY KEY)");
    source_table_ref_t tables[] = {{"public", "t"}};
    source_options_t o = srct_options("src_slot_drop", tables, 1);
    source_t *src = srct_open(&o);
    bool exists = true;
    am_err_t err = {0};
    cr_assert(source_slot_exists(src, &exists, &err), "%s", err.msg);
    cr_assert_not(exists);
    am_lsn_t point;
    cr_assert(source_initial_copy(src, srct_ignore_sink(), NULL, &point, &err), "%s", err.msg);
    cr_assert(source_slot_exists(src, &exists, &err), "%s", err.msg);
    cr_assert(exists);
    char *plugin = amt_pg_value(c, "SELECT plugin FROM pg_replication_slots WHERE slot_name = "
                                   "'src_slot_drop_slot'");
    cr_assert_str_eq(plugin, "pgoutput");
    free(plugin);
    cr_assert(source_slot_drop(src, &err), "%s", err.msg);
    cr_assert(source_slot_exists(src, &exists, &err), "%s", err.msg);
    cr_assert_not(exists);
    cr_assert(source_slot_drop(src, &err), "dropping a missing slot is fine: %s", err.msg);
    source_close(src);
    PQfinish(c);
}

Test(source, slot_of_another_database_is_refused)
{
    amt_create_db("src_slot_other");
    amt_create_db("src_slot_other2");
    PGconn *c = amt_pg_connect("src_slot_other2");
    amt_pg_exec(c, "SELECT pg_create_logical_replication_slot('src_slot_other_slot', "
                   "'pgoutput')");
    source_options_t o = srct_options("src_slot_other", NULL, 0);
    source_t *src = srct_open(&o);
    bool exists = false;
    am_err_t err = {0};
    cr_assert_not(source_slot_exists(src, &exists, &err));
    cr_assert_str_eq(err.sqlstate, "55000");
    cr_assert(strstr(err.msg, "src_slot_other2") != NULL, "%s", err.msg);
    amt_pg_exec(c, "SELECT pg_drop_replication_slot('src_slot_other_slot')");
    source_close(src);
    PQfinish(c);
}
