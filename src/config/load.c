/*
 * config/load.c: YAML bytes -> config_t. Walks libyaml's document tree (aliases resolved,
 * every node carrying its line) against the key table of config/values.c; knows only the
 * shape of the file (sections, the tables list), never what a value means.
 * Every error names the file, the line and the dotted key path, SQLSTATE F0000:
 *   config.yaml:3: unknown key "postgres.hots"
 * Untrusted bytes: fuzzed by tests/fuzz/fuzz_config.c. The walk never recurses deeper than
 * the key table does, so aliases that loop back on themselves cannot run it away.
 */
#include "config/config.h"
#include "config/config_internal.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_KEY_LEN 64

typedef struct loader {
    config_t *cfg;
    yaml_document_t *doc;
    bool seen[64]; /* indexed like config__fields */
    bool tables_seen;
    am_err_t *err;
} loader_t;

static size_t line_of(const yaml_node_t *n)
{
    return n->start_mark.line + 1;
}

static const char *kind_name(const yaml_node_t *n)
{
    if (n->type == YAML_MAPPING_NODE)
        return "a mapping";
    if (n->type == YAML_SEQUENCE_NODE)
        return "a list";
    return "a scalar";
}

static const char *scalar_text(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

/* YAML's null: an empty or ~/null plain scalar ("port:" with nothing after it). */
static bool is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *s = scalar_text(n);
    return n->data.scalar.length == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static bool fail_at(loader_t *ld, const yaml_node_t *n, const char *what, const char *path)
{
    return am_err_set(ld->err, AM_SQLSTATE_CONFIG, "%s:%zu: %s \"%s\"", ld->cfg->file, line_of(n),
                      what, path);
}

/* at: the key (its line is where the reader looks; libyaml puts an empty value on the next) */
static bool fail_type(loader_t *ld, const yaml_node_t *at, const yaml_node_t *v, const char *path,
                      const char *expected)
{
    return am_err_set(ld->err, AM_SQLSTATE_CONFIG, "%s:%zu: key \"%s\": expected %s, got %s",
                      ld->cfg->file, line_of(at), path, expected,
                      is_null(v) ? "nothing" : kind_name(v));
}

static yaml_node_t *node_at(loader_t *ld, int index)
{
    yaml_node_t *n = yaml_document_get_node(ld->doc, index);
    AM_ASSERT(n != NULL); /* libyaml only links nodes it created */
    return n;
}

/* Dots would fake a section path; control bytes (a folded newline) would break the line. */
static bool key_bytes_ok(const char *key, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)key[i];
        if (c < 0x20 || c == 0x7f || c == '.')
            return false;
    }
    return true;
}

/*
 * prefix + key into path. Keys that cannot name anything (not a scalar, a dot or control
 * byte inside, too long) are reported as unknown, shown as much as fits in a message.
 */
static bool key_path(loader_t *ld, const yaml_node_t *k, const char *prefix, char *path, size_t cap)
{
    if (k->type != YAML_SCALAR_NODE)
        return am_err_set(ld->err, AM_SQLSTATE_CONFIG,
                          "%s:%zu: expected a string key in \"%s\", got %s", ld->cfg->file,
                          line_of(k), *prefix ? prefix : "(top level)", kind_name(k));
    const char *key = scalar_text(k);
    size_t len = k->data.scalar.length;
    int n = snprintf(path, cap, "%s%.*s", prefix, (int)(len < MAX_KEY_LEN ? len : 0), key);
    if (len < MAX_KEY_LEN && n > 0 && (size_t)n < cap && key_bytes_ok(key, len))
        return true;
    char shown[MAX_KEY_LEN + 8];
    config__show(shown, sizeof shown, key, len);
    return am_err_set(ld->err, AM_SQLSTATE_CONFIG, "%s:%zu: unknown key \"%s%s\"", ld->cfg->file,
                      line_of(k), prefix, shown);
}

