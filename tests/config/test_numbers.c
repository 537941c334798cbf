/*
 * tests/config/test_numbers.c: ranges in messages and byte sizes (config/numbers.c) through
 * the lake's compaction and maintenance settings: defaults, sizes and durations with units,
 * ranges, environment overrides validated like the file, and the one rule between two keys.
 * Criterion runs each test in its own process, so setenv here touches no other test.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "../support/testlib.h"

static char *with(const char *extra)
{
    char *s = NULL;
    cr_assert(asprintf(&s,
                       "postgres: {user: u, database: d}\n"
                       "tables: [{name: t}]\n"
                       "iceberg: {path: /w}\n"
                       "%s",
                       extra) > 0);
    return s;
}

static bool load(const char *extra, bool env, config_t *cfg, am_err_t *err)
{
    char *s = with(extra);
    bool ok = config_load_bytes(cfg, s, strlen(s), "config.yaml", env, err);
    free(s);
    return ok;
}

static void expect_error(const char *extra, const char *want)
{
    config_t cfg;
    am_err_t err = {0};
    cr_assert_not(load(extra, false, &cfg, &err), "loaded, expected: %s", want);
    cr_assert_str_eq(err.sqlstate, "F0000");
    cr_assert_str_eq(err.msg, want);
    config_destroy(&cfg);
}

Test(config, lake_keys_have_defaults)
{
    config_t cfg;
    am_err_t err = {0};
    cr_assert(load("", false, &cfg, &err), "%s", err.msg);
    cr_assert(cfg.lake.compaction.enabled);
    cr_assert_eq(cfg.lake.compaction.target_file_size, INT64_C(128) << 20);
    cr_assert_eq(cfg.lake.compaction.small_file_size, INT64_C(32) << 20);
    cr_assert_eq(cfg.lake.compaction.max_small_files, 32);
    cr_assert_eq(cfg.lake.compaction.max_deleted_percent, 10);
    cr_assert_eq(cfg.lake.file_retention_ms, 600000);
    cr_assert_eq(cfg.lake.orphan_check_ms, 300000);
    config_destroy(&cfg);
}

Test(config, lake_keys_from_the_file)
{
    config_t cfg;
    am_err_t err = {0};
    cr_assert(load("lake:\n"
                   "  compaction:\n"
                   "    enabled: off\n"
                   "    target_file_size: 1GB\n"
                   "    small_file_size: 512 kB\n"
                   "    max_small_files: 40\n"
                   "    max_deleted_percent: 25\n"
                   "  file_retention_ms: 0\n"
                   "  orphan_check_ms: 1s\n",
                   false, &cfg, &err),
              "%s", err.msg);
    cr_assert_not(cfg.lake.compaction.enabled);
    cr_assert_eq(cfg.lake.compaction.target_file_size, INT64_C(1) << 30);
    cr_assert_eq(cfg.lake.compaction.small_file_size, INT64_C(512) << 10);
    cr_assert_eq(cfg.lake.compaction.max_small_files, 40);
    cr_assert_eq(cfg.lake.compaction.max_deleted_percent, 25);
    cr_assert_eq(cfg.lake.file_retention_ms, 0);
    cr_assert_eq(cfg.lake.orphan_check_ms, 1000);
    config_destroy(&cfg);
    cr_assert(load("lake: {compaction: {target_file_size: 4194304, small_file_size: 4MB}, "
                   "file_retention_ms: 7d}\n",
                   false, &cfg, &err),
              "%s", err.msg);
    cr_assert_eq(cfg.lake.compaction.target_file_size, INT64_C(4) << 20, "plain bytes");
    cr_assert_eq(cfg.lake.file_retention_ms, 7 * 24 * 3600 * 1000, "the longest retention");
    config_destroy(&cfg);
}

Test(config, lake_keys_out_of_range_name_key_and_range)
{
    expect_error("lake:\n  compaction:\n    max_small_files: 1\n",
                 "config.yaml:6: key \"lake.compaction.max_small_files\": expected an integer "
                 "2-100000, got \"1\"");
    expect_error("lake:\n  compaction:\n    enabled: perhaps\n",
                 "config.yaml:6: key \"lake.compaction.enabled\": expected true or false, got "
                 "\"perhaps\"");
    expect_error("lake:\n  compaction:\n    target_file_size: 12XB\n",
                 "config.yaml:6: key \"lake.compaction.target_file_size\": expected a size from "
                 "1MB to 16GB (bytes, or a number with kB, MB, GB, TB), got \"12XB\"");
    expect_error("lake:\n  compaction:\n    target_file_size: 99999999TB\n",
                 "config.yaml:6: key \"lake.compaction.target_file_size\": expected a size from "
                 "1MB to 16GB (bytes, or a number with kB, MB, GB, TB), got \"99999999TB\"");
    expect_error("lake:\n  orphan_check_ms: -5\n",
                 "config.yaml:5: key \"lake.orphan_check_ms\": expected a duration of 100-86400000 "
                 "ms such as 250ms, 10s or 5min (a bare number is milliseconds), got \"-5\"");
    expect_error("lake:\n  file_retention_ms: 8d\n",
                 "config.yaml:5: key \"lake.file_retention_ms\": expected a duration of "
                 "0-604800000 ms such as 250ms, 10s or 5min (a bare number is milliseconds), got "
                 "\"8d\"");
    expect_error("lake:\n  compaction:\n    max_deleted_percent: [1]\n",
                 "config.yaml:6: key \"lake.compaction.max_deleted_percent\": expected an integer "
                 "1-100, got a list");
    expect_error("lake:\n  compaction:\n    small_file_size: 256MB\n",
                 "config.yaml: key \"lake.compaction.small_file_size\" (268435456 bytes) must not "
                 "exceed \"lake.compaction.target_file_size\" (134217728 bytes)");
    expect_error("lake:\n  compaction:\n    max_files: 3\n",
                 "config.yaml:6: unknown key \"lake.compaction.max_files\"");
}

Test(config, lake_keys_from_the_environment)
{
    cr_assert(setenv("LAKE_COMPACTION_ENABLED", "false", 1) == 0);
    cr_assert(setenv("LAKE_COMPACTION_MAX_SMALL_FILES", "12", 1) == 0);
    cr_assert(setenv("LAKE_FILE_RETENTION_MS", "2500", 1) == 0);
    config_t cfg;
    am_err_t err = {0};
    cr_assert(load("lake: {compaction: {max_small_files: 50}}\n", true, &cfg, &err), "%s", err.msg);
    cr_assert_not(cfg.lake.compaction.enabled);
    cr_assert_eq(cfg.lake.compaction.max_small_files, 12, "the environment wins");
    cr_assert_eq(cfg.lake.file_retention_ms, 2500);
    config_destroy(&cfg);
    cr_assert(setenv("LAKE_COMPACTION_TARGET_FILE_SIZE", "2", 1) == 0);
    cr_assert_not(load("", true, &cfg, &err));
    cr_assert_str_eq(err.msg, "environment variable LAKE_COMPACTION_TARGET_FILE_SIZE: expected a "
                              "size from 1MB to 16GB (bytes, or a number with kB, MB, GB, TB), "
                              "got \"2\"");
    config_destroy(&cfg);
}

Test(config, example_file_loads_with_its_lake_section)
{
    char path[512];
    snprintf(path, sizeof path, "%s/config.example.yaml", amt_root());
    config_t cfg;
    am_err_t err = {0};
    cr_assert(config_load(&cfg, path, &err), "%s", err.msg);
    cr_assert(cfg.lake.compaction.enabled);
    cr_assert_eq(cfg.lake.compaction.target_file_size, INT64_C(128) << 20);
    cr_assert_eq(cfg.lake.file_retention_ms, 600000);
    config_destroy(&cfg);
}
