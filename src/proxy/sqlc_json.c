/*
 * proxy/sqlc_json.c: values as JSON, for every function that turns SQL values into json or
 * jsonb (to_json, json_build_*, json_agg, row_to_json): the kind the am_* JSON builders read
 * for each PostgreSQL type (datum_to_json's categories), the value's text in DateStyle ISO, a
 * record as row_to_json prints it; jsonpath refused.
 */
#include "proxy/sqlc_internal.h"

#include <string.h>

const char *sqlc_json_kind(sqlc_ctx_t *c, const sqlc_val_t *v)
{
    if (v->rec)
        return "record"; /* sqlc_json_text makes it row_to_json's text */
    if (v->is_null || v->type.oid == PG_OID_UNKNOWN)
        return v->is_null ? "null" : "string";
    proxy_pgtype_ref_t b = proxy__pgtype_base(c->cat, v->type);
    switch (b.oid) {
    case PG_OID_BOOL:
        return "bool";
    case PG_OID_INT2:
    case PG_OID_INT4:
    case PG_OID_INT8:
    case PG_OID_FLOAT4:
    case PG_OID_FLOAT8:
    case PG_OID_NUMERIC:
        return "number";
    case PG_OID_DATE:
        return "date";
    case PG_OID_TIMESTAMP:
        return "timestamp";
    case PG_OID_TIMESTAMPTZ:
        return "timestamptz";
    case PG_OID_TIME:
        return "time";
    case PG_OID_TIMETZ:
        return "timetz";
    case PG_OID_JSON:
        return "json";
    case PG_OID_JSONB:
        return "jsonb";
    default:
        break;
    }
    const proxy_pgtype_t *pt = c->cat ? proxy__pgcat_type(c->cat, b.oid) : NULL;
    if (sqlc_is_array(c, b.oid)) {
        sqlc_val_t e = sqlc_val_of(v->sql, sqlc_type(proxy__pgtype_elem(c->cat, b.oid)));
        const proxy_pgtype_t *et = c->cat ? proxy__pgcat_type(c->cat, e.type.oid) : NULL;
        const char *k = et && et->delim != ',' ? NULL : sqlc_json_kind(c, &e);
        if (!k || strncmp(k, "array:", 6) == 0) {
            if (!c->err->sqlstate[0])
                sqlc_fail(c, "0A000", "arrays of type %s in JSON are not supported on the mirror",
                          sqlc_type_name(c, e.type));
            return NULL;
        }
        return sqlc_printf(c, "array:%s", k);
    }
    if (pt && (pt->typtype == 'c' || pt->typtype == 'p')) {
        sqlc_fail(c, "0A000", "values of type %s in JSON are not supported on the mirror",
                  sqlc_type_name(c, v->type));
        return NULL;
    }
    return "string";
}

/* A record as row_to_json prints it: its fields by name, each as JSON of its own type; a NULL
 * record (an outer join's missing row) stays NULL. */
static char *record_json(sqlc_ctx_t *c, const sqlc_val_t *v)
{
    am_buf_t args;
    am_buf_init(&args);
    char *sql = NULL;
    for (size_t i = 0; i < v->rec->n; i++) {
        sqlc_val_t f = *v;
        const char *kind = NULL;
        if (!sqlc_field_select(c, &f, v->rec->names[i]) || !(kind = sqlc_json_kind(c, &f)))
            goto done;
        am_buf_printf(&args, "%s%s, 'string', %s, %s", i ? ", " : "",
                      sqlc_literal(c, v->rec->names[i]), sqlc_json_text(c, &f),
                      sqlc_literal(c, kind));
    }
    sql = sqlc_printf(c, "CASE WHEN (%s) IS NULL THEN NULL ELSE am_row_to_json(%s) END", v->sql,
                      args.data ? args.data : "");
done:
    am_buf_destroy(&args);
    return sql;
}

char *sqlc_json_text(sqlc_ctx_t *c, const sqlc_val_t *v)
{
    if (v->rec)
        return record_json(c, v);
    /* dates and timestamps reach JSON in DateStyle ISO, whatever the session's */
    proxy_sqlenv_t iso = *c->env;
    iso.datestyle = "ISO, MDY";
    const proxy_sqlenv_t *saved = c->env;
    c->env = &iso;
    char *t = sqlc_to_text(c, v);
    c->env = saved;
    return t;
}

bool sqlc_refuse_jsonpath(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                          sqlc_val_t *out)
{
    (void)s;
    (void)args;
    (void)n;
    (void)out;
    return sqlc_fail(c, "0A000", "jsonpath is not supported on the mirror");
}
