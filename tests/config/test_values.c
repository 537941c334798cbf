/*
 * tests/config/test_values.c: what the keys mean (config/values.c): environment overrides
 * applied after the file and validated like it, defaults, the required-key hints.
 * Criterion runs each test in its own process, so setenv here touches no other test.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

static const char *const base = "postgres:\n"
                                "  host: filehost\n"
                                "  port: 5000\n"
                                "  user: fileuser\n"
                                "  password: filepw\n"
                                "  database: filedb\n"
                                "tables: [{name: t}]\n"
                                "iceberg: {path: /w}\n";

static bool load(const char *yaml, bool apply_env, config_t *cfg, am_err_t *err)
{
    return config_load_bytes(cfg, yaml, strlen(yaml), "config.yaml", apply_env, err);
}

Test(config, env_overrides_apply_after_the_file)
{
    cr_assert(setenv("POSTGRES_HOST", "envhost", 1) == 0);
    cr_assert(setenv("POSTGRES_PORT", "6000", 1) == 0);
    cr_assert(setenv("POSTGRES_USER", "envuser", 1) == 0);
    cr_assert(setenv("POSTGRES_PASSWORD", "envpw", 1) == 0);
    cr_assert(setenv("POSTGRES_DB", "envdb", 1) == 0);
    config_t cfg;
    am_err_t err = {0};
    cr_assert(load(base, true, &cfg, &err), "%s", err.msg);
    cr_assert_str_eq(cfg.postgres.host, "envhost");
    cr_assert_eq(cfg.postgres.port, 6000);
    cr_assert_str_eq(cfg.postgres.user, "envuser");
    cr_assert_str_eq(cfg.postgres.password, "envpw");
    cr_assert_str_eq(cfg.postgres.database, "envdb");
    config_destroy(&cfg);
}

Test(config, env_is_ignored_without_apply_env)
{
    cr_assert(setenv("POSTGRES_HOST", "envhost", 1) == 0);
    config_t cfg;
    am_err_t err = {0};
    cr_assert(load(base, false, &cfg, &err), "%s", err.msg);
    cr_assert_str_eq(cfg.postgres.host, "filehost");
    config_destroy(&cfg);
}

Test(config, env_fills_required_keys_missing_from_file)
{
    cr_assert(setenv("POSTGRES_USER", "envuser", 1) == 0);
    cr_assert(setenv("POSTGRES_DB", "envdb", 1) == 0);
    config_t cfg;
    am_err_t err = {0};
    cr_assert(load("tables: [{name: t}]\niceberg: {path: /w}\n", true, &cfg, &err), "%s", err.msg);
    cr_assert_str_eq(cfg.postgres.user, "envuser");
    cr_assert_str_eq(cfg.postgres.database, "envdb");
    cr_assert_str_eq(cfg.postgres.host, "localhost");
    config_destroy(&cfg);
}

Test(config, bad_env_port_names_the_variable)
{
    cr_assert(setenv("POSTGRES_PORT", "54x32", 1) == 0);
    config_t cfg;
    am_err_t err = {0};
    cr_assert_not(load(base, true, &cfg, &err));
    cr_assert_str_eq(err.sqlstate, "F0000");
    cr_assert_str_eq(err.msg, "environment variable POSTGRES_PORT: expected an integer 1-65535, "
                              "got \"54x32\"");
    cr_assert_null(cfg.file);
}

Test(config, empty_env_for_required_key_fails)
{
    cr_assert(setenv("POSTGRES_USER", "", 1) == 0);
    config_t cfg;
    am_err_t err = {0};
    cr_assert_not(load(base, true, &cfg, &err));
    cr_assert_str_eq(err.msg, "environment variable POSTGRES_USER: expected a non-empty string");
}

Test(config, empty_env_password_clears_it)
{
    cr_assert(setenv("POSTGRES_PASSWORD", "", 1) == 0);
    config_t cfg;
    am_err_t err = {0};
    cr_assert(load(base, true, &cfg, &err), "%s", err.msg);
    cr_assert_str_eq(cfg.postgres.password, "");
    config_destroy(&cfg);
}

Test(config, missing_user_hints_at_env)
{
    cr_assert(unsetenv("POSTGRES_USER") == 0);
    config_t cfg;
    am_err_t err = {0};
    cr_assert_not(load("postgres: {database: d}\ntables: [{name: t}]\niceberg: {path: /w}\n", true,
                       &cfg, &err));
    cr_assert_str_eq(err.msg,
                     "config.yaml: missing required key \"postgres.user\" (or set POSTGRES_USER)");
}

Test(config, file_value_still_validated_before_env_overrides)
{
    /* A broken file is broken even if the environment would replace the key. */
    cr_assert(setenv("POSTGRES_PORT", "6000", 1) == 0);
    config_t cfg;
    am_err_t err = {0};
    cr_assert_not(load("postgres:\n  port: nope\n", true, &cfg, &err));
    cr_assert_str_eq(err.msg,
                     "config.yaml:2: key \"postgres.port\": expected an integer 1-65535, got "
                     "\"nope\"");
}

Test(config, root_warehouse_stays_root)
{
    config_t cfg;
    am_err_t err = {0};
    cr_assert(load("postgres: {user: u, database: d}\ntables: [{name: t}]\niceberg: {path: /}\n",
                   false, &cfg, &err),
              "%s", err.msg);
    cr_assert_str_eq(cfg.iceberg.path, "/");
    config_destroy(&cfg);
}

Test(config, long_values_are_cut_in_messages)
{
    char *s = NULL;
    char port[200];
    memset(port, '9', sizeof port - 1);
    port[sizeof port - 1] = '\0';
    cr_assert(asprintf(&s, "postgres:\n  port: %s\n", port) > 0);
    config_t cfg;
    am_err_t err = {0};
    cr_assert_not(load(s, false, &cfg, &err));
    cr_assert(strstr(err.msg, "...\""), "%s", err.msg);
    cr_assert_lt(strlen(err.msg), 160);
    free(s);
}
