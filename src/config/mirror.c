/*
 * config/mirror.c: the keys that decide how the write path treats the table lifecycle: the
 * "mirror" section (mirror.resnapshot_on_slot_loss, mirror.catalog_check_ms) and the options
 * of a table entry besides its names (insert_only, on_drop). Same message shape as every other
 * key: "config.yaml:7: key \"mirror.resnapshot_on_slot_loss\": expected true or false, got
 * \"perhaps\"", SQLSTATE F0000.
 * Must not: know what the write path does with them.
 */
#include "config/config.h"
#include "config/config_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_MS_MAX 3600000 /* an hour: past that, a change would stay undetected too long */

bool config_is_pattern(const char *s)
{
    return s && strpbrk(s, "*?") != NULL;
}

static const char *text_of(const yaml_node_t *v)
{
    return (const char *)v->data.scalar.value;
}

/* YAML 1.1's booleans as libyaml leaves them to us: true/false, yes/no, on/off. */
static bool parse_bool(const yaml_node_t *v, bool *out)
{
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes",
                                      "YES",  "on",   "On",   "ON"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No",
                                     "NO",    "off",   "Off",   "OFF"};
    if (v->type != YAML_SCALAR_NODE)
        return false;
    for (size_t i = 0; i < AM_ARRAY_LEN(yes); i++) {
        bool is_yes = strcmp(text_of(v), yes[i]) == 0;
        if (is_yes || strcmp(text_of(v), no[i]) == 0) {
            *out = is_yes;
            return true;
        }
    }
    return false;
}

static bool bad_value(const char *where, const char *expected, const yaml_node_t *v, am_err_t *err)
{
    char shown[72] = "a mapping or list";
    if (v->type == YAML_SCALAR_NODE)
        config__show(shown, sizeof shown, text_of(v), v->data.scalar.length);
    return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: expected %s, got \"%s\"", where, expected,
                      shown);
}

bool config__table_option(config_table_t *t, const char *key, const yaml_node_t *v,
                          const char *where, bool *handled, am_err_t *err)
{
    *handled = true;
    if (strcmp(key, "insert_only") == 0)
        return parse_bool(v, &t->insert_only) || bad_value(where, "true or false", v, err);
    if (strcmp(key, "on_drop") == 0) {
        if (v->type == YAML_SCALAR_NODE && strcmp(text_of(v), "keep") == 0)
            t->drop_lake = false;
        else if (v->type == YAML_SCALAR_NODE && strcmp(text_of(v), "drop") == 0)
            t->drop_lake = true;
        else
            return bad_value(where, "keep or drop", v, err);
        return true;
    }
    *handled = false;
    return true;
}

/* "250" (milliseconds), 1 to an hour. */
static bool parse_ms(const yaml_node_t *v, int *out)
{
    if (v->type != YAML_SCALAR_NODE || v->data.scalar.length == 0 || v->data.scalar.length > 7)
        return false;
    char *end = NULL;
    long ms = strtol(text_of(v), &end, 10);
    if (*end != '\0' || text_of(v)[0] == '-' || text_of(v)[0] == '+' || ms < 1 || ms > CHECK_MS_MAX)
        return false;
    *out = (int)ms;
    return true;
}

/* "4": connections reading the initial copy, 0 (one per core) to 256. */
static bool parse_workers(const yaml_node_t *v, int *out)
{
    if (v->type != YAML_SCALAR_NODE || v->data.scalar.length == 0 || v->data.scalar.length > 3)
        return false;
    char *end = NULL;
    long n = strtol(text_of(v), &end, 10);
    if (*end != '\0' || text_of(v)[0] == '-' || text_of(v)[0] == '+' || n > 256)
        return false;
    *out = (int)n;
    return true;
}

static bool mirror_key(config_t *cfg, const char *file, const yaml_node_t *k, const yaml_node_t *v,
                       bool *seen, am_err_t *err)
{
    const char *key = k->type == YAML_SCALAR_NODE ? text_of(k) : "";
    char where[384];
    snprintf(where, sizeof where, "%s:%zu: key \"mirror.%.64s\"", file, k->start_mark.line + 1,
             key);
    int which = strcmp(key, "resnapshot_on_slot_loss") == 0 ? 0
                : strcmp(key, "catalog_check_ms") == 0      ? 1
                : strcmp(key, "copy_workers") == 0          ? 2
                : strcmp(key, "flush_interval") == 0        ? 3
                : strcmp(key, "flush_rows") == 0            ? 4
                : strcmp(key, "max_memory") == 0            ? 5
                                                            : -1;
    if (which < 0) {
        char shown[72];
        config__show(shown, sizeof shown, key, strlen(key));
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s:%zu: unknown key \"mirror.%s\"", file,
                          k->start_mark.line + 1, shown);
    }
    if (seen[which])
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s:%zu: duplicate key \"mirror.%s\"", file,
                          k->start_mark.line + 1, key);
    seen[which] = true;
    if (which == 0)
        return parse_bool(v, &cfg->mirror.resnapshot_on_slot_loss) ||
               bad_value(where, "true or false", v, err);
    if (which == 2)
        return parse_workers(v, &cfg->mirror.copy_workers) ||
               bad_value(where, "an integer 0-256 (0: one per core)", v, err);
    if (which >= 3) {
        bool handled = false;
        if (v->type != YAML_SCALAR_NODE)
            return bad_value(where, "a scalar", v, err);
        return config__budget_set(cfg, key, text_of(v), v->data.scalar.length, where, &handled,
                                  err);
    }
    return parse_ms(v, &cfg->mirror.catalog_check_ms) ||
           bad_value(where, "an integer number of milliseconds 1-3600000", v, err);
}

bool config__mirror_load(config_t *cfg, yaml_document_t *doc, const yaml_node_t *k,
                         const yaml_node_t *v, am_err_t *err)
{
    if (v->type == YAML_SCALAR_NODE && v->data.scalar.length == 0)
        return true; /* a section with every key commented out */
    if (v->type != YAML_MAPPING_NODE)
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "%s:%zu: key \"mirror\": expected a mapping, got %s", cfg->file,
                          k->start_mark.line + 1,
                          v->type == YAML_SEQUENCE_NODE ? "a list" : "a scalar");
    bool seen[6] = {false, false, false, false, false, false};
    for (const yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *key = yaml_document_get_node(doc, p->key);
        const yaml_node_t *val = yaml_document_get_node(doc, p->value);
        AM_ASSERT(key && val); /* libyaml only links nodes it created */
        if (!mirror_key(cfg, cfg->file, key, val, seen, err))
            return false;
    }
    return true;
}
