/*
 * proxy/stmt.c: what kind each parsed statement is, and the allowlist: reads are compiled for
 * DuckDB (query.c), session statements are answered here, everything else is refused with the
 * SQLSTATE and message PostgreSQL gives in a read-only transaction ("cannot execute INSERT in
 * a read-only transaction", 25006) or, for what a mirror cannot do at all, 0A000/42501.
 * Nothing is decided on text: only on the parse tree.
 */
#include "proxy/proxy_internal.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <string.h>

/* Statements that write or change the schema: PostgreSQL's command tag for the message. */
static const struct {
    PgQuery__Node__NodeCase kind;
    const char *tag;
} writes[] = {
    {PG_QUERY__NODE__NODE_INSERT_STMT, "INSERT"},
    {PG_QUERY__NODE__NODE_UPDATE_STMT, "UPDATE"},
    {PG_QUERY__NODE__NODE_DELETE_STMT, "DELETE"},
    {PG_QUERY__NODE__NODE_MERGE_STMT, "MERGE"},
    {PG_QUERY__NODE__NODE_CREATE_STMT, "CREATE TABLE"},
    {PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT, "CREATE TABLE AS"},
    {PG_QUERY__NODE__NODE_VIEW_STMT, "CREATE VIEW"},
    {PG_QUERY__NODE__NODE_INDEX_STMT, "CREATE INDEX"},
    {PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT, "CREATE SCHEMA"},
    {PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT, "CREATE FUNCTION"},
    {PG_QUERY__NODE__NODE_CREATE_SEQ_STMT, "CREATE SEQUENCE"},
    {PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT, "CREATE EXTENSION"},
    {PG_QUERY__NODE__NODE_CREATE_ROLE_STMT, "CREATE ROLE"},
    {PG_QUERY__NODE__NODE_CREATEDB_STMT, "CREATE DATABASE"},
    {PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT, "CREATE DOMAIN"},
    {PG_QUERY__NODE__NODE_CREATE_ENUM_STMT, "CREATE TYPE"},
    {PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT, "CREATE TYPE"},
    {PG_QUERY__NODE__NODE_DEFINE_STMT, "CREATE"},
    {PG_QUERY__NODE__NODE_CREATE_TRIG_STMT, "CREATE TRIGGER"},
    {PG_QUERY__NODE__NODE_RULE_STMT, "CREATE RULE"},
    {PG_QUERY__NODE__NODE_CREATE_POLICY_STMT, "CREATE POLICY"},
    {PG_QUERY__NODE__NODE_CREATE_PUBLICATION_STMT, "CREATE PUBLICATION"},
    {PG_QUERY__NODE__NODE_CREATE_SUBSCRIPTION_STMT, "CREATE SUBSCRIPTION"},
    {PG_QUERY__NODE__NODE_CREATE_FOREIGN_TABLE_STMT, "CREATE FOREIGN TABLE"},
    {PG_QUERY__NODE__NODE_CREATE_TABLE_SPACE_STMT, "CREATE TABLESPACE"},
    {PG_QUERY__NODE__NODE_ALTER_TABLE_STMT, "ALTER TABLE"},
    {PG_QUERY__NODE__NODE_ALTER_ROLE_STMT, "ALTER ROLE"},
    {PG_QUERY__NODE__NODE_ALTER_DATABASE_STMT, "ALTER DATABASE"},
    {PG_QUERY__NODE__NODE_ALTER_DATABASE_SET_STMT, "ALTER DATABASE"},
    {PG_QUERY__NODE__NODE_ALTER_ROLE_SET_STMT, "ALTER ROLE"},
    {PG_QUERY__NODE__NODE_ALTER_SYSTEM_STMT, "ALTER SYSTEM"},
    {PG_QUERY__NODE__NODE_ALTER_OWNER_STMT, "ALTER"},
    {PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT, "ALTER"},
    {PG_QUERY__NODE__NODE_ALTER_SEQ_STMT, "ALTER SEQUENCE"},
    {PG_QUERY__NODE__NODE_ALTER_ENUM_STMT, "ALTER TYPE"},
    {PG_QUERY__NODE__NODE_RENAME_STMT, "ALTER"},
    {PG_QUERY__NODE__NODE_DROP_STMT, "DROP"},
    {PG_QUERY__NODE__NODE_DROP_ROLE_STMT, "DROP ROLE"},
    {PG_QUERY__NODE__NODE_DROPDB_STMT, "DROP DATABASE"},
    {PG_QUERY__NODE__NODE_TRUNCATE_STMT, "TRUNCATE TABLE"},
    {PG_QUERY__NODE__NODE_COMMENT_STMT, "COMMENT"},
    {PG_QUERY__NODE__NODE_GRANT_STMT, "GRANT"},
    {PG_QUERY__NODE__NODE_GRANT_ROLE_STMT, "GRANT ROLE"},
    {PG_QUERY__NODE__NODE_ALTER_DEFAULT_PRIVILEGES_STMT, "ALTER DEFAULT PRIVILEGES"},
    {PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT, "REFRESH MATERIALIZED VIEW"},
    {PG_QUERY__NODE__NODE_VACUUM_STMT, "VACUUM"},
    {PG_QUERY__NODE__NODE_CLUSTER_STMT, "CLUSTER"},
    {PG_QUERY__NODE__NODE_REINDEX_STMT, "REINDEX"},
    {PG_QUERY__NODE__NODE_LOCK_STMT, "LOCK TABLE"},
    {PG_QUERY__NODE__NODE_NOTIFY_STMT, "NOTIFY"},
    {PG_QUERY__NODE__NODE_CALL_STMT, "CALL"},
    {PG_QUERY__NODE__NODE_DO_STMT, "DO"},
    {PG_QUERY__NODE__NODE_REASSIGN_OWNED_STMT, "REASSIGN OWNED"},
    {PG_QUERY__NODE__NODE_DROP_OWNED_STMT, "DROP OWNED"},
    {PG_QUERY__NODE__NODE_SEC_LABEL_STMT, "SECURITY LABEL"},
    {PG_QUERY__NODE__NODE_IMPORT_FOREIGN_SCHEMA_STMT, "IMPORT FOREIGN SCHEMA"},
    {PG_QUERY__NODE__NODE_CREATE_STATS_STMT, "CREATE STATISTICS"},
};