static bool same_scalar(const yaml_node_t *a, const yaml_node_t *b)
{
    return a->type == YAML_SCALAR_NODE && b->type == YAML_SCALAR_NODE &&
           a->data.scalar.length == b->data.scalar.length &&
           memcmp(a->data.scalar.value, b->data.scalar.value, a->data.scalar.length) == 0;
}

/* A later key wins in most YAML readers; here it is an error, as it is nearly always a typo. */
static bool check_duplicate(loader_t *ld, const yaml_node_t *map, const yaml_node_pair_t *pair,
                            const char *path)
{
    const yaml_node_t *k = node_at(ld, pair->key);
    for (const yaml_node_pair_t *p = map->data.mapping.pairs.start; p < pair; p++) {
        if (same_scalar(node_at(ld, p->key), k))
            return fail_at(ld, k, "duplicate key", path);
    }
    return true;
}

static bool load_field(loader_t *ld, const config__field_t *f, const yaml_node_t *k,
                       const yaml_node_t *v)
{
    char expect[160];
    if (v->type != YAML_SCALAR_NODE)
        return fail_type(ld, k, v, f->path, config__field_expect(f, expect, sizeof expect));
    char where[384]; /* the file name may be a long path */
    snprintf(where, sizeof where, "%s:%zu: key \"%s\"", ld->cfg->file, line_of(k), f->path);
    size_t len = is_null(v) ? 0 : v->data.scalar.length;
    if (!config__field_set(ld->cfg, f, scalar_text(v), len, where, ld->err))
        return false;
    ld->seen[f - config__fields] = true;
    return true;
}

static bool load_tables(loader_t *ld, const yaml_node_t *k, const yaml_node_t *v);
static bool load_mapping(loader_t *ld, const yaml_node_t *map, const char *prefix);

static bool load_entry(loader_t *ld, const yaml_node_t *k, const yaml_node_t *v, const char *path,
                       bool top)
{
    const config__field_t *f = config__field_find(path, strlen(path));
    if (f)
        return load_field(ld, f, k, v);
    if (top && strcmp(path, "tables") == 0)
        return load_tables(ld, k, v);
    if (strcmp(path, "proxy.users") == 0)
        return config__users_load(ld->cfg, ld->doc, k, v, ld->err);
    if (top && strcmp(path, "mirror") == 0)
        return config__mirror_load(ld->cfg, ld->doc, k, v, ld->err);
    if (!config__is_section(path, strlen(path)))
        return fail_at(ld, k, "unknown key", path);
    if (is_null(v)) /* a section with every key commented out */
        return true;
    if (v->type != YAML_MAPPING_NODE)
        return fail_type(ld, k, v, path, "a mapping");
    char prefix[2 * MAX_KEY_LEN + 3];
    snprintf(prefix, sizeof prefix, "%s.", path);
    return load_mapping(ld, v, prefix);
}

static bool load_mapping(loader_t *ld, const yaml_node_t *map, const char *prefix)
{
    for (const yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *k = node_at(ld, p->key);
        char path[2 * MAX_KEY_LEN + 2];
        if (!key_path(ld, k, prefix, path, sizeof path) || !check_duplicate(ld, map, p, path))
            return false;
        if (!load_entry(ld, k, node_at(ld, p->value), path, *prefix == '\0'))
            return false;
    }
    return true;
}

/* ---- tables: a list of {schema, name} ------------------------------------------------- */

static bool table_key(loader_t *ld, config_table_t *t, const yaml_node_t *k, const yaml_node_t *v,
                      const char *path)
{
    bool is_name = strcmp(strrchr(path, '.') + 1, "name") == 0;
    if (!is_name && strcmp(strrchr(path, '.') + 1, "schema") != 0) {
        char where[384];
        snprintf(where, sizeof where, "%s:%zu: key \"%s\"", ld->cfg->file, line_of(k), path);
        bool handled = false;
        if (!config__table_option(t, strrchr(path, '.') + 1, v, where, &handled, ld->err))
            return false;
        return handled || fail_at(ld, k, "unknown key", path);
    }
    if (v->type != YAML_SCALAR_NODE)
        return fail_type(ld, k, v, path, "a non-empty name");
    char where[384]; /* the file name may be a long path */
    snprintf(where, sizeof where, "%s:%zu: key \"%s\"", ld->cfg->file, line_of(k), path);
    size_t len = is_null(v) ? 0 : v->data.scalar.length;
    if (!config__name_check(scalar_text(v), len, where, ld->err))
        return false;
    char **slot = is_name ? &t->name : &t->schema;
    *slot = am_xstrndup(scalar_text(v), len);
    return true;
}

