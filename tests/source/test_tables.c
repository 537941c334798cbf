/*
 * tests/source/test_tables.c: the catalog's view of tables (source/tables.c), finding tables by
 * glob and publication, replica identity checks before publishing (source/publication.c), the
 * slot's state, and a temporary slot's copy.
 */
#include "source_test.h"

static source_table_state_t *state_of(source_t *src, PGconn *c, const char *table)
{
    char *oid = amt_pg_value(c, "SELECT '%s'::regclass::oid", table);
    uint32_t relid = (uint32_t)strtoul(oid, NULL, 10);
    free(oid);
    source_table_state_t *st = NULL;
    size_t n = 0;
    am_lsn_t lsn = 0;
    am_err_t err = {0};
    cr_assert(source_table_states(src, &relid, 1, &st, &n, &lsn, &err), "%s", err.msg);
    cr_assert_eq(n, 1, "%s", table);
    cr_assert_gt(lsn, 0);
    return st;
}

static const source_attr_t *attr(const source_table_state_t *st, const char *name)
{
    for (size_t i = 0; i < st->n_attrs; i++)
        if (strcmp(st->attrs[i].name, name) == 0)
            return &st->attrs[i];
    cr_assert_fail("no column %s", name);
    return NULL;
}

Test(source, table_states_show_attnums_defaults_identity_and_storage)
{
    amt_create_db("src_states");
    PGconn *c = amt_pg_connect("src_states");
    amt_pg_exec(c, "CREATE TABLE t (id int, k text, v int DEFAULT 3, gone int, "
                   "g int GENERATED ALWAYS AS (v * 2) STORED, PRIMARY KEY (k, id)); "
                   "INSERT INTO t VALUES (1, 'a', 1, 1); ALTER TABLE t DROP COLUMN gone; "
                   "ALTER TABLE t ADD COLUMN m int DEFAULT 7; "
                   "CREATE TABLE f (a int, b text); ALTER TABLE f REPLICA IDENTITY FULL; "
                   "CREATE TABLE nokey (a int); "
                   "CREATE TABLE p (id int PRIMARY KEY) PARTITION BY RANGE (id); "
                   "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10)");
    source_table_ref_t none[] = {{"public", "t"}};
    source_options_t o = srct_options("src_states", none, 1);
    source_t *src = srct_open(&o);
    source_table_state_t *st = state_of(src, c, "t");
    cr_assert_eq(st->n_attrs, 5, "dropped columns are not listed");
    cr_assert_eq(attr(st, "m")->attnum, 6);
    cr_assert(attr(st, "m")->has_missing);
    cr_assert_str_eq(attr(st, "m")->default_expr, "7");
    cr_assert(attr(st, "g")->generated);
    cr_assert_not(attr(st, "v")->has_missing);
    cr_assert_eq(st->n_key, 2);
    cr_assert_eq(st->key[0], 2, "k first: the index's column order");
    cr_assert_eq(st->key[1], 1);
    cr_assert_eq(st->n_storage, 1);
    uint32_t node = st->storage[0].relfilenode;
    source_table_states_free(st, 1);
    /* a rewrite gives new contents a new relfilenode */
    amt_pg_exec(c, "ALTER TABLE t ALTER COLUMN id TYPE bigint");
    st = state_of(src, c, "t");
    cr_assert_neq(st->storage[0].relfilenode, node);
    cr_assert_eq(attr(st, "id")->type_oid, 20);
    source_table_states_free(st, 1);
    st = state_of(src, c, "f");
    cr_assert_eq(st->replident, 'f');
    cr_assert_eq(st->n_key, 2, "FULL: every column");
    source_table_states_free(st, 1);
    st = state_of(src, c, "nokey");
    cr_assert_eq(st->n_key, 0);
    source_table_states_free(st, 1);
    st = state_of(src, c, "p");
    cr_assert_eq(st->relkind, 'p');
    cr_assert_eq(st->n_storage, 2, "the root and its partition");
    source_table_states_free(st, 1);
    /* a dropped table is simply absent */
    char *oid = amt_pg_value(c, "SELECT 'nokey'::regclass::oid");
    uint32_t relid = (uint32_t)strtoul(oid, NULL, 10);
    free(oid);
    amt_pg_exec(c, "DROP TABLE nokey");
    size_t n = 1;
    am_lsn_t lsn = 0;
    am_err_t err = {0};
    cr_assert(source_table_states(src, &relid, 1, &st, &n, &lsn, &err), "%s", err.msg);
    cr_assert_eq(n, 0);
    source_table_states_free(st, n);
    source_close(src);
    PQfinish(c);
}

/* Columns of user types carry their type chain: the enum's labels by oid in sort order and a
 * composite's attributes, through domains, arrays and composites; built-in types none. ALTER
 * TYPE shows in it. */
