/*
 * config/users.c: proxy.users, the static list of roles the proxy accepts when no auth query
 * asks the source:
 *   proxy:
 *     users:
 *       - name: analyst
 *         verifier: "SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>"
 * A verifier is pg_authid.rolpassword's SCRAM form (what PostgreSQL stores, never a password);
 * here only its shape is checked, the proxy decodes it at start. Errors name file, line, key.
 */
#include "config/config_internal.h"

#include <stdlib.h>
#include <string.h>

#define VERIFIER_PREFIX "SCRAM-SHA-256$"

static size_t line_of(const yaml_node_t *n)
{
    return n->start_mark.line + 1;
}

static const char *scalar(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static bool user_key(config_t *cfg, config_user_t *u, const yaml_node_t *k, const yaml_node_t *v,
                     size_t i, am_err_t *err)
{
    const char *key = scalar(k), *val = scalar(v);
    bool is_name = key && strcmp(key, "name") == 0;
    if (!key || (!is_name && strcmp(key, "verifier") != 0))
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s:%zu: unknown key \"proxy.users[%zu].%s\"",
                          cfg->file, line_of(k), i, key ? key : "?");
    char **slot = is_name ? &u->name : &u->verifier;
    if (*slot)
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s:%zu: duplicate key \"proxy.users[%zu].%s\"",
                          cfg->file, line_of(k), i, key);
    if (!val || !*val || strlen(val) != v->data.scalar.length)
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "%s:%zu: key \"proxy.users[%zu].%s\": expected a non-empty string",
                          cfg->file, line_of(k), i, key);
    if (is_name && strlen(val) > CONFIG__MAX_IDENT)
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "%s:%zu: key \"proxy.users[%zu].name\": PostgreSQL names are at most %d "
                          "bytes",
                          cfg->file, line_of(k), i, CONFIG__MAX_IDENT);
    if (!is_name && strncmp(val, VERIFIER_PREFIX, strlen(VERIFIER_PREFIX)) != 0)
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "%s:%zu: key \"proxy.users[%zu].verifier\": expected a SCRAM verifier "
                          "(\"SCRAM-SHA-256$...\", as pg_authid.rolpassword holds it), never a "
                          "password",
                          cfg->file, line_of(k), i);
    *slot = am_xstrdup(val);
    return true;
}

static bool user_load(config_t *cfg, yaml_document_t *doc, const yaml_node_t *item, size_t i,
                      am_err_t *err)
{
    if (item->type != YAML_MAPPING_NODE)
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "%s:%zu: key \"proxy.users[%zu]\": expected a mapping with name and "
                          "verifier",
                          cfg->file, line_of(item), i);
    config_user_t *u = &cfg->proxy.users[i];
    for (const yaml_node_pair_t *p = item->data.mapping.pairs.start;
         p < item->data.mapping.pairs.top; p++) {
        if (!user_key(cfg, u, yaml_document_get_node(doc, p->key),
                      yaml_document_get_node(doc, p->value), i, err))
            return false;
    }
    if (!u->name || !u->verifier)
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "%s:%zu: missing required key \"proxy.users[%zu].%s\"", cfg->file,
                          line_of(item), i, u->name ? "verifier" : "name");
    for (size_t j = 0; j < i; j++)
        if (strcmp(cfg->proxy.users[j].name, u->name) == 0)
            return am_err_set(err, AM_SQLSTATE_CONFIG,
                              "%s:%zu: key \"proxy.users[%zu]\": duplicate user \"%s\" (also "
                              "proxy.users[%zu])",
                              cfg->file, line_of(item), i, u->name, j);
    return true;
}

bool config__users_load(config_t *cfg, yaml_document_t *doc, const yaml_node_t *k,
                        const yaml_node_t *v, am_err_t *err)
{
    if (cfg->proxy.users)
        return am_err_set(err, AM_SQLSTATE_CONFIG, "%s:%zu: duplicate key \"proxy.users\"",
                          cfg->file, line_of(k));
    if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top == v->data.sequence.items.start)
        return am_err_set(err, AM_SQLSTATE_CONFIG,
                          "%s:%zu: key \"proxy.users\": expected a list of users (name, verifier)",
                          cfg->file, line_of(k));
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    cfg->proxy.users = am_xcalloc(n, sizeof *cfg->proxy.users);
    for (size_t i = 0; i < n; i++) {
        cfg->proxy.n_users = i + 1; /* config_destroy frees a half-filled entry */
        if (!user_load(cfg, doc, yaml_document_get_node(doc, v->data.sequence.items.start[i]), i,
                       err))
            return false;
    }
    return true;
}