static const PgQuery__Node__NodeCase utilities[] = {
    PG_QUERY__NODE__NODE_VARIABLE_SET_STMT, PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT,
    PG_QUERY__NODE__NODE_TRANSACTION_STMT,  PG_QUERY__NODE__NODE_DISCARD_STMT,
    PG_QUERY__NODE__NODE_PREPARE_STMT,      PG_QUERY__NODE__NODE_EXECUTE_STMT,
    PG_QUERY__NODE__NODE_DEALLOCATE_STMT,   PG_QUERY__NODE__NODE_DECLARE_CURSOR_STMT,
    PG_QUERY__NODE__NODE_FETCH_STMT,        PG_QUERY__NODE__NODE_CLOSE_PORTAL_STMT,
    PG_QUERY__NODE__NODE_COPY_STMT,         PG_QUERY__NODE__NODE_UNLISTEN_STMT,
};

static bool refuse_copy(const PgQuery__CopyStmt *c, am_err_t *err)
{
    if (c->is_from)
        return am_err_set(err, PROXY_SQLSTATE_READ_ONLY,
                          "cannot execute COPY FROM in a read-only transaction");
    if ((c->filename && c->filename[0]) || c->is_program)
        return am_err_set(err, PROXY_SQLSTATE_PRIVILEGE,
                          "COPY to a file or program is not allowed on the mirror; use COPY ... "
                          "TO STDOUT (psql: \\copy)");
    return true;
}

bool proxy__stmt_kind(const PgQuery__Node *node, proxy_stmt_kind_t *kind, am_err_t *err)
{
    *kind = PROXY_STMT_EMPTY;
    if (!node)
        return true;
    PgQuery__Node__NodeCase k = node->node_case;
    if (k == PG_QUERY__NODE__NODE_SELECT_STMT || k == PG_QUERY__NODE__NODE_EXPLAIN_STMT) {
        *kind = proxy__setconfig_match(node) ? PROXY_STMT_UTILITY : PROXY_STMT_QUERY;
        return true;
    }
    for (size_t i = 0; i < AM_ARRAY_LEN(utilities); i++)
        if (utilities[i] == k) {
            *kind = PROXY_STMT_UTILITY;
            return k != PG_QUERY__NODE__NODE_COPY_STMT || refuse_copy(node->copy_stmt, err);
        }
    for (size_t i = 0; i < AM_ARRAY_LEN(writes); i++)
        if (writes[i].kind == k)
            return am_err_set(err, PROXY_SQLSTATE_READ_ONLY,
                              "cannot execute %s in a read-only transaction", writes[i].tag);
    if (k == PG_QUERY__NODE__NODE_LISTEN_STMT)
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED, "LISTEN is not supported on the mirror");
    if (k == PG_QUERY__NODE__NODE_LOAD_STMT || k == PG_QUERY__NODE__NODE_CHECK_POINT_STMT)
        return am_err_set(err, PROXY_SQLSTATE_PRIVILEGE,
                          "permission denied: this command is not allowed on the mirror");
    return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                      "this statement is not supported on the mirror");
}