Test(source, table_states_show_user_type_chains)
{
    amt_create_db("src_typechain");
    PGconn *c = amt_pg_connect("src_typechain");
    amt_pg_exec(c, "CREATE TYPE color AS ENUM ('red', 'green'); "
                   "CREATE DOMAIN shade AS color; CREATE DOMAIN pos AS int CHECK (VALUE > 0); "
                   "CREATE TYPE pair AS (n int, k shade); "
                   "CREATE TABLE t (id int PRIMARY KEY, c color, cs color[], s shade, "
                   "ss shade[], p pos, cp pair)");
    source_table_ref_t none[] = {{"public", "t"}};
    source_options_t o = srct_options("src_typechain", none, 1);
    source_t *src = srct_open(&o);
    char *red = amt_pg_value(c, "SELECT oid FROM pg_enum WHERE enumlabel = 'red'");
    char *green = amt_pg_value(c, "SELECT oid FROM pg_enum WHERE enumlabel = 'green'");
    char want[200];
    snprintf(want, sizeof want, "[[\"public\",\"color\",[[%s,\"red\"],[%s,\"green\"]],null]]", red,
             green);
    source_table_state_t *st = state_of(src, c, "t");
    cr_assert_null(attr(st, "id")->type_ident);
    cr_assert_str_eq(attr(st, "c")->type_ident, want);
    cr_assert(strstr(attr(st, "cs")->type_ident, "[\"public\",\"_color\",null,null]"));
    cr_assert(strstr(attr(st, "cs")->type_ident, "\"red\""));
    cr_assert(strstr(attr(st, "ss")->type_ident, "\"shade\""), "%s", attr(st, "ss")->type_ident);
    cr_assert(strstr(attr(st, "ss")->type_ident, "\"green\""));
    cr_assert_str_eq(attr(st, "p")->type_ident,
                     "[[\"public\",\"pos\",null,null],[\"pg_catalog\",\"int4\",null,null]]");
    cr_assert(
        strstr(attr(st, "cp")->type_ident, "[\"public\",\"pair\",null,[[\"n\",23,-1],[\"k\","),
        "%s", attr(st, "cp")->type_ident);
    cr_assert(strstr(attr(st, "cp")->type_ident, "\"green\""), "the composite's enum");
    char *before = strdup(attr(st, "s")->type_ident);
    source_table_states_free(st, 1);
    amt_pg_exec(c, "ALTER TYPE color ADD VALUE 'blue' BEFORE 'green'");
    st = state_of(src, c, "t");
    cr_assert_str_neq(attr(st, "s")->type_ident, before);
    cr_assert(strstr(attr(st, "s")->type_ident, "\"red\"],[") &&
                  strstr(attr(st, "s")->type_ident, "\"blue\"],["),
              "%s", attr(st, "s")->type_ident);
    source_table_states_free(st, 1);
    free(before);
    free(red);
    free(green);
    source_close(src);
    PQfinish(c);
}

Test(source, tables_match_globs_and_automatic_publications)
{
    amt_create_db("src_match");
    PGconn *c = amt_pg_connect("src_match");
    amt_pg_exec(c, "CREATE SCHEMA s; CREATE TABLE a1 (id int PRIMARY KEY); "
                   "CREATE TABLE a2 (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY); "
                   "CREATE TABLE s.x (id int PRIMARY KEY); "
                   "CREATE TABLE p (id int PRIMARY KEY) PARTITION BY RANGE (id); "
                   "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10)");
    source_table_ref_t t[] = {{"public", "b"}};
    source_options_t o = srct_options("src_match", t, 1);
    source_t *src = srct_open(&o);
    source_table_ref_t globs[] = {{"public", "a*"}, {"s", "*"}, {"public", "p*"}};
    source_table_id_t *ids = NULL;
    size_t n = 0;
    bool automatic = true;
    am_err_t err = {0};
    cr_assert(source_tables_match(src, globs, 3, &ids, &n, &automatic, &err), "%s", err.msg);
    cr_assert_not(automatic, "a FOR TABLE publication adds nothing");
    cr_assert_eq(n, 4, "a1, a2, p (not its partition), s.x");
    cr_assert_str_eq(ids[0].name, "a1");
    cr_assert_str_eq(ids[2].name, "p");
    cr_assert_str_eq(ids[3].schema, "s");
    source_table_ids_free(ids, n);
    source_close(src);
    /* a FOR ALL TABLES publication brings every table it publishes */
    amt_pg_exec(c, "CREATE PUBLICATION src_match_all FOR ALL TABLES");
    o.publication = "src_match_all";
    src = srct_open(&o);
    cr_assert(source_tables_match(src, globs, 0, &ids, &n, &automatic, &err), "%s", err.msg);
    cr_assert(automatic);
    cr_assert_eq(n, 5, "a1, a2, b, p1 (published on its own), s.x: %zu", n);
    source_table_ids_free(ids, n);
    source_close(src);
    PQfinish(c);
}

static char *published(PGconn *c, const char *pub)
{
    return amt_pg_value(c,
                        "SELECT coalesce(string_agg(tablename, ',' ORDER BY tablename), '') "
                        "FROM pg_publication_tables WHERE pubname = '%s'",
                        pub);
}

