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
#include <strings.h>
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
    {"proxy.host", CONFIG__STRING, offsetof(config_t, proxy.host), NULL, "127.0.0.1", 0, 0},
    {"proxy.port", CONFIG__PORT, offsetof(config_t, proxy.port), NULL, "5433", 0, 0},
    {"proxy.max_connections", CONFIG__INT, offsetof(config_t, proxy.max_connections), NULL, "100",
     1, 10000},
    {"proxy.max_auth_connections", CONFIG__INT, offsetof(config_t, proxy.max_auth_connections),
     NULL, "32", 1, 1000},
    {"proxy.auth_timeout", CONFIG__MS, offsetof(config_t, proxy.auth_timeout_ms), NULL, "1min", 0,
     0},
    {"proxy.statement_timeout", CONFIG__MS, offsetof(config_t, proxy.statement_timeout_ms), NULL,
     "0", 0, 0},
    {"proxy.idle_in_transaction_session_timeout", CONFIG__MS,
     offsetof(config_t, proxy.idle_in_transaction_timeout_ms), NULL, "0", 0, 0},
    {"proxy.max_prepared_statements", CONFIG__INT,
     offsetof(config_t, proxy.max_prepared_statements), NULL, "1000", 1, 1000000},
    {"proxy.max_portals", CONFIG__INT, offsetof(config_t, proxy.max_portals), NULL, "100", 1,
     100000},
    {"proxy.memory_limit", CONFIG__SIZE, offsetof(config_t, proxy.memory_limit), NULL, "50%", 0, 0},
    {"proxy.temp_directory", CONFIG__TEXT, offsetof(config_t, proxy.temp_directory), NULL, "", 0,
     0},
    {"proxy.max_temp_directory_size", CONFIG__SIZE,
     offsetof(config_t, proxy.max_temp_directory_size), NULL, "10GB", 0, 0},
    {"proxy.sandbox_user", CONFIG__STRING, offsetof(config_t, proxy.sandbox_user), NULL, "nobody",
     0, 0},
    {"proxy.auth_user", CONFIG__TEXT, offsetof(config_t, proxy.auth_user), "PROXY_AUTH_USER", "", 0,
     0},
    {"proxy.auth_password", CONFIG__SECRET, offsetof(config_t, proxy.auth_password),
     "PROXY_AUTH_PASSWORD", "", 0, 0},
    {"proxy.auth_query", CONFIG__STRING, offsetof(config_t, proxy.auth_query), NULL,
     "SELECT rolname, rolpassword FROM arctic_mirror.lookup_role($1)", 0, 0},
    {"proxy.tls.mode", CONFIG__TEXT, offsetof(config_t, proxy.tls.mode), NULL, "", 0, 0},
    {"proxy.tls.cert", CONFIG__TEXT, offsetof(config_t, proxy.tls.cert), NULL, "", 0, 0},
    {"proxy.tls.key", CONFIG__TEXT, offsetof(config_t, proxy.tls.key), NULL, "", 0, 0},
    {"health.host", CONFIG__STRING, offsetof(config_t, health.host), NULL, "127.0.0.1", 0, 0},
    {"health.detailed", CONFIG__BOOL, offsetof(config_t, health.detailed), NULL, "false", 0, 0},
    {"lake.compaction.enabled", CONFIG__BOOL, offsetof(config_t, lake.compaction.enabled),
     "LAKE_COMPACTION_ENABLED", "true", 0, 0},
    {"lake.compaction.target_file_size", CONFIG__BYTES,
     offsetof(config_t, lake.compaction.target_file_size), "LAKE_COMPACTION_TARGET_FILE_SIZE",
     "128MB", INT64_C(1) << 20, INT64_C(16) << 30},
    {"lake.compaction.small_file_size", CONFIG__BYTES,
     offsetof(config_t, lake.compaction.small_file_size), "LAKE_COMPACTION_SMALL_FILE_SIZE", "32MB",
     INT64_C(1) << 10, INT64_C(16) << 30},
    {"lake.compaction.max_small_files", CONFIG__INT,
     offsetof(config_t, lake.compaction.max_small_files), "LAKE_COMPACTION_MAX_SMALL_FILES", "32",
     2, 100000},
    {"lake.compaction.max_deleted_percent", CONFIG__INT,
     offsetof(config_t, lake.compaction.max_deleted_percent), "LAKE_COMPACTION_MAX_DELETED_PERCENT",
     "10", 1, 100},
    {"lake.file_retention_ms", CONFIG__MS, offsetof(config_t, lake.file_retention_ms),
     "LAKE_FILE_RETENTION_MS", "600000", 0, INT64_C(7) * 24 * 3600 * 1000},
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
    case CONFIG__TEXT:
        return "a string";
    case CONFIG__INT:
        return "an integer";
    case CONFIG__MS:
        return "a duration such as 250ms, 10s or 5min (a bare number is milliseconds)";
    case CONFIG__BOOL:
        return "true or false";
    case CONFIG__SIZE:
        return "a size such as 512MB or 2GB, or a share of memory such as 50%";
    case CONFIG__BYTES:
        return "a size such as 512MB or 2GB";
    case CONFIG__STRING:
    case CONFIG__PATH:
        break;
    }
    return "a non-empty string";
}