bool proxy__stmt_ends_failed_tx(const PgQuery__Node *node)
{
    if (!node || node->node_case != PG_QUERY__NODE__NODE_TRANSACTION_STMT)
        return false;
    PgQuery__TransactionStmtKind k = node->transaction_stmt->kind;
    return k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT ||
           k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK ||
           k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO;
}

static bool discard(proxy_session_t *s, const PgQuery__DiscardStmt *d, am_err_t *err)
{
    switch (d->target) {
    case PG_QUERY__DISCARD_MODE__DISCARD_ALL:
        if (s->tx != 'I')
            return am_err_set(err, "25001", "DISCARD ALL cannot run inside a transaction block");
        proxy__wire_complete(&s->out, "DISCARD ALL");
        proxy__session_reset_all(s);
        proxy__extended_reset(s);
        return true;
    case PG_QUERY__DISCARD_MODE__DISCARD_PLANS:
        proxy__stmt_cache_clear(&s->stmts);
        proxy__wire_complete(&s->out, "DISCARD PLANS");
        return true;
    case PG_QUERY__DISCARD_MODE__DISCARD_SEQUENCES:
        proxy__wire_complete(&s->out, "DISCARD SEQUENCES");
        return true;
    default:
        proxy__wire_complete(&s->out, "DISCARD TEMP");
        return true;
    }
}

bool proxy__stmt_utility(proxy_session_t *s, const PgQuery__Node *node, const char *text,
                         bool describe, am_err_t *err)
{
    switch (node->node_case) {
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
        return proxy__session_set(s, node->variable_set_stmt, err);
    case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT:
        return proxy__session_show(s, node->variable_show_stmt, describe, true, err);
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
        return proxy__session_transaction(s, node->transaction_stmt, err);
    case PG_QUERY__NODE__NODE_DISCARD_STMT:
        return discard(s, node->discard_stmt, err);
    case PG_QUERY__NODE__NODE_PREPARE_STMT:
    case PG_QUERY__NODE__NODE_EXECUTE_STMT:
    case PG_QUERY__NODE__NODE_DEALLOCATE_STMT:
        return proxy__prep_sql(s, node, text, describe, err);
    case PG_QUERY__NODE__NODE_DECLARE_CURSOR_STMT:
    case PG_QUERY__NODE__NODE_FETCH_STMT:
    case PG_QUERY__NODE__NODE_CLOSE_PORTAL_STMT:
        return proxy__portal_sql(s, node, describe, err);
    case PG_QUERY__NODE__NODE_COPY_STMT:
        return proxy__copy_out(s, node->copy_stmt, err);
    case PG_QUERY__NODE__NODE_UNLISTEN_STMT:
        proxy__wire_complete(&s->out, "UNLISTEN");
        return true;
    case PG_QUERY__NODE__NODE_SELECT_STMT:
        return proxy__setconfig_run(s, node, describe, true, err);
    default:
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                          "this statement is not supported on the mirror");
    }
}

void proxy__stmt_describe_utility(proxy_session_t *s, const PgQuery__Node *node)
{
    am_err_t err = {0};
    if (node->node_case == PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT &&
        proxy__session_show(s, node->variable_show_stmt, true, false, &err))
        return;
    if (node->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
        proxy__setconfig_run(s, node, true, false, &err))
        return;
    if (node->node_case == PG_QUERY__NODE__NODE_FETCH_STMT && !node->fetch_stmt->ismove) {
        proxy__portal_describe_fetch(s, node->fetch_stmt);
        return;
    }
    if (node->node_case == PG_QUERY__NODE__NODE_EXECUTE_STMT) {
        proxy_prep_t *p = proxy__prep_find(s, node->execute_stmt->name);
        if (p && p->kind == PROXY_STMT_QUERY) {
            proxy__rowdesc_send(s, p->desc.cols, p->desc.n_cols, NULL, 0);
            return;
        }
    }
    proxy__wire_empty(&s->out, 'n');
}