static bool load_table(loader_t *ld, const yaml_node_t *item, size_t i)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, "tables[%zu]", i);
    if (item->type != YAML_MAPPING_NODE)
        return fail_type(ld, item, item, prefix, "a mapping with schema and name");
    config_table_t *t = &ld->cfg->tables[i];
    size_t plen = strlen(prefix);
    prefix[plen] = '.';
    prefix[plen + 1] = '\0';
    for (const yaml_node_pair_t *p = item->data.mapping.pairs.start;
         p < item->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = node_at(ld, p->key);
        char path[MAX_KEY_LEN + 40];
        if (!key_path(ld, k, prefix, path, sizeof path) || !check_duplicate(ld, item, p, path))
            return false;
        if (!table_key(ld, t, k, node_at(ld, p->value), path))
            return false;
    }
    if (!t->name)
        return am_err_set(ld->err, AM_SQLSTATE_CONFIG, "%s:%zu: missing required key \"%sname\"",
                          ld->cfg->file, line_of(item), prefix);
    if (!t->schema)
        t->schema = am_xstrdup("public");
    return true;
}

static bool check_table_unique(loader_t *ld, const yaml_node_t *item, size_t i)
{
    const config_table_t *t = &ld->cfg->tables[i];
    for (size_t j = 0; j < i; j++) {
        const config_table_t *o = &ld->cfg->tables[j];
        if (strcmp(o->schema, t->schema) != 0 || strcmp(o->name, t->name) != 0)
            continue;
        char schema[72], name[72];
        config__show(schema, sizeof schema, t->schema, strlen(t->schema));
        config__show(name, sizeof name, t->name, strlen(t->name));
        return am_err_set(ld->err, AM_SQLSTATE_CONFIG,
                          "%s:%zu: key \"tables[%zu]\": duplicate table \"%s.%s\" (also "
                          "tables[%zu])",
                          ld->cfg->file, line_of(item), i, schema, name, j);
    }
    return true;
}

static bool load_tables(loader_t *ld, const yaml_node_t *k, const yaml_node_t *v)
{
    ld->tables_seen = true;
    if (v->type != YAML_SEQUENCE_NODE)
        return fail_type(ld, k, v, "tables", "a list of tables");
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (n == 0)
        return am_err_set(ld->err, AM_SQLSTATE_CONFIG,
                          "%s:%zu: key \"tables\": expected at least one table", ld->cfg->file,
                          line_of(k));
    ld->cfg->tables = am_xcalloc(n, sizeof *ld->cfg->tables);
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item = node_at(ld, v->data.sequence.items.start[i]);
        ld->cfg->n_tables = i + 1; /* so config_destroy frees a half-filled entry */
        if (!load_table(ld, item, i) || !check_table_unique(ld, item, i))
            return false;
    }
    return true;
}

/* ---- parsing ----------------------------------------------------------------------------- */

/* Reader errors (bad UTF-8) give a byte offset, not a line: count the newlines before it. */
static size_t line_at_offset(const char *data, size_t len, size_t offset, size_t *col)
{
    size_t line = 1, start = 0;
    for (size_t i = 0; i < offset && i < len; i++) {
        if (data[i] == '\n') {
            line++;
            start = i + 1;
        }
    }
    *col = offset - start + 1;
    return line;
}

