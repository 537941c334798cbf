/*
 * tests/config/test_mirror.c: the table lifecycle keys (config/mirror.c): the mirror section
 * (copy_workers too), table patterns, insert_only and on_drop, each bad value named with its
 * file, line and key.
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
                                "  path: /w\n";

static bool load(const char *extra, config_t *cfg, am_err_t *err)
{
    char *s = NULL;
    cr_assert(asprintf(&s, "%s%s", base, extra) > 0);
    bool ok = config_load_bytes(cfg, s, strlen(s), "config.yaml", false, err);
    free(s);
    return ok;
}

Test(config, mirror_section_and_table_options)
{
    config_t cfg;
    am_err_t err = {0};
    cr_assert(load("tables:\n"
                   "  - schema: public\n"
                   "    name: \"*\"\n"
                   "  - name: log\n"
                   "    insert_only: true\n"
                   "    on_drop: drop\n"
                   "mirror:\n"
                   "  resnapshot_on_slot_loss: yes\n"
                   "  catalog_check_ms: 250\n"
                   "  copy_workers: 3\n",
                   &cfg, &err),
              "%s", err.msg);
    cr_assert_eq(cfg.n_tables, 2);
    cr_assert(config_is_pattern(cfg.tables[0].name));
    cr_assert_not(config_is_pattern(cfg.tables[1].name));
    cr_assert_not(cfg.tables[0].insert_only);
    cr_assert_not(cfg.tables[0].drop_lake, "keep is the default");
    cr_assert(cfg.tables[1].insert_only);
    cr_assert(cfg.tables[1].drop_lake);
    cr_assert(cfg.mirror.resnapshot_on_slot_loss);
    cr_assert_eq(cfg.mirror.catalog_check_ms, 250);
    cr_assert_eq(cfg.mirror.copy_workers, 3);
    config_destroy(&cfg);
    cr_assert(load("tables:\n  - name: t\n", &cfg, &err), "%s", err.msg);
    cr_assert_not(cfg.mirror.resnapshot_on_slot_loss, "off unless asked for");
    cr_assert_eq(cfg.mirror.catalog_check_ms, 0, "0: the write path's default");
    cr_assert_eq(cfg.mirror.copy_workers, 0, "0: one per core");
    config_destroy(&cfg);
}

Test(config, mirror_bad_values_name_line_and_key)
{
    static const struct {
        const char *yaml;
        const char *want;
    } cases[] = {
        {"tables:\n  - name: t\n    insert_only: sometimes\n",
         "config.yaml:8: key \"tables[0].insert_only\": expected true or false, got "
         "\"sometimes\""},
        {"tables:\n  - name: t\n    on_drop: delete\n",
         "config.yaml:8: key \"tables[0].on_drop\": expected keep or drop, got \"delete\""},
        {"tables:\n  - name: t\nmirror:\n  resnapshot_on_slot_loss: 1\n",
         "config.yaml:9: key \"mirror.resnapshot_on_slot_loss\": expected true or false, got "
         "\"1\""},
        {"tables:\n  - name: t\nmirror:\n  catalog_check_ms: -5\n",
         "config.yaml:9: key \"mirror.catalog_check_ms\": expected an integer number of "
         "milliseconds 1-3600000, got \"-5\""},
        {"tables:\n  - name: t\nmirror:\n  copy_workers: 257\n",
         "config.yaml:9: key \"mirror.copy_workers\": expected an integer 0-256 (0: one per "
         "core), got \"257\""},
        {"tables:\n  - name: t\nmirror:\n  copy_workers: -1\n",
         "config.yaml:9: key \"mirror.copy_workers\": expected an integer 0-256 (0: one per "
         "core), got \"-1\""},
        {"tables:\n  - name: t\nmirror:\n  copy_workers: 2x\n",
         "config.yaml:9: key \"mirror.copy_workers\": expected an integer 0-256 (0: one per "
         "core), got \"2x\""},
        {"tables:\n  - name: t\nmirror:\n  resnapshot: true\n",
         "config.yaml:9: unknown key \"mirror.resnapshot\""},
        {"tables:\n  - name: t\nmirror: [1]\n",
         "config.yaml:8: key \"mirror\": expected a mapping, got a list"},
        {"tables:\n  - name: t\nmirror:\n  catalog_check_ms: 5\n  catalog_check_ms: 6\n",
         "config.yaml:10: duplicate key \"mirror.catalog_check_ms\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        config_t cfg;
        am_err_t err = {0};
        cr_assert_not(load(cases[i].yaml, &cfg, &err), "%s", cases[i].yaml);
        cr_assert_str_eq(err.sqlstate, "F0000");
        cr_assert_str_eq(err.msg, cases[i].want);
        config_destroy(&cfg);
    }
}

/* config.example.yaml as shipped, and with its commented entries taken in. */
Test(config, example_file_loads_with_its_commented_entries)
{
    const char *root = getenv("AM_TEST_ROOT");
    char *path = NULL;
    cr_assert(asprintf(&path, "%s/config.example.yaml", root ? root : ".") > 0);
    config_t cfg;
    am_err_t err = {0};
    cr_assert(config_load(&cfg, path, &err), "%s", err.msg);
    cr_assert_eq(cfg.n_tables, 2);
    cr_assert_not(cfg.mirror.resnapshot_on_slot_loss);
    cr_assert_eq(cfg.mirror.catalog_check_ms, 1000);
    cr_assert_eq(cfg.mirror.flush_interval_ms, CONFIG_FLUSH_INTERVAL_MS, "the default, shown");
    cr_assert_eq(cfg.mirror.flush_rows, CONFIG_FLUSH_ROWS);
    cr_assert_eq(cfg.mirror.max_memory, CONFIG_MAX_MEMORY);
    config_destroy(&cfg);

    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char line[256], *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cr_assert_not_null(out);
    while (fgets(line, sizeof line, f)) { /* "# - schema" and "#   name": the entries */
        if (strncmp(line, "# - ", 4) == 0 || strncmp(line, "#   ", 4) == 0)
            line[0] = ' ';
        fputs(line, out);
    }
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(fclose(out), 0);
    cr_assert(config_load_bytes(&cfg, text, len, "config.example.yaml", false, &err), "%s",
              err.msg);
    cr_assert_eq(cfg.n_tables, 4);
    cr_assert_str_eq(cfg.tables[2].name, "*");
    cr_assert(cfg.tables[3].insert_only);
    config_destroy(&cfg);
    free(text);
    free(path);
}
