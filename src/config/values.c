/*
 * config/values.c: what each scalar key means: its type, default, environment variable and
 * validation. The YAML walk (config/load.c) and the environment go through the same setter,
 * so a bad POSTGRES_PORT fails exactly as a bad postgres.port does, naming its source.
 * Never echoes a secret: CONFIG__SECRET values appear in no message.
 */
#include "config/config_internal.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const config__field_t config__fields[] = {
    {"postgres.host", CONFIG__STRING, offsetof(config_t, postgres.host), "POSTGRES_HOST",
     "localhost", 0, 0},
    {"postgres.port", CONFIG__PORT, offsetof(config_t, postgres.port), "POSTGRES_PORT", "5432", 0,
     0},
    {"postgres.user", CONFIG__STRING, offsetof(config_t, postgres.user), "POSTGRES_USER", NULL, 0,
     0},
    {"postgres.password", CONFIG__SECRET, offsetof(config_t, postgres.password),
     "POSTGRES_PASSWORD", "", 0, 0},
    {"postgres.database", CONFIG__STRING, offsetof(config_t, postgres.database), "POSTGRES_DB",
     NULL, 0, 0},
    {"postgres.slot", CONFIG__IDENT, offsetof(config_t, postgres.slot), NULL, "arctic_mirror", 0,
     0},
    {"postgres.publication", CONFIG__IDENT, offsetof(config_t, postgres.publication), NULL,
     "arctic_mirror_pub", 0, 0},
    {"iceberg.path", CONFIG__PATH, offsetof(config_t, iceberg.path), NULL, NULL, 0, 0},
    {"proxy.port", CONFIG__PORT, offsetof(config_t, proxy.port), NULL, "5433", 0, 0},
    {"lake.compaction.enabled", CONFIG__BOOL, offsetof(config_t, lake.compaction.enabled),
     "LAKE_COMPACTION_ENABLED", "true", 0, 0},
    {"lake.compaction.target_file_size", CONFIG__BYTES,
     offsetof(config_t, lake.compaction.target_file_size), "LAKE_COMPACTION_TARGET_FILE_SIZE",
     "128MB", INT64_C(1) << 20, INT64_C(16) << 30},
    {"lake.compaction.small_file_size", CONFIG__BYTES,
     offsetof(config_t, lake.compaction.small_file_size), "LAKE_COMPACTION_SMALL_FILE_SIZE", "32MB",
     INT64_C(1) << 10, INT64_C(16) << 30},
    {"lake.compaction.max_small_files", CONFIG__COUNT,
     offsetof(config_t, lake.compaction.max_small_files), "LAKE_COMPACTION_MAX_SMALL_FILES", "32",
     2, 100000},
    {"lake.compaction.max_deleted_percent", CONFIG__COUNT,
     offsetof(config_t, lake.compaction.max_deleted_percent), "LAKE_COMPACTION_MAX_DELETED_PERCENT",
     "10", 1, 100},
    {"lake.file_retention_ms", CONFIG__MS, offsetof(config_t, lake.file_retention_ms),
     "LAKE_FILE_RETENTION_MS", "600000", 0, INT64_C(30) * 24 * 3600 * 1000},
    {"lake.orphan_check_ms", CONFIG__MS, offsetof(config_t, lake.orphan_check_ms),
     "LAKE_ORPHAN_CHECK_MS", "300000", 100, INT64_C(24) * 3600 * 1000},
};
const size_t config__n_fields = AM_ARRAY_LEN(config__fields);

const config__field_t *config__field_find(const char *path, size_t len)
{
    for (size_t i = 0; i < config__n_fields; i++) {
        const char *p = config__fields[i].path;
        if (strlen(p) == len && memcmp(p, path, len) == 0)
            return &config__fields[i];
    }
    return NULL;
}

bool config__is_section(const char *prefix, size_t len)
{
    for (size_t i = 0; i < config__n_fields; i++) {
        const char *p = config__fields[i].path;
        if (strlen(p) > len && memcmp(p, prefix, len) == 0 && p[len] == '.')
            return true;
    }
    return false;
}

const char *config__kind_expect(config__kind_t kind)
{
    switch (kind) {
    case CONFIG__PORT:
        return "an integer 1-65535";
    case CONFIG__IDENT:
        return "a name of 1-63 lower case letters, digits or underscores";
    case CONFIG__SECRET:
        return "a string";
    case CONFIG__BOOL:
        return "true or false";
    case CONFIG__COUNT:
    case CONFIG__MS:
        return "an integer";
    case CONFIG__BYTES:
        return "a size";
    case CONFIG__STRING:
    case CONFIG__PATH:
        break;
    }
    return "a non-empty string";
}

void config__show(char *out, size_t cap, const char *s, size_t len)
{
    AM_ASSERT(cap >= 8);
    size_t room = cap - 1, n = 0;
    bool cut = len > room;
    if (cut)
        room -= 3;
    for (size_t i = 0; i < len && n < room; i++) {
        unsigned char c = (unsigned char)s[i];
        out[n++] = (char)((c < 0x20 || c == 0x7f) ? '?' : c);
    }
    if (cut) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

/* Decimal digits only: YAML's 0x/0o forms and signs are typos in a port. */
bool config__port_parse(const char *text, size_t len, int *out)
{
    if (len == 0 || len > 5)
        return false;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        v = v * 10 + (text[i] - '0');
    }
    if (v < 1 || v > 65535)
        return false;
    *out = v;
    return true;
}