bool config__kind_is_text(config__kind_t kind)
{
    return kind != CONFIG__PORT && kind != CONFIG__INT && kind != CONFIG__MS &&
           kind != CONFIG__BOOL && kind != CONFIG__BYTES;
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

/* "512MB", "2GiB", "1073741824" or "1-100%". */
static bool size_ok(const char *text, size_t len)
{
    char buf[40];
    if (len == 0 || len >= sizeof buf || memchr(text, '\0', len))
        return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    uint64_t bytes = 0;
    if (buf[len - 1] != '%')
        return am_size_parse(buf, &bytes) && bytes > 0;
    buf[len - 1] = '\0';
    char *end = NULL;
    long pct = strtol(buf, &end, 10);
    return end != buf && *end == '\0' && pct >= 1 && pct <= 100;
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
    case CONFIG__TEXT:
        if (memchr(text, '\0', len) == NULL)
            return true;
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: must not contain a NUL byte", where);
    case CONFIG__SIZE:
        if (size_ok(text, len))
            return true;
        config__show(shown, sizeof shown, text, len);
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: expected %s, got \"%s\"", where,
                          config__kind_expect(f->kind), shown);
    case CONFIG__STRING:
    case CONFIG__PATH:
    case CONFIG__PORT:
    case CONFIG__INT:
    case CONFIG__MS:
    case CONFIG__BOOL:
    case CONFIG__BYTES:
        break;
    }
    if (len == 0)
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: expected %s", where,
                          config__kind_expect(f->kind));
    if (memchr(text, '\0', len) != NULL)
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: must not contain a NUL byte", where);
    return true;
}

static bool bool_parse(const char *t, size_t len, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < AM_ARRAY_LEN(yes); i++) {
        if (strlen(yes[i]) == len && strncasecmp(t, yes[i], len) == 0)
            return (*out = true);
        if (strlen(no[i]) == len && strncasecmp(t, no[i], len) == 0)
            return !(*out = false);
    }
    return false;
}

/* CONFIG__INT, CONFIG__MS, CONFIG__BOOL into *out; false when the text does not fit. */
static bool number_parse(const config__field_t *f, const char *text, size_t len, int *out)
{
    char buf[48];
    if (len == 0 || len >= sizeof buf || memchr(text, '\0', len))
        return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    if (f->kind == CONFIG__BOOL) {
        bool b = false;
        if (!bool_parse(buf, len, &b))
            return false;
        *out = b;
        return true;
    }
    if (f->kind == CONFIG__MS) {
        int64_t ms = 0;
        if (!am_duration_ms_parse(buf, &ms) || (f->hi > 0 && (ms < f->lo || ms > f->hi)))
            return false;
        *out = (int)ms;
        return true;
    }
    char *end = NULL;
    errno = 0;
    long v = strtol(buf, &end, 10);
    if (errno || end == buf || *end || v < f->lo || v > f->hi)
        return false;
    *out = (int)v;
    return true;
}

