/*
 * proxy/session_tx.c: the transaction block as a PostgreSQL backend keeps it (BEGIN with its
 * characteristics, COMMIT [AND CHAIN], ROLLBACK, savepoints, the 25P02 failed block, the
 * extended protocol's implicit transaction up to Sync) and the DuckDB read transaction under
 * it: READ COMMITTED statements move to the newest catalog and views, REPEATABLE READ and
 * SERIALIZABLE keep the first statement's.
 * Spec: PostgreSQL docs "BEGIN", "COMMIT", "SAVEPOINT"; postgres.md §4.3-4.4 (tags).
 */
#include "proxy/proxy_internal.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool duck_run(proxy_session_t *s, const char *sql)
{
    am_err_t e = {0};
    if (proxy__duck_exec(s->con, sql, &e))
        return true;
    am_log_debug("proxy", "duckdb transaction command failed", AM_KV_STR("sql", sql),
                 AM_KV_ERR(&e));
    return false;
}

bool proxy__duck_tx_begin(proxy_session_t *s, am_err_t *err)
{
    if (s->duck_tx)
        return true;
    uint64_t gen = atomic_load(&s->proxy->views_gen);
    if (!proxy__duck_exec(s->con, "BEGIN TRANSACTION", err))
        return false;
    s->duck_tx = true;
    s->duck_gen = gen;
    return true;
}

/* The end of a block or of the implicit transaction: DuckDB's, portals, the catalog. */
static void tx_end(proxy_session_t *s, bool commit)
{
    if (s->duck_tx)
        (void)duck_run(s, commit ? "COMMIT" : "ROLLBACK");
    proxy__portal_end_tx(s, commit);
    s->duck_tx = false;
    s->tx = 'I';
    s->implicit_tx = false;
    free(s->tx_isolation);
    s->tx_isolation = NULL;
}

void proxy__session_fail_tx(proxy_session_t *s)
{
    proxy__txset_fail(s);
    if (s->tx != 'I')
        s->tx = 'E';
    else if (s->implicit_tx)
        s->implicit_failed = true;
}

void proxy__session_implicit_begin(proxy_session_t *s)
{
    if (s->tx == 'I' && !s->implicit_tx) {
        proxy__session_stmt_begin(s);
        s->implicit_tx = true;
        s->implicit_failed = false;
        proxy__txset_begin(s);
    }
}

/* The implicit transaction ends: rolled back after an error, as PostgreSQL's (a SET made in
 * it is undone). */
void proxy__session_sync(proxy_session_t *s)
{
    if (s->tx == 'I' && s->implicit_tx) {
        bool commit = !s->implicit_failed;
        tx_end(s, commit);
        proxy__txset_end(s, commit);
    }
    s->implicit_failed = false;
}

void proxy__session_stmt_begin(proxy_session_t *s)
{
    if (s->tx != 'I' || s->implicit_tx)
        return;
    s->tx_start_us = am_now_us();
    proxy__pgcat_unref(s->cat);
    s->cat = proxy__catalog_current(s->proxy);
    const char *coll = s->cat ? proxy__pgcat_collate(s->cat) : NULL;
    for (size_t i = 0; coll && i < s->n_settings; i++)
        if ((!strcasecmp(s->settings[i].name, "lc_collate") ||
             !strcasecmp(s->settings[i].name, "lc_ctype")) &&
            strcmp(s->settings[i].value, coll) != 0) {
            free(s->settings[i].value);
            s->settings[i].value = am_xstrdup(coll);
        }
}

bool proxy__session_reads_committed(const proxy_session_t *s)
{
    const char *iso =
        s->tx_isolation ? s->tx_isolation : proxy__setting_find(s, "default_transaction_isolation");
    return !iso || strncasecmp(iso, "read ", 5) == 0;
}

/* A block's statements read in one DuckDB transaction, and so do an implicit transaction's
 * under REPEATABLE READ and SERIALIZABLE: PostgreSQL gives every statement of a string such as
 * "SELECT count(*) FROM t; SELECT sum(x) FROM t" the first one's snapshot. Under READ
 * COMMITTED each statement outside a block reads on its own. */
bool proxy__session_read_tx(proxy_session_t *s, am_err_t *err)
{
    bool shared =
        s->tx == 'T' || (s->tx == 'I' && s->implicit_tx && !proxy__session_reads_committed(s));
    return !shared || proxy__duck_tx_begin(s, err);
}

/* READ COMMITTED (PostgreSQL's default): each statement of a block, or of the implicit
 * transaction, sees the newest watermark. The DuckDB transaction (reads only) ends and the
 * next statement opens one on the current catalog; REPEATABLE READ and SERIALIZABLE keep the
 * first statement's snapshot. While a protocol portal of the block is open its rows come from
 * the old snapshot: kept. */
