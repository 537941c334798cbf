/*
 * tests/config/test_load.c: the YAML walk (config/load.c): every error kind names the file,
 * the line and the key path; the example file of the README loads as written.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "../support/testlib.h"

static const char *const example = "postgres:\n"
                                   "  host: db.example\n"
                                   "  port: 5432\n"
                                   "  user: replicator\n"
                                   "  password: secret\n"
                                   "  database: mydb\n"
                                   "  slot: iceberg_replica\n"
                                   "  publication: pub_all\n"
                                   "tables:\n"
                                   "  - schema: public\n"
                                   "    name: users\n"
                                   "  - schema: public\n"
                                   "    name: orders\n"
                                   "iceberg:\n"
                                   "  path: /data/warehouse\n"
                                   "proxy:\n"
                                   "  port: 6543\n";

/* The minimal valid file plus extra lines appended at the end. */
static char *minimal_with(const char *extra)
{
    char *s = NULL;
    cr_assert(asprintf(&s,
                       "postgres:\n"
                       "  user: u\n"
                       "  database: d\n"
                       "tables:\n"
                       "  - name: t\n"
                       "iceberg:\n"
                       "  path: /w\n"
                       "%s",
                       extra) > 0);
    return s;
}

static void expect_error(const char *yaml, const char *want)
{
    config_t cfg;
    am_err_t err = {0};
    bool ok = config_load_bytes(&cfg, yaml, strlen(yaml), "config.yaml", false, &err);
    cr_assert_not(ok, "loaded, expected: %s", want);
    cr_assert_str_eq(err.sqlstate, "F0000");
    cr_assert_str_eq(err.msg, want);
    cr_assert_null(cfg.file, "cfg must be left empty");
    cr_assert_null(cfg.tables);
    config_destroy(&cfg);
}

static void expect_error_with(const char *extra, const char *want)
{
    char *s = minimal_with(extra);
    expect_error(s, want);
    free(s);
}

Test(config, example_loads_every_key)
{
    config_t cfg;
    am_err_t err = {0};
    cr_assert(config_load_bytes(&cfg, example, strlen(example), "config.yaml", false, &err), "%s",
              err.msg);
    cr_assert_str_eq(cfg.file, "config.yaml");
    cr_assert_str_eq(cfg.postgres.host, "db.example");
    cr_assert_eq(cfg.postgres.port, 5432);
    cr_assert_str_eq(cfg.postgres.user, "replicator");
    cr_assert_str_eq(cfg.postgres.password, "secret");
    cr_assert_str_eq(cfg.postgres.database, "mydb");
    cr_assert_str_eq(cfg.postgres.slot, "iceberg_replica");
    cr_assert_str_eq(cfg.postgres.publication, "pub_all");
    cr_assert_eq(cfg.n_tables, 2);
    cr_assert_str_eq(cfg.tables[0].schema, "public");
    cr_assert_str_eq(cfg.tables[0].name, "users");
    cr_assert_str_eq(cfg.tables[1].name, "orders");
    cr_assert_str_eq(cfg.iceberg.path, "/data/warehouse");
    cr_assert_eq(cfg.proxy.port, 6543);
    config_destroy(&cfg);
    config_destroy(&cfg); /* destroyed config is empty: a second destroy is harmless */
}

Test(config, defaults_fill_optional_keys)
{
    char *s = minimal_with("");
    config_t cfg;
    am_err_t err = {0};
    cr_assert(config_load_bytes(&cfg, s, strlen(s), "c.yaml", false, &err), "%s", err.msg);
    cr_assert_str_eq(cfg.postgres.host, "localhost");
    cr_assert_eq(cfg.postgres.port, 5432);
    cr_assert_str_eq(cfg.postgres.password, "");
    cr_assert_str_eq(cfg.postgres.slot, "arctic_mirror");
    cr_assert_str_eq(cfg.postgres.publication, "arctic_mirror_pub");
    cr_assert_eq(cfg.proxy.port, 5433);
    cr_assert_eq(cfg.n_tables, 1);
    cr_assert_str_eq(cfg.tables[0].schema, "public", "schema defaults to public");
    config_destroy(&cfg);
    free(s);
}