static bool parse_error(const yaml_parser_t *p, const char *name, const char *data, size_t len,
                        am_err_t *err)
{
    const char *problem = p->problem ? p->problem : "unknown error";
    size_t line = p->problem_mark.line + 1, col = p->problem_mark.column + 1;
    if (p->error == YAML_READER_ERROR)
        line = line_at_offset(data, len, p->problem_offset, &col);
    if (p->context)
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "%s:%zu:%zu: invalid YAML: %s (%s at line %zu, column %zu)", name, line,
                          col, problem, p->context, p->context_mark.line + 1,
                          p->context_mark.column + 1);
    return am_err_set(err, AM_SQLSTATE_CONFIG, "%s:%zu:%zu: invalid YAML: %s", name, line, col,
                      problem);
}

/* One document only: a second one (after "---") would be silently ignored otherwise. */
static bool check_single_document(yaml_parser_t *parser, const char *name, const char *data,
                                  size_t len, am_err_t *err)
{
    yaml_document_t next;
    if (!yaml_parser_load(parser, &next))
        return parse_error(parser, name, data, len, err);
    yaml_node_t *root = yaml_document_get_root_node(&next);
    size_t line = root ? root->start_mark.line + 1 : 0;
    yaml_document_delete(&next);
    if (root)
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "%s:%zu: expected one YAML document, found another", name, line);
    return true;
}

static bool load_document(loader_t *ld, yaml_document_t *doc, bool apply_env)
{
    ld->doc = doc;
    const yaml_node_t *root = yaml_document_get_root_node(doc);
    if (root && !is_null(root)) {
        if (root->type != YAML_MAPPING_NODE)
            return am_err_set(ld->err, AM_SQLSTATE_CONFIG,
                              "%s:%zu: expected a mapping at the top level, got %s", ld->cfg->file,
                              line_of(root), kind_name(root));
        if (!load_mapping(ld, root, ""))
            return false;
    }
    return config__finish(ld->cfg, ld->seen, ld->tables_seen, apply_env, ld->err);
}

bool config_load_bytes(config_t *cfg, const char *data, size_t len, const char *name,
                       bool apply_env, am_err_t *err)
{
    AM_ASSERT(config__n_fields <= AM_ARRAY_LEN(((loader_t *)0)->seen));
    memset(cfg, 0, sizeof *cfg);
    cfg->file = am_xstrdup(name);
    loader_t ld = {.cfg = cfg, .err = err};
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        abort(); /* libyaml's only failure here is out of memory */
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    yaml_document_t doc;
    bool ok = false;
    if (!yaml_parser_load(&parser, &doc)) {
        parse_error(&parser, name, data, len, err);
    } else {
        ok = check_single_document(&parser, name, data, len, err) &&
             load_document(&ld, &doc, apply_env);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    if (!ok)
        config_destroy(cfg);
    return ok;
}

bool config_load(config_t *cfg, const char *path, am_err_t *err)
{
    memset(cfg, 0, sizeof *cfg);
    am_buf_t buf;
    am_buf_init(&buf);
    if (!am_file_read_all(path, &buf, err)) {
        am_buf_destroy(&buf);
        am_err_prefix(err, "config file");
        if (err)
            memcpy(err->sqlstate, AM_SQLSTATE_CONFIG, sizeof err->sqlstate);
        return false;
    }
    bool ok = config_load_bytes(cfg, buf.data ? buf.data : "", buf.len, path, true, err);
    am_buf_destroy(&buf);
    return ok;
}

void config_destroy(config_t *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < config__n_fields; i++) {
        if (!config__kind_is_text(config__fields[i].kind))
            continue;
        char *s = NULL;
        memcpy(&s, (char *)cfg + config__fields[i].offset, sizeof s);
        free(s);
    }
    for (size_t i = 0; i < cfg->n_tables; i++) {
        free(cfg->tables[i].schema);
        free(cfg->tables[i].name);
    }
    free(cfg->tables);
    for (size_t i = 0; i < cfg->proxy.n_users; i++) {
        free(cfg->proxy.users[i].name);
        free(cfg->proxy.users[i].verifier);
    }
    free(cfg->proxy.users);
    free(cfg->file);
    memset(cfg, 0, sizeof *cfg);
}
