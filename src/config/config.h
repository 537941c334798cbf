/*
 * config/config.h: the YAML file, environment overrides and command-line flags, validated
 * before anything runs. Errors name the file, the line and the key:
 *   config.yaml:7: key "postgres.port": expected an integer 1-65535, got "54x32"
 * Knows nothing of run time; a config_t is immutable once loaded and may be read by any thread.
 */
#ifndef AM_CONFIG_H
#define AM_CONFIG_H

#include <stdio.h>

#include "util/util.h"

typedef struct config_table {
    char *schema;     /* may be a pattern: * and ? as in a shell ("*" = every schema) */
    char *name;       /* may be a pattern too */
    bool insert_only; /* no replica identity: mirror inserts and truncates only */
    bool drop_lake;   /* on_drop: drop (remove the Iceberg table when the source drops it);
                         false = keep (the default) */
} config_table_t;

/* proxy.users: a role that may log in, with its SCRAM verifier as pg_authid.rolpassword keeps
 * it ("SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>"). */
typedef struct config_user {
    char *name;
    char *verifier;
} config_user_t;

typedef struct config {
    char *file; /* the path it was loaded from */
    struct {
        char *host;        /* default "localhost"; env POSTGRES_HOST */
        int port;          /* default 5432; env POSTGRES_PORT */
        char *user;        /* required; env POSTGRES_USER */
        char *password;    /* default ""; env POSTGRES_PASSWORD; never logged */
        char *database;    /* required; env POSTGRES_DB */
        char *slot;        /* default "arctic_mirror" */
        char *publication; /* default "arctic_mirror_pub" */
    } postgres;
    config_table_t *tables; /* at least one; no duplicates */
    size_t n_tables;
    struct {
        bool resnapshot_on_slot_loss; /* copy every table again when the slot is lost */
        int catalog_check_ms;         /* how often the source catalog is compared; 0 = 1000 */
        int copy_workers;             /* connections reading the initial copy; 0 = the cores */
        int flush_interval_ms;        /* mirror.flush_interval: the longest a committed change waits
                                         for its flush under load; env MIRROR_FLUSH_INTERVAL */
        int64_t flush_rows;           /* mirror.flush_rows: a batch this many rows big is flushed at
                                         the next transaction boundary; env MIRROR_FLUSH_ROWS */
        int64_t max_memory; /* mirror.max_memory: bytes the write path may hold for changes
                               not yet in the lake; env MIRROR_MAX_MEMORY */
    } mirror;
    struct {
        char *path; /* required: the warehouse directory */
    } iceberg;
    struct {
        struct {
            bool enabled;             /* lake.compaction.enabled, default true */
            int64_t target_file_size; /* bytes ("128MB"), default 128 MB */
            int64_t small_file_size;  /* files below it are small, default 32 MB */
            int max_small_files;      /* compact past this many small files, default 32 */
            int max_deleted_percent;  /* ... or this share of rows deleted, default 10 */
        } compaction;
        int file_retention_ms; /* lake.file_retention_ms: removed files stay, default 10 min */
        int orphan_check_ms;   /* lake.orphan_check_ms: orphan sweep interval, default 5 min */
    } lake;
    struct {
        char *host;                         /* default "127.0.0.1" */
        int port;                           /* default 5433 */
        int max_connections;                /* authenticated sessions; default 100 */
        int max_auth_connections;           /* connections still authenticating; default 32 */
        int auth_timeout_ms;                /* startup + authentication, in all; default 10 s */
        int statement_timeout_ms;           /* sessions' default; 0 = none */
        int idle_in_transaction_timeout_ms; /* sessions' default; 0 = none */
        int max_prepared_statements;        /* per session; default 1000 */
        int max_portals;                    /* per session (portals and cursors); default 100 */
        char *memory_limit;   /* DuckDB memory_limit: a size or "N%" of RAM; default "50%" */
        char *temp_directory; /* DuckDB spill directory; "" = a private one under /tmp */
        char *max_temp_directory_size; /* default "10GB" */
        char *sandbox_user;            /* without Landlock, as root: the user to become; "nobody" */
        char *auth_user;               /* the role that runs auth_query on the source; "" = none */
        char *auth_password;           /* never logged */
        char *auth_query;              /* $1 = the user name; returns (name, rolpassword) */
        struct {
            char *mode; /* disable | allow | require; default allow with a cert, else disable */
            char *cert; /* PEM certificate chain file; "" = none */
            char *key;  /* PEM private key file */
        } tls;
        config_user_t *users; /* proxy.users; NULL when absent */
        size_t n_users;
    } proxy;
    struct {
        char *host;    /* default "127.0.0.1" */
        bool detailed; /* paths and hosts in /health/detailed; default false */
    } health;
} config_t;

typedef struct config_args {
    const char *config_path; /* --config, default "config.yaml" */
    int health_port;         /* --health-port, default 8080 */
    bool help;               /* --help / -h */
    bool status;             /* the "status" command: print a running mirror's state */
    /* Set by the supervisor for its children only (not in --help): */
    const char *role;     /* --role writer|server; NULL = the supervisor */
    int status_fd;        /* --status-fd: the child's status page; -1 when absent */
    int listen_fd;        /* --listen-fd: the proxy's listening socket; -1 when absent */
    const char *temp_dir; /* --temp-dir: the server's private spill directory */
} config_args_t;

/* Defaults of the mirror section's budget keys. A tenth of a second under load keeps freshness
 * at 2,000 tps near 0.2 s at the median and under 0.6 s at p99 on two cores (250ms gave
 * 0.3-0.45 s / 0.5-0.9 s; bench/freshness.py); compaction keeps the files it makes few. */
#define CONFIG_FLUSH_INTERVAL_MS 100
#define CONFIG_FLUSH_ROWS INT64_C(200000)
#define CONFIG_MAX_MEMORY (INT64_C(256) << 20)

/* Whether s holds pattern characters (* or ?). */
bool config_is_pattern(const char *s);

/* Exit status for bad flags or config. */
#define CONFIG_EXIT_USAGE 2

/* Parses argv. Unknown flags and bad values fail naming the flag. */
bool config_args_parse(int argc, char **argv, config_args_t *out, am_err_t *err) AM_MUST_CHECK;
void config_usage(FILE *out, const char *argv0);

/*
 * Loads path, applies POSTGRES_* overrides from the environment, validates. Unknown keys,
 * wrong types, missing required keys and unreadable files fail with SQLSTATE F0000 and a
 * message naming the file, line and key. On failure cfg is left empty (safe to destroy).
 */
bool config_load(config_t *cfg, const char *path, am_err_t *err) AM_MUST_CHECK;
/* The same from bytes (tests, fuzzing); name is used in messages. Applies env overrides
 * only if apply_env. */
bool config_load_bytes(config_t *cfg, const char *data, size_t len, const char *name,
                       bool apply_env, am_err_t *err) AM_MUST_CHECK;
void config_destroy(config_t *cfg);

#endif /* AM_CONFIG_H */
