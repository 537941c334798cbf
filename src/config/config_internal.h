/*
 * config/config_internal.h: shared by the .c files of config only. The table of scalar keys drives
 * the YAML walk, the environment overrides, the defaults and the required-key check alike, so a new
 * key is one line in config/values.c.
 */
#ifndef AM_CONFIG_INTERNAL_H
#define AM_CONFIG_INTERNAL_H

#include "config/config.h"

#include <yaml.h>

/* PostgreSQL's NAMEDATALEN - 1: the longest identifier the server keeps. */
#define CONFIG__MAX_IDENT 63

typedef enum config__kind {
    CONFIG__STRING, /* non-empty text */
    CONFIG__SECRET, /* may be empty; never echoed in a message */
    CONFIG__PORT,   /* integer 1-65535 */
    CONFIG__IDENT,  /* slot-style name: [a-z0-9_], 1-63 bytes */
    CONFIG__PATH,   /* non-empty; made absolute once loading ends */
    CONFIG__TEXT,   /* may be empty */
    CONFIG__INT,    /* integer lo-hi */
    CONFIG__MS,     /* a duration ("10s", "250ms", bare = ms), 0 to 2^31-1 ms, kept as int */
    CONFIG__BOOL,   /* true/false, yes/no, on/off */
    CONFIG__SIZE,   /* a byte size ("512MB") or a share of RAM ("50%"), kept as text */
    CONFIG__BYTES,  /* a byte size ("128MB", "4096") lo-hi, kept as int64_t */
} config__kind_t;

typedef struct config__field {
    const char *path;    /* dotted key path: "postgres.port" */
    config__kind_t kind; /* decides the C type at offset (config__kind_is_text: char *) */
    size_t offset;       /* of the value inside config_t */
    const char *env;     /* overriding environment variable, or NULL */
    const char *def;     /* default as text, or NULL when the key is required */
    int64_t lo, hi;      /* INT, BYTES: the range; MS: the range when hi > 0 */
} config__field_t;

/* Whether the field's C type is a char * (freed by config_destroy). */
bool config__kind_is_text(config__kind_t kind);

extern const config__field_t config__fields[];
extern const size_t config__n_fields;

/* The field named path (len bytes, not NUL-terminated), or NULL. */
const config__field_t *config__field_find(const char *path, size_t len);
/* True if some field path starts with prefix followed by '.', e.g. "postgres". */
bool config__is_section(const char *prefix, size_t len);
/* What a value of this kind must be, for messages: "an integer 1-65535". */
const char *config__kind_expect(config__kind_t kind);
/* The same for field f, its range included ("an integer 2-100000"); into buf (cap bytes). */
const char *config__field_expect(const config__field_t *f, char *buf, size_t cap);

/*
 * Validates text (len bytes, may hold NULs) for f and stores a copy in cfg, replacing any
 * earlier value. where prefixes the message: "config.yaml:7: key \"postgres.port\"".
 */
bool config__field_set(config_t *cfg, const config__field_t *f, const char *text, size_t len,
                       const char *where, am_err_t *err) AM_MUST_CHECK;

/* numbers.c: validates and stores a CONFIG__BYTES value (like config__field_set). */
bool config__bytes_set(config_t *cfg, const config__field_t *f, const char *text, size_t len,
                       const char *where, am_err_t *err) AM_MUST_CHECK;

/* Decimal 1-65535 in exactly len bytes (no sign, no spaces); *out untouched on failure. */
bool config__port_parse(const char *text, size_t len, int *out) AM_MUST_CHECK;

/* A schema or table name: 1-63 bytes, no NUL. */
bool config__name_check(const char *text, size_t len, const char *where,
                        am_err_t *err) AM_MUST_CHECK;

/*
 * After the file: environment overrides (if apply_env), defaults for keys not in seen[]
 * (indexed like config__fields), required keys, tables present, iceberg.path absolute.
 */
bool config__finish(config_t *cfg, const bool *seen, bool tables_seen, bool apply_env,
                    am_err_t *err) AM_MUST_CHECK;

/*
 * Copies at most len bytes of s into out (cap bytes) for quoting in a message: control
 * bytes become '?', and a long value is cut with "..." so the message stays one line.
 */
void config__show(char *out, size_t cap, const char *s, size_t len);

/* users.c: proxy.users, a list of {name, verifier}; k is the key node (for its line). */
bool config__users_load(config_t *cfg, yaml_document_t *doc, const yaml_node_t *k,
                        const yaml_node_t *v, am_err_t *err) AM_MUST_CHECK;
/* mirror.c: the "mirror" section (k: its key node, v: its value), and the keys of a table
 * entry other than schema and name (tables[i].insert_only, tables[i].on_drop). where prefixes
 * messages ("config.yaml:7: key \"tables[0].on_drop\""). */
bool config__mirror_load(config_t *cfg, yaml_document_t *doc, const yaml_node_t *k,
                         const yaml_node_t *v, am_err_t *err) AM_MUST_CHECK;
/* budget.c: mirror.flush_interval, mirror.flush_rows, mirror.max_memory. *handled tells
 * whether key is one of them; if so s (len bytes) is parsed into cfg, where prefixing the
 * message. */
bool config__budget_set(config_t *cfg, const char *key, const char *s, size_t len,
                        const char *where, bool *handled, am_err_t *err) AM_MUST_CHECK;
/* After the file: the environment overrides (if apply_env), then defaults for what is unset. */
bool config__budget_finish(config_t *cfg, bool apply_env, am_err_t *err) AM_MUST_CHECK;
/* Whether the table key named key is one of mirror.c's; if so sets it from v (a scalar). */
bool config__table_option(config_table_t *t, const char *key, const yaml_node_t *v,
                          const char *where, bool *handled, am_err_t *err) AM_MUST_CHECK;

#endif /* AM_CONFIG_INTERNAL_H */