void proxy__session_stmt_snapshot(proxy_session_t *s)
{
    bool open = s->tx == 'T' || (s->tx == 'I' && s->implicit_tx);
    if (!open || !proxy__session_reads_committed(s))
        return;
    for (const proxy_portal_t *p = s->portals; p; p = p->next)
        if (p->has_cur && !p->declared && p->name[0])
            return;
    /* the views may change with the catalog unchanged (new rows only): DuckDB's transaction
     * then still sees the old ones */
    proxy_pgcat_t *now = proxy__catalog_current(s->proxy);
    if (now == s->cat && (!s->duck_tx || s->duck_gen == atomic_load(&s->proxy->views_gen))) {
        proxy__pgcat_unref(now);
        return;
    }
    if (s->duck_tx)
        (void)duck_run(s, "COMMIT");
    s->duck_tx = false;
    proxy__pgcat_unref(s->cat);
    s->cat = now;
}

static bool tx_begin(proxy_session_t *s, const PgQuery__TransactionStmt *t, am_err_t *err)
{
    if (s->tx != 'I') {
        proxy__send_notice(s, "25001", "there is already a transaction in progress");
    } else {
        proxy__session_stmt_begin(s);
        if (!proxy__session_tx_options(s, t->options, t->n_options, false, err))
            return false;
        if (!proxy__duck_tx_begin(s, err))
            return false;
        /* an implicit block (BEGIN inside a string of statements) keeps its settings layer */
        proxy__txset_begin(s);
        s->tx = 'T';
        s->implicit_tx = false;
    }
    proxy__wire_complete(&s->out, t->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START
                                      ? "START TRANSACTION"
                                      : "BEGIN");
    return true;
}

static bool tx_finish(proxy_session_t *s, const PgQuery__TransactionStmt *t, am_err_t *err)
{
    bool commit = t->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT;
    const char *tag = commit && s->tx != 'E' ? "COMMIT" : "ROLLBACK";
    if (s->tx == 'I') {
        if (t->chain)
            return am_err_set(err, "25P01", "%s AND CHAIN can only be used in transaction blocks",
                              commit ? "COMMIT" : "ROLLBACK");
        proxy__send_notice(s, "25P01", "there is no transaction in progress");
    }
    char *iso = t->chain && s->tx_isolation ? am_xstrdup(s->tx_isolation) : NULL;
    bool was_block = s->tx != 'I';
    /* COMMIT in a string's implicit block commits it (PostgreSQL warns, as above) */
    bool committed =
        commit && (s->tx == 'T' || (s->tx == 'I' && s->implicit_tx && !s->implicit_failed));
    tx_end(s, committed);
    proxy__wire_complete(&s->out, tag);
    /* ParameterStatus of a setting the end puts back follows CommandComplete */
    proxy__txset_end(s, committed);
    if (t->chain && was_block) {
        proxy__session_stmt_begin(s);
        proxy__txset_begin(s);
        s->tx_isolation = iso;
        iso = NULL;
        if (!proxy__duck_tx_begin(s, err))
            return false;
        s->tx = 'T';
    }
    free(iso);
    return true;
}

static bool savepoint(proxy_session_t *s, const PgQuery__TransactionStmt *t, am_err_t *err)
{
    bool rollback_to = t->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO;
    bool release = t->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE;
    const char *what = rollback_to ? "ROLLBACK TO SAVEPOINT"
                       : release   ? "RELEASE SAVEPOINT"
                                   : "SAVEPOINT";
    if (s->tx == 'I')
        return am_err_set(err, "25P01", "%s can only be used in transaction blocks", what);
    if ((rollback_to || release) && !proxy__txset_savepoint_known(s, t->savepoint_name, err))
        return false;
    if (rollback_to && s->tx == 'E') {
        /* Nothing was written: a fresh DuckDB transaction is the state before the savepoint. */
        if (s->duck_tx)
            (void)duck_run(s, "ROLLBACK");
        s->duck_tx = false;
        if (!proxy__duck_tx_begin(s, err))
            return false;
        s->tx = 'T';
    }
    proxy__wire_complete(&s->out, rollback_to ? "ROLLBACK" : release ? "RELEASE" : "SAVEPOINT");
    if (rollback_to)
        return proxy__txset_rollback_to(s, t->savepoint_name, err);
    if (release)
        return proxy__txset_release(s, t->savepoint_name, err);
    proxy__txset_savepoint(s, t->savepoint_name);
    return true;
}

bool proxy__session_transaction(proxy_session_t *s, const PgQuery__TransactionStmt *t,
                                am_err_t *err)
{
    switch (t->kind) {
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
        return tx_begin(s, t, err);
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
        return tx_finish(s, t, err);
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO:
        return savepoint(s, t, err);
    default:
        return am_err_set(err, PROXY_SQLSTATE_READ_ONLY,
                          "cannot execute PREPARE TRANSACTION in a read-only transaction");
    }
}
