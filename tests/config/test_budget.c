/*
 * tests/config/test_budget.c: the write path's budget keys (config/budget.c):
 * mirror.flush_interval, mirror.flush_rows and mirror.max_memory with their units, defaults,
 * environment overrides and bad values named with file, line and key or the variable.
 * Criterion runs each test in its own process, so setenv here touches no other test.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

static const char *const base = "postgres:\n"
                                "  user: u\n"
                                "  database: d\n"
                                "iceberg:\n"
                                "  path: /w\n"
                                "tables:\n"
                                "  - name: t\n";

static bool load(const char *mirror, bool apply_env, config_t *cfg, am_err_t *err)
{
    char *s = NULL;
    cr_assert(asprintf(&s, "%s%s", base, mirror) > 0);
    bool ok = config_load_bytes(cfg, s, strlen(s), "config.yaml", apply_env, err);
    free(s);
    return ok;
}

Test(config, budget_defaults_when_absent)
{
    config_t cfg;
    am_err_t err = {0};
    cr_assert(load("", false, &cfg, &err), "%s", err.msg);
    cr_assert_eq(cfg.mirror.flush_interval_ms, 100);
    cr_assert_eq(cfg.mirror.flush_rows, 200000);
    cr_assert_eq(cfg.mirror.max_memory, INT64_C(256) << 20);
    config_destroy(&cfg);
}

Test(config, budget_keys_take_units)
{
    static const struct {
        const char *yaml;
        int interval_ms;
        int64_t rows;
        int64_t memory;
    } cases[] = {
        {"mirror:\n  flush_interval: 250ms\n  flush_rows: 5000\n  max_memory: 64MB\n", 250, 5000,
         INT64_C(64) << 20},
        {"mirror:\n  flush_interval: 2s\n  max_memory: 1GB\n", 2000, 200000, INT64_C(1) << 30},
        {"mirror:\n  flush_interval: 500\n  max_memory: 20000000\n", 500, 200000, 20000000},
        {"mirror:\n  flush_interval: 1min\n  max_memory: 32768kB\n", 60000, 200000,
         INT64_C(32) << 20},
        {"mirror:\n  flush_interval: 1.5s\n  max_memory: 2GiB\n", 1500, 200000, INT64_C(2) << 30},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        config_t cfg;
        am_err_t err = {0};
        cr_assert(load(cases[i].yaml, false, &cfg, &err), "%s: %s", cases[i].yaml, err.msg);
        cr_assert_eq(cfg.mirror.flush_interval_ms, cases[i].interval_ms, "%s", cases[i].yaml);
        cr_assert_eq(cfg.mirror.flush_rows, cases[i].rows, "%s", cases[i].yaml);
        cr_assert_eq(cfg.mirror.max_memory, cases[i].memory, "%s", cases[i].yaml);
        config_destroy(&cfg);
    }
}

Test(config, budget_bad_values_name_line_and_key)
{
    static const struct {
        const char *yaml;
        const char *want;
    } cases[] = {
        {"mirror:\n  flush_interval: 5ms\n",
         "config.yaml:9: key \"mirror.flush_interval\": expected a duration from 10ms to 1h "
         "(\"250ms\", \"1s\"), got \"5ms\""},
        {"mirror:\n  flush_interval: 1 fortnight\n",
         "config.yaml:9: key \"mirror.flush_interval\": expected a duration from 10ms to 1h "
         "(\"250ms\", \"1s\"), got \"1 fortnight\""},
        {"mirror:\n  flush_rows: 0\n",
         "config.yaml:9: key \"mirror.flush_rows\": expected an integer from 1 to 1000000000, "
         "got \"0\""},
        {"mirror:\n  flush_rows: -3\n",
         "config.yaml:9: key \"mirror.flush_rows\": expected an integer from 1 to 1000000000, "
         "got \"-3\""},
        {"mirror:\n  max_memory: 2\n",
         "config.yaml:9: key \"mirror.max_memory\": expected a size from 16MB to 1TB (\"256MB\", "
         "\"1GB\"), got \"2\""},
        {"mirror:\n  max_memory: 99999999999999999999GB\n",
         "config.yaml:9: key \"mirror.max_memory\": expected a size from 16MB to 1TB (\"256MB\", "
         "\"1GB\"), got \"99999999999999999999GB\""},
        {"mirror:\n  max_memory: [64MB]\n",
         "config.yaml:9: key \"mirror.max_memory\": expected a scalar, got \"a mapping or list\""},
        {"mirror:\n  flush_rows: 5\n  flush_rows: 6\n",
         "config.yaml:10: duplicate key \"mirror.flush_rows\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        config_t cfg;
        am_err_t err = {0};
        cr_assert_not(load(cases[i].yaml, false, &cfg, &err), "%s", cases[i].yaml);
        cr_assert_str_eq(err.sqlstate, "F0000");
        cr_assert_str_eq(err.msg, cases[i].want);
        config_destroy(&cfg);
    }
}

Test(config, budget_env_overrides_the_file)
{
    cr_assert(setenv("MIRROR_FLUSH_INTERVAL", "3s", 1) == 0);
    cr_assert(setenv("MIRROR_FLUSH_ROWS", "777", 1) == 0);
    cr_assert(setenv("MIRROR_MAX_MEMORY", "128MB", 1) == 0);
    config_t cfg;
    am_err_t err = {0};
    cr_assert(load("mirror:\n  flush_interval: 250ms\n  max_memory: 64MB\n", true, &cfg, &err),
              "%s", err.msg);
    cr_assert_eq(cfg.mirror.flush_interval_ms, 3000);
    cr_assert_eq(cfg.mirror.flush_rows, 777);
    cr_assert_eq(cfg.mirror.max_memory, INT64_C(128) << 20);
    config_destroy(&cfg);
    cr_assert(load("", false, &cfg, &err), "%s", err.msg);
    cr_assert_eq(cfg.mirror.max_memory, INT64_C(256) << 20, "the environment only if asked");
    config_destroy(&cfg);
}

Test(config, budget_bad_env_names_the_variable)
{
    cr_assert(setenv("MIRROR_MAX_MEMORY", "lots", 1) == 0);
    config_t cfg;
    am_err_t err = {0};
    cr_assert_not(load("", true, &cfg, &err));
    cr_assert_str_eq(err.sqlstate, "F0000");
    cr_assert_str_eq(err.msg, "environment variable MIRROR_MAX_MEMORY: expected a size from 16MB "
                              "to 1TB (\"256MB\", \"1GB\"), got \"lots\"");
    config_destroy(&cfg);
}