Test(config, bad_port_names_line_key_and_value)
{
    expect_error(
        "postgres:\n  user: u\n  port: 54x32\n",
        "config.yaml:3: key \"postgres.port\": expected an integer 1-65535, got \"54x32\"");
    expect_error_with("proxy:\n  port: 0\n",
                      "config.yaml:9: key \"proxy.port\": expected an integer 1-65535, got \"0\"");
    expect_error_with("proxy:\n  port: 65536\n", "config.yaml:9: key \"proxy.port\": expected an "
                                                 "integer 1-65535, got \"65536\"");
    expect_error_with("proxy:\n  port: -1\n",
                      "config.yaml:9: key \"proxy.port\": expected an integer 1-65535, got \"-1\"");
    expect_error_with("proxy:\n  port:\n",
                      "config.yaml:9: key \"proxy.port\": expected an integer 1-65535, got \"\"");
}

Test(config, quoted_port_is_accepted)
{
    char *s = minimal_with("proxy:\n  port: \"6000\"\n");
    config_t cfg;
    am_err_t err = {0};
    cr_assert(config_load_bytes(&cfg, s, strlen(s), "c.yaml", false, &err), "%s", err.msg);
    cr_assert_eq(cfg.proxy.port, 6000);
    config_destroy(&cfg);
    free(s);
}

Test(config, unknown_keys_name_their_path)
{
    expect_error("postgres:\n  user: u\n  hots: x\n",
                 "config.yaml:3: unknown key \"postgres.hots\"");
    expect_error_with("replication:\n  x: 1\n", "config.yaml:8: unknown key \"replication\"");
    expect_error_with("postgres.port: 1\n", "config.yaml:8: unknown key \"postgres.port\"");
    expect_error("tables:\n  - nmae: t\n", "config.yaml:2: unknown key \"tables[0].nmae\"");
}

Test(config, mapping_where_scalar_belongs)
{
    expect_error(
        "postgres:\n  host:\n    name: x\n",
        "config.yaml:2: key \"postgres.host\": expected a non-empty string, got a mapping");
    expect_error("postgres:\n  port: [1, 2]\n",
                 "config.yaml:2: key \"postgres.port\": expected an integer 1-65535, got a list");
    expect_error("postgres: localhost\n",
                 "config.yaml:1: key \"postgres\": expected a mapping, got a scalar");
    expect_error("- a\n- b\n", "config.yaml:1: expected a mapping at the top level, got a list");
    expect_error("? [a]\n: b\n",
                 "config.yaml:1: expected a string key in \"(top level)\", got a list");
}

Test(config, empty_required_strings_fail)
{
    expect_error("postgres:\n  user: \"\"\n",
                 "config.yaml:2: key \"postgres.user\": expected a non-empty string");
    expect_error("postgres:\n  user: ~\n",
                 "config.yaml:2: key \"postgres.user\": expected a non-empty string");
    expect_error("iceberg:\n  path: ''\n",
                 "config.yaml:2: key \"iceberg.path\": expected a non-empty string");
}

Test(config, missing_required_keys)
{
    expect_error("", "config.yaml: missing required key \"postgres.user\" (or set POSTGRES_USER)");
    expect_error("postgres:\n  user: u\n  database: d\ntables:\n  - name: t\n",
                 "config.yaml: missing required key \"iceberg.path\"");
    expect_error("postgres:\n  user: u\n  database: d\niceberg:\n  path: /w\n",
                 "config.yaml: missing required key \"tables\"");
}

Test(config, table_entries)
{
    expect_error("tables:\n  - schema: s\n    x: 1\n",
                 "config.yaml:3: unknown key \"tables[0].x\"");
    expect_error("tables:\n  - name: a\n  - schema: s\n",
                 "config.yaml:3: missing required key \"tables[1].name\"");
    expect_error("tables:\n  - name: a\n  - schema: public\n    name: a\n",
                 "config.yaml:3: key \"tables[1]\": duplicate table \"public.a\" (also tables[0])");
    expect_error("tables: []\n", "config.yaml:1: key \"tables\": expected at least one table");
    expect_error("tables:\n", "config.yaml:1: key \"tables\": expected a list of tables, got "
                              "nothing");
    expect_error("tables:\n  - users\n", "config.yaml:2: key \"tables[0]\": expected a mapping "
                                         "with schema and name, got a scalar");
    expect_error("tables:\n  - name: \"\"\n",
                 "config.yaml:2: key \"tables[0].name\": expected a non-empty name");
}