Test(source, tables_without_identity_never_break_the_source)
{
    amt_create_db("src_ident");
    PGconn *c = amt_pg_connect("src_ident");
    /* an earlier version put the key-less table into the publication */
    amt_pg_exec(c, "CREATE TABLE k (id int PRIMARY KEY); CREATE TABLE log (msg text); "
                   "CREATE TABLE loose (v int); CREATE TABLE f (v int); "
                   "ALTER TABLE f REPLICA IDENTITY FULL; INSERT INTO log VALUES ('a'); "
                   "INSERT INTO loose VALUES (1); "
                   "CREATE PUBLICATION src_ident_pub FOR TABLE k, loose");
    source_table_ref_t t[] = {{"public", "k"}};
    source_options_t o = srct_options("src_ident", t, 1);
    source_t *src = srct_open(&o);
    source_table_ref_t tables[] = {
        {"public", "k"}, {"public", "log"}, {"public", "loose"}, {"public", "f"}};
    const bool insert_only[] = {false, true, false, false};
    source_publish_t result[4];
    am_err_t err = {0};
    cr_assert(source_tables_publish(src, tables, insert_only, 4, result, &err), "%s", err.msg);
    cr_assert_eq(result[0], SOURCE_PUBLISHED);
    cr_assert_eq(result[1], SOURCE_PUBLISHED_INSERTS);
    cr_assert_eq(result[2], SOURCE_REFUSED);
    cr_assert_eq(result[3], SOURCE_PUBLISHED);
    char *got = published(c, "src_ident_pub");
    cr_assert_str_eq(got, "f,k", "loose taken out again: %s", got);
    free(got);
    got = published(c, "src_ident_pub_ins");
    cr_assert_str_eq(got, "log");
    free(got);
    /* the application's updates and deletes keep working */
    amt_pg_exec(c, "UPDATE log SET msg = 'b'; DELETE FROM log; UPDATE loose SET v = 2; "
                   "DELETE FROM loose");
    source_close(src);
    /* the refusal names the table and the fixes */
    char why[512];
    source_refusal_message("public", "log", SOURCE_REFUSED, why, sizeof why);
    cr_assert(strstr(why, "public.log"), "%s", why);
    cr_assert(strstr(why, "REPLICA IDENTITY FULL"), "%s", why);
    cr_assert(strstr(why, "primary key"), "%s", why);
    cr_assert(strstr(why, "insert_only"), "%s", why);
    PQfinish(c);
}

static bool copied_slot(void *ud, am_lsn_t cp, am_err_t *err)
{
    (void)err;
    *(am_lsn_t *)ud = cp;
    return true;
}

static bool copied_begin(void *ud, const source_relation_t *rel, int64_t est, am_err_t *err)
{
    (void)ud, (void)rel, (void)est, (void)err;
    return true;
}

static bool copied_row(void *ud, const am_value_t *vals, am_err_t *err)
{
    (void)ud, (void)vals, (void)err;
    return true;
}

static bool copied_end(void *ud, const source_relation_t *rel, int64_t n, am_err_t *err)
{
    (void)ud, (void)rel, (void)n, (void)err;
    return true;
}

static bool copied_state(void *ud, const source_table_state_t *st, am_err_t *err)
{
    (void)ud, (void)err;
    cr_assert_eq(st->n_attrs, 1);
    return true;
}

Test(source, temporary_slot_copies_and_goes_with_its_connection)
{
    amt_create_db("src_temp");
    PGconn *c = amt_pg_connect("src_temp");
    amt_pg_exec(c, "CREATE TABLE a (id int PRIMARY KEY); INSERT INTO a VALUES (1)");
    source_table_ref_t t[] = {{"public", "a"}};
    source_options_t o = srct_options("src_temp", t, 1);
    o.temporary_slot = true;
    source_t *src = srct_open(&o);
    source_copy_sink_t sink = {.slot_created = copied_slot,
                               .table_begin = copied_begin,
                               .row = copied_row,
                               .table_end = copied_end,
                               .table_state = copied_state};
    am_lsn_t cp = 0, point = 0;
    am_err_t err = {0};
    cr_assert(source_initial_copy(src, &sink, &cp, &point, &err), "%s", err.msg);
    source_slot_info_t info;
    cr_assert(source_slot_info(src, &info, &err), "%s", err.msg);
    cr_assert(info.exists);
    cr_assert_eq(info.confirmed_flush, point);
    cr_assert_str_eq(info.wal_status, "reserved");
    char *temp = amt_pg_value(
        c, "SELECT temporary FROM pg_replication_slots WHERE slot_name = '%s'", o.slot);
    cr_assert_str_eq(temp, "t");
    free(temp);
    source_close(src);
    char *left =
        amt_pg_value(c, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '%s'", o.slot);
    for (int i = 0; i < 100 && strcmp(left, "0") != 0; i++) { /* the walsender exits */
        free(left);
        am_sleep_ms(50);
        left = amt_pg_value(c, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '%s'",
                            o.slot);
    }
    cr_assert_str_eq(left, "0");
    free(left);
    PQfinish(c);
}