/* A replication slot name as PostgreSQL accepts it (ReplicationSlotValidateName). */
static bool is_slot_name(const char *text, size_t len)
{
    if (len == 0 || len > CONFIG__MAX_IDENT)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

static bool check_text(const config__field_t *f, const char *text, size_t len, const char *where,
                       am_err_t *err)
{
    char shown[72];
    switch (f->kind) {
    case CONFIG__IDENT:
        if (is_slot_name(text, len))
            return true;
        config__show(shown, sizeof shown, text, len);
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: expected %s, got \"%s\"", where,
                          config__kind_expect(f->kind), shown);
    case CONFIG__SECRET:
        if (memchr(text, '\0', len) == NULL)
            return true;
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: must not contain a NUL byte", where);
    case CONFIG__STRING:
    case CONFIG__PATH:
    case CONFIG__PORT:
    case CONFIG__BOOL:
    case CONFIG__COUNT:
    case CONFIG__BYTES:
    case CONFIG__MS:
        break;
    }
    if (len == 0)
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: expected %s", where,
                          config__kind_expect(f->kind));
    if (memchr(text, '\0', len) != NULL)
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: must not contain a NUL byte", where);
    return true;
}

bool config__field_set(config_t *cfg, const config__field_t *f, const char *text, size_t len,
                       const char *where, am_err_t *err)
{
    char *slot = (char *)cfg + f->offset;
    if (f->kind == CONFIG__PORT) {
        int port = 0;
        if (!config__port_parse(text, len, &port)) {
            char shown[72];
            config__show(shown, sizeof shown, text, len);
            return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: expected %s, got \"%s\"", where,
                              config__kind_expect(f->kind), shown);
        }
        memcpy(slot, &port, sizeof port);
        return true;
    }
    if (!config__kind_is_text(f->kind))
        return config__number_set(cfg, f, text, len, where, err);
    if (!check_text(f, text, len, where, err))
        return false;
    char *old = NULL;
    memcpy(&old, slot, sizeof old);
    free(old);
    char *copy = am_xstrndup(text, len);
    memcpy(slot, &copy, sizeof copy);
    return true;
}

bool config__name_check(const char *text, size_t len, const char *where, am_err_t *err)
{
    if (len == 0)
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: expected a non-empty name", where);
    if (memchr(text, '\0', len) != NULL)
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: must not contain a NUL byte", where);
    if (len > CONFIG__MAX_IDENT) {
        char shown[72];
        config__show(shown, sizeof shown, text, len);
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "%s: PostgreSQL names are at most %d bytes, got %zu (\"%s\")", where,
                          CONFIG__MAX_IDENT, len, shown);
    }
    return true;
}

static bool apply_env(config_t *cfg, bool *seen, am_err_t *err)
{
    for (size_t i = 0; i < config__n_fields; i++) {
        const config__field_t *f = &config__fields[i];
        const char *v = f->env ? getenv(f->env) : NULL;
        if (!v)
            continue;
        char where[96];
        snprintf(where, sizeof where, "environment variable %s", f->env);
        if (!config__field_set(cfg, f, v, strlen(v), where, err))
            return false;
        seen[i] = true;
    }
    return true;
}

static bool apply_defaults(config_t *cfg, const bool *seen, am_err_t *err)
{
    for (size_t i = 0; i < config__n_fields; i++) {
        const config__field_t *f = &config__fields[i];
        if (seen[i])
            continue;
        if (!f->def) {
            char hint[64] = "";
            if (f->env)
                snprintf(hint, sizeof hint, " (or set %s)", f->env);
            return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: missing required key \"%s\"%s",
                              cfg->file, f->path, hint);
        }
        if (!config__field_set(cfg, f, f->def, strlen(f->def), f->path, err))
            return false;
    }
    return true;
}

/* Relative to the directory we start in: later chdir()s (none today) must not move it. */
static bool make_absolute(const char *file, char **path, am_err_t *err)
{
    char *p = *path;
    size_t len = strlen(p);
    while (len > 1 && p[len - 1] == '/')
        p[--len] = '\0';
    if (p[0] == '/')
        return true;
    char *cwd = getcwd(NULL, 0);
    if (!cwd) {
        am_err_errno(err, errno, "%s: key \"iceberg.path\": could not get current directory", file);
        if (err)
            memcpy(err->sqlstate, AM_SQLSTATE_CONFIG, sizeof err->sqlstate);
        return false;
    }
    const char *rel = (strcmp(p, ".") == 0) ? "" : (strncmp(p, "./", 2) == 0 ? p + 2 : p);
    bool root = strcmp(cwd, "/") == 0;
    char *abs = am_xasprintf("%s%s%s", cwd, (root || !*rel) ? "" : "/", rel);
    free(cwd);
    free(p);
    *path = abs;
    return true;
}

bool config__finish(config_t *cfg, const bool *seen_in, bool tables_seen, bool apply_env_vars,
                    am_err_t *err)
{
    bool seen[AM_ARRAY_LEN(config__fields)];
    memcpy(seen, seen_in, sizeof seen);
    if (apply_env_vars && !apply_env(cfg, seen, err))
        return false;
    if (!apply_defaults(cfg, seen, err))
        return false;
    if (!tables_seen)
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: missing required key \"tables\"",
                          cfg->file);
    if (cfg->lake.compaction.small_file_size > cfg->lake.compaction.target_file_size)
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "%s: key \"lake.compaction.small_file_size\" (%lld bytes) must not "
                          "exceed \"lake.compaction.target_file_size\" (%lld bytes)",
                          cfg->file, (long long)cfg->lake.compaction.small_file_size,
                          (long long)cfg->lake.compaction.target_file_size);
    return make_absolute(cfg->file, &cfg->iceberg.path, err);
}