Test(config, same_table_name_in_other_schema_is_fine)
{
    const char *s = "postgres: {user: u, database: d}\n"
                    "tables: [{name: a}, {schema: other, name: a}]\n"
                    "iceberg: {path: /w}\n";
    config_t cfg;
    am_err_t err = {0};
    cr_assert(config_load_bytes(&cfg, s, strlen(s), "c.yaml", false, &err), "%s", err.msg);
    cr_assert_eq(cfg.n_tables, 2);
    cr_assert_str_eq(cfg.tables[1].schema, "other");
    config_destroy(&cfg);
}

Test(config, long_table_name_fails)
{
    char name[80];
    memset(name, 'n', 64);
    name[64] = '\0';
    char *s = NULL;
    cr_assert(asprintf(&s, "tables:\n  - name: %s\n", name) > 0);
    char *want = NULL;
    cr_assert(asprintf(&want,
                       "config.yaml:2: key \"tables[0].name\": PostgreSQL names are at most 63 "
                       "bytes, got 64 (\"%s\")",
                       name) > 0);
    expect_error(s, want);
    free(s);
    free(want);
}

Test(config, duplicate_keys)
{
    expect_error("postgres:\n  user: a\n  user: b\n",
                 "config.yaml:3: duplicate key \"postgres.user\"");
    expect_error("postgres:\n  user: a\npostgres:\n  user: b\n",
                 "config.yaml:3: duplicate key \"postgres\"");
    expect_error("tables:\n  - name: a\n    name: b\n",
                 "config.yaml:3: duplicate key \"tables[0].name\"");
}

Test(config, slot_and_publication_must_be_identifiers)
{
    expect_error("postgres:\n  slot: Bad-Slot\n",
                 "config.yaml:2: key \"postgres.slot\": expected a name of 1-63 lower case "
                 "letters, digits or underscores, got \"Bad-Slot\"");
    expect_error("postgres:\n  publication: \"pub all\"\n",
                 "config.yaml:2: key \"postgres.publication\": expected a name of 1-63 lower case "
                 "letters, digits or underscores, got \"pub all\"");
    char *s = NULL;
    cr_assert(asprintf(&s, "postgres:\n  slot: %064d\n", 0) > 0);
    config_t cfg;
    am_err_t err = {0};
    cr_assert_not(config_load_bytes(&cfg, s, strlen(s), "config.yaml", false, &err));
    cr_assert(strstr(err.msg, "key \"postgres.slot\""), "%s", err.msg);
    free(s);
}

Test(config, invalid_yaml_reports_libyaml_line_and_column)
{
    config_t cfg;
    am_err_t err = {0};
    const char *s = "postgres:\n  user: u\n   bad: [\n";
    cr_assert_not(config_load_bytes(&cfg, s, strlen(s), "config.yaml", false, &err));
    cr_assert_str_eq(err.sqlstate, "F0000");
    cr_assert(strncmp(err.msg, "config.yaml:3:", 14) == 0, "%s", err.msg);
    cr_assert(strstr(err.msg, "invalid YAML: "), "%s", err.msg);

    const char *tab = "postgres:\n\tuser: u\n";
    cr_assert_not(config_load_bytes(&cfg, tab, strlen(tab), "config.yaml", false, &err));
    cr_assert(strncmp(err.msg, "config.yaml:2:", 14) == 0, "%s", err.msg);

    const char *utf = "postgres:\n  user: \xff\xfe\n";
    cr_assert_not(config_load_bytes(&cfg, utf, strlen(utf), "config.yaml", false, &err));
    cr_assert(strncmp(err.msg, "config.yaml:2:9: invalid YAML: ", 31) == 0, "%s", err.msg);
}

