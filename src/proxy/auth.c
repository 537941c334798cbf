/*
 * proxy/auth.c: who may log in and with which SCRAM secret. Three sources, the first set wins:
 *  - the auth query: the source's own roles, looked up at every login (so a changed password
 *    or a dropped role counts at once) by a dedicated low-privilege role through the query the
 *    operator configured, typically a SECURITY DEFINER function over pg_authid (README);
 *  - proxy.users: names with their verifiers, from the config file;
 *  - the one configured user and password (the source's replication user).
 * A user that does not exist, or has no SCRAM verifier (md5, none), gets a secret that no
 * proof matches, and the exchange runs to its end exactly as for a known one, so neither the
 * answer nor its timing tells the two apart.
 * Threads: lookups come from client threads; the lookup connection is one, under auth->lock.
 */
#include "proxy/proxy_internal.h"

#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct proxy_auth {
    pthread_mutex_t lock; /* guards conn */
    PGconn *conn;         /* the auth query's connection, opened on first use */
    char *conninfo;
    char *query;
    const char *method;
    char **names; /* proxy.users, or the one configured user */
    proxy_scram_secret_t *secrets;
    size_t n;
};

bool proxy__auth_init(proxy_t *p, const proxy_options_t *o, am_err_t *err)
{
    struct proxy_auth *a = am_xcalloc(1, sizeof *a);
    p->auth = a;
    pthread_mutex_init(&a->lock, NULL);
    if (o->auth_conninfo) {
        a->method = "auth_query";
        a->conninfo = am_xstrdup(o->auth_conninfo);
        a->query = am_xstrdup(o->auth_query ? o->auth_query : "");
        return true;
    }
    size_t n = o->n_users ? o->n_users : 1;
    a->names = am_xcalloc(n + 1, sizeof *a->names);
    a->secrets = am_xcalloc(n, sizeof *a->secrets);
    a->n = n;
    a->method = o->n_users ? "users" : "single user";
    if (!o->n_users) {
        a->names[0] = am_xstrdup(o->user);
        proxy__scram_secret_init(&a->secrets[0], o->password ? o->password : "");
        a->n = o->password && *o->password ? 1 : 0; /* no password: nobody logs in */
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        a->names[i] = am_xstrdup(o->users[i].name);
        if (!proxy__scram_secret_parse(&a->secrets[i], o->users[i].verifier, err)) {
            am_err_set(err, AM_SQLSTATE_CONFIG, "proxy.users: user \"%s\": %s", o->users[i].name,
                       "the verifier is not a SCRAM-SHA-256 verifier");
            return false;
        }
    }
    return true;
}

void proxy__auth_free(proxy_t *p)
{
    struct proxy_auth *a = p->auth;
    if (!a)
        return;
    if (a->conn)
        PQfinish(a->conn);
    for (size_t i = 0; a->names && a->names[i]; i++) {
        OPENSSL_cleanse(&a->secrets[i], sizeof a->secrets[i]);
        free(a->names[i]);
    }
    free(a->names);
    free(a->secrets);
    free(a->conninfo);
    free(a->query);
    pthread_mutex_destroy(&a->lock);
    free(a);
    p->auth = NULL;
}

const char *proxy__auth_method(const proxy_t *p)
{
    return p->auth->method;
}

/* Caller holds a->lock. A connection that broke is opened again once. */
static PGresult *run_query(struct proxy_auth *a, const char *user, am_err_t *err)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!a->conn || PQstatus(a->conn) != CONNECTION_OK) {
            if (a->conn)
                PQfinish(a->conn);
            a->conn = PQconnectdb(a->conninfo);
        }
        if (PQstatus(a->conn) != CONNECTION_OK)
            continue;
        const char *params[1] = {user};
        PGresult *r = PQexecParams(a->conn, a->query, 1, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(r) == PGRES_TUPLES_OK)
            return r;
        char msg[256];
        snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(r));
        msg[strcspn(msg, "\n")] = '\0';
        PQclear(r);
        if (PQstatus(a->conn) == CONNECTION_OK) {
            am_err_set(err, AM_SQLSTATE_INTERNAL, "auth query: libpq: %s", msg);
            return NULL;
        }
    }
    char msg[256];
    snprintf(msg, sizeof msg, "%s", a->conn ? PQerrorMessage(a->conn) : "no connection");
    msg[strcspn(msg, "\n")] = '\0';
    am_err_set(err, AM_SQLSTATE_CONNECTION_FAILURE, "auth query: libpq: %s", msg);
    return NULL;
}

static bool query_lookup(struct proxy_auth *a, const char *user, proxy_scram_secret_t *sec,
                         bool *found, am_err_t *err)
{
    pthread_mutex_lock(&a->lock);
    PGresult *r = run_query(a, user, err);
    pthread_mutex_unlock(&a->lock);
    if (!r) {
        am_log_warn("proxy", "auth query failed", AM_KV_ERR(err));
        return false;
    }
    bool ok = PQntuples(r) == 1 && PQnfields(r) >= 2 && !PQgetisnull(r, 0, 1) &&
              strcmp(PQgetvalue(r, 0, 0), user) == 0;
    am_err_t ignored = {0};
    *found = ok && proxy__scram_secret_parse(sec, PQgetvalue(r, 0, 1), &ignored);
    PQclear(r);
    return true;
}

bool proxy__auth_lookup(proxy_t *p, const char *user, proxy_scram_secret_t *sec, bool *found,
                        am_err_t *err)
{
    struct proxy_auth *a = p->auth;
    *found = false;
    memset(sec, 0, sizeof *sec);
    if (a->conninfo)
        return query_lookup(a, user, sec, found, err);
    for (size_t i = 0; i < a->n; i++) {
        if (strcmp(a->names[i], user) == 0) {
            *sec = a->secrets[i];
            *found = true;
        }
    }
    return true;
}
