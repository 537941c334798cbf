/*
 * source/slot.c: the logical replication slot: look-up, drop, and creation with an exported
 * snapshot for the initial copy. Look-up and drop use the SQL connection; creation must run
 * on the replication connection (the snapshot lives in its walsender until its next command).
 * Spec: PostgreSQL docs, "Streaming Replication Protocol" (CREATE_REPLICATION_SLOT);
 * postgres.md §1.2 (15+: options in parentheses; 10-14: EXPORT_SNAPSHOT keyword).
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <string.h>

bool source_slot_exists(source_t *src, bool *exists, am_err_t *err)
{
    const char *params[1] = {src->opts.slot};
    PGresult *res = source__exec(src->sql,
                                 "SELECT slot_type, plugin, database FROM "
                                 "pg_catalog.pg_replication_slots WHERE slot_name = $1",
                                 1, params, PGRES_TUPLES_OK, err);
    if (!res)
        return false;
    *exists = PQntuples(res) > 0;
    bool ok = true;
    /* a same-named slot for something else would fail later with a vaguer message */
    if (*exists && (strcmp(PQgetvalue(res, 0, 0), "logical") != 0 ||
                    strcmp(PQgetvalue(res, 0, 1), "pgoutput") != 0 ||
                    strcmp(PQgetvalue(res, 0, 2), src->opts.database) != 0))
        ok = am_err_set(err, "55000",
                        "replication slot \"%s\" exists but is a %s slot for plugin \"%s\" on "
                        "database \"%s\", not a pgoutput slot on \"%s\"",
                        src->opts.slot, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
                        PQgetvalue(res, 0, 2), src->opts.database);
    PQclear(res);
    return ok;
}

bool source_slot_info(source_t *src, source_slot_info_t *out, am_err_t *err)
{
    memset(out, 0, sizeof *out);
    bool exists = false;
    if (!source_slot_exists(src, &exists, err))
        return false;
    if (!exists)
        return true;
    const char *params[1] = {src->opts.slot};
    PGresult *res =
        source__exec(src->sql,
                     src->server_version >= 130000
                         ? "SELECT coalesce(confirmed_flush_lsn, '0/0')::text, "
                           "coalesce(restart_lsn, '0/0')::text, coalesce(wal_status, ''), active "
                           "FROM pg_catalog.pg_replication_slots WHERE slot_name = $1"
                         : "SELECT coalesce(confirmed_flush_lsn, '0/0')::text, "
                           "coalesce(restart_lsn, '0/0')::text, '', active "
                           "FROM pg_catalog.pg_replication_slots WHERE slot_name = $1",
                     1, params, PGRES_TUPLES_OK, err);
    if (!res)
        return false;
    bool ok = PQntuples(res) == 1 && am_lsn_parse(PQgetvalue(res, 0, 0), &out->confirmed_flush) &&
              am_lsn_parse(PQgetvalue(res, 0, 1), &out->restart_lsn);
    if (ok) {
        out->exists = true;
        (void)snprintf(out->wal_status, sizeof out->wal_status, "%s", PQgetvalue(res, 0, 2));
        out->active = PQgetvalue(res, 0, 3)[0] == 't';
    } else if (PQntuples(res) != 0) {
        am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "replication slot \"%s\": bad answer",
                   src->opts.slot);
    } else {
        ok = true; /* dropped between the two looks */
    }
    PQclear(res);
    return ok;
}

bool source_slot_drop(source_t *src, am_err_t *err)
{
    const char *params[1] = {src->opts.slot};
    PGresult *res = source__exec(src->sql,
                                 "SELECT pg_catalog.pg_drop_replication_slot(slot_name) FROM "
                                 "pg_catalog.pg_replication_slots WHERE slot_name = $1",
                                 1, params, PGRES_TUPLES_OK, err);
    if (!res) {
        am_err_prefix(err, "drop replication slot \"%s\"", src->opts.slot);
        return false;
    }
    if (PQntuples(res) > 0)
        am_log_info("source", "dropped replication slot", AM_KV_STR("slot", src->opts.slot));
    PQclear(res);
    return true;
}

bool source__slot_create(source_t *src, am_lsn_t *consistent_point, char *snapshot,
                         size_t snapshot_len, am_err_t *err)
{
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_puts(&sql, "CREATE_REPLICATION_SLOT ");
    am_sql_ident(&sql, src->opts.slot);
    if (src->opts.temporary_slot)
        am_buf_puts(&sql, " TEMPORARY");
    am_buf_puts(&sql, src->server_version >= 150000 ? " LOGICAL pgoutput (SNAPSHOT 'export')"
                                                    : " LOGICAL pgoutput EXPORT_SNAPSHOT");
    PGresult *res = source__exec(src->repl, sql.data, 0, NULL, PGRES_TUPLES_OK, err);
    am_buf_destroy(&sql);
    if (!res) {
        am_err_prefix(err, "create replication slot \"%s\"", src->opts.slot);
        return false;
    }
    /* slot_name, consistent_point, snapshot_name, output_plugin */
    bool ok = PQntuples(res) == 1 && PQnfields(res) >= 3 && !PQgetisnull(res, 0, 2) &&
              am_lsn_parse(PQgetvalue(res, 0, 1), consistent_point) &&
              strlen(PQgetvalue(res, 0, 2)) < snapshot_len;
    if (ok) {
        (void)snprintf(snapshot, snapshot_len, "%s", PQgetvalue(res, 0, 2));
        char lsn[32];
        am_log_info(
            "source", "created replication slot", AM_KV_STR("slot", src->opts.slot),
            AM_KV_STR("consistent_point", am_lsn_format(*consistent_point, lsn, sizeof lsn)),
            AM_KV_STR("snapshot", snapshot));
    } else {
        am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION,
                   "create replication slot \"%s\": unexpected answer", src->opts.slot);
    }
    PQclear(res);
    return ok;
}