static bool number_set(const config__field_t *f, char *slot, const char *text, size_t len,
                       const char *where, am_err_t *err)
{
    int v = 0;
    if (!number_parse(f, text, len, &v)) {
        char shown[72], expect[160];
        config__show(shown, sizeof shown, text, len);
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: expected %s, got \"%s\"", where,
                          config__field_expect(f, expect, sizeof expect), shown);
    }
    if (f->kind == CONFIG__BOOL) {
        bool b = v != 0;
        memcpy(slot, &b, sizeof b);
    } else {
        memcpy(slot, &v, sizeof v);
    }
    return true;
}

bool config__field_set(config_t *cfg, const config__field_t *f, const char *text, size_t len,
                       const char *where, am_err_t *err)
{
    char *slot = (char *)cfg + f->offset;
    if (f->kind == CONFIG__INT || f->kind == CONFIG__MS || f->kind == CONFIG__BOOL)
        return number_set(f, slot, text, len, where, err);
    if (f->kind == CONFIG__BYTES)
        return config__bytes_set(cfg, f, text, len, where, err);
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

/* proxy.tls.mode defaults to allow with a certificate; require needs one; cert and key go
 * together. */
static bool check_tls(config_t *cfg, am_err_t *err)
{
    char **mode = &cfg->proxy.tls.mode;
    bool has_cert = cfg->proxy.tls.cert[0] != '\0';
    if (!**mode) {
        free(*mode);
        *mode = am_xstrdup(has_cert ? "allow" : "disable");
    }
    if (strcmp(*mode, "disable") != 0 && strcmp(*mode, "allow") != 0 &&
        strcmp(*mode, "require") != 0) {
        char shown[72];
        config__show(shown, sizeof shown, *mode, strlen(*mode));
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "%s: key \"proxy.tls.mode\": expected disable, allow or require, got "
                          "\"%s\"",
                          cfg->file, shown);
    }
    if (strcmp(*mode, "disable") != 0 && !has_cert)
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "%s: key \"proxy.tls.mode\": %s needs proxy.tls.cert and proxy.tls.key",
                          cfg->file, *mode);
    if (has_cert != (cfg->proxy.tls.key[0] != '\0'))
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "%s: keys \"proxy.tls.cert\" and \"proxy.tls.key\" go together",
                          cfg->file);
    return true;
}

/* One way to know users: the auth query, the static list, or the one configured user. */
static bool check_auth(const config_t *cfg, am_err_t *err)
{
    if (cfg->proxy.auth_user[0] && cfg->proxy.n_users > 0)
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "%s: keys \"proxy.auth_user\" and \"proxy.users\" exclude each other: "
                          "users come from the source or from the list",
                          cfg->file);
    if (cfg->proxy.temp_directory[0] && cfg->proxy.temp_directory[0] != '/')
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "%s: key \"proxy.temp_directory\": expected an absolute path", cfg->file);
    return true;
}

/* A small file is one compaction rewrites into target-size ones: never the bigger of the two. */
static bool check_compaction(const config_t *cfg, am_err_t *err)
{
    if (cfg->lake.compaction.small_file_size <= cfg->lake.compaction.target_file_size)
        return true;
    return am_err_set(err, AM_SQLSTATE_CONFIG,
                      "%s: key \"lake.compaction.small_file_size\" (%lld bytes) must not exceed "
                      "\"lake.compaction.target_file_size\" (%lld bytes)",
                      cfg->file, (long long)cfg->lake.compaction.small_file_size,
                      (long long)cfg->lake.compaction.target_file_size);
}

bool config__finish(config_t *cfg, const bool *seen_in, bool tables_seen, bool apply_env_vars,
                    am_err_t *err)
{
    bool seen[AM_ARRAY_LEN(config__fields)];
    memcpy(seen, seen_in, sizeof seen);
    if (apply_env_vars && !apply_env(cfg, seen, err))
        return false;
    if (!config__budget_finish(cfg, apply_env_vars, err))
        return false;
    if (!apply_defaults(cfg, seen, err))
        return false;
    if (!tables_seen)
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s: missing required key \"tables\"",
                          cfg->file);
    return make_absolute(cfg->file, &cfg->iceberg.path, err) && check_tls(cfg, err) &&
           check_auth(cfg, err) && check_compaction(cfg, err);
}