Test(config, second_document_is_an_error)
{
    char *s = minimal_with("---\nfoo: 1\n");
    expect_error(s, "config.yaml:9: expected one YAML document, found another");
    free(s);
}

Test(config, nul_in_value_is_rejected)
{
    const char *s = "postgres:\n  user: \"a\\0b\"\n";
    expect_error(s, "config.yaml:2: key \"postgres.user\": must not contain a NUL byte");
}

Test(config, aliases_resolve_and_loops_do_not_hang)
{
    const char *s = "postgres: &pg {user: u, database: d}\n"
                    "tables: [{name: a}]\n"
                    "iceberg: {path: /w}\n"
                    "proxy: *pg\n";
    expect_error(s, "config.yaml:1: unknown key \"proxy.user\"");
    expect_error("tables: &t [*t]\n",
                 "config.yaml:1: key \"tables[0]\": expected a mapping with schema and name, got "
                 "a list");
}

Test(config, relative_warehouse_is_made_absolute)
{
    char *dir = amt_tmpdir("config_rel");
    char *old = getcwd(NULL, 0);
    cr_assert(chdir(dir) == 0);
    const char *s = "postgres: {user: u, database: d}\n"
                    "tables: [{name: a}]\n"
                    "iceberg: {path: ./wh/}\n";
    config_t cfg;
    am_err_t err = {0};
    cr_assert(config_load_bytes(&cfg, s, strlen(s), "c.yaml", false, &err), "%s", err.msg);
    char *cwd = getcwd(NULL, 0);
    char *want = NULL;
    cr_assert(asprintf(&want, "%s/wh", cwd) > 0);
    cr_assert_str_eq(cfg.iceberg.path, want);
    config_destroy(&cfg);
    cr_assert(chdir(old) == 0);
    free(want);
    free(cwd);
    free(old);
    free(dir);
}

Test(config, load_reads_file_and_names_it)
{
    char *dir = amt_tmpdir("config_file");
    char *path = NULL;
    cr_assert(asprintf(&path, "%s/am.yaml", dir) > 0);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    cr_assert(fputs("postgres:\n  user: u\n  databse: d\n", f) >= 0);
    cr_assert(fclose(f) == 0);
    config_t cfg;
    am_err_t err = {0};
    cr_assert_not(config_load(&cfg, path, &err));
    char *want = NULL;
    cr_assert(asprintf(&want, "%s:3: unknown key \"postgres.databse\"", path) > 0);
    cr_assert_str_eq(err.msg, want);
    free(want);
    free(path);
    free(dir);
}

Test(config, unreadable_file_is_a_config_error)
{
    config_t cfg;
    am_err_t err = {0};
    cr_assert_not(config_load(&cfg, "/nonexistent/am.yaml", &err));
    cr_assert_str_eq(err.sqlstate, "F0000");
    cr_assert(strstr(err.msg, "\"/nonexistent/am.yaml\""), "%s", err.msg);
    cr_assert(strstr(err.msg, "No such file or directory"), "%s", err.msg);
    config_destroy(&cfg);

    char *dir = amt_tmpdir("config_dir");
    cr_assert_not(config_load(&cfg, dir, &err));
    cr_assert_str_eq(err.sqlstate, "F0000");
    free(dir);
}

Test(config, password_never_appears_in_messages)
{
    const char *cases[] = {
        "postgres:\n  password: \"hunter2\\0\"\n",
        "postgres:\n  password: [hunter2]\n",
        "postgres:\n  password: hunter2\n  password: hunter2\n",
        "postgres:\n  password: hunter2\n  port: x\n",
        "postgres:\n  password: hunter2\n",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        config_t cfg;
        am_err_t err = {0};
        cr_assert_not(config_load_bytes(&cfg, cases[i], strlen(cases[i]), "c.yaml", false, &err));
        cr_assert_null(strstr(err.msg, "hunter2"), "case %zu: %s", i, err.msg);
    }
}

Test(config, control_bytes_in_keys_keep_the_message_one_line)
{
    /* found by fuzzing: a flow key folded over an empty line holds a newline */
    expect_error("postgres: {u\n \n  u}\n", "config.yaml:1: unknown key \"postgres.u?u\"");
}
