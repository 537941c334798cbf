/*
 * proxy/sqlc_functab.c: PostgreSQL's functions the mirror computes: name, argument types and
 * result type as pg_proc.dat has them, and the DuckDB expression that gives PostgreSQL's answer.
 * A function PostgreSQL has but this list lacks is refused (0A000 when the source's pg_proc
 * knows it, else 42883). Where DuckDB's own function already answers exactly as PostgreSQL's,
 * the template calls it; otherwise an am_* function (pgfn_*.c) does.
 */
#include "proxy/sqlc_internal.h"

#include <string.h>

#define B PG_OID_BOOL
#define I2 PG_OID_INT2
#define I4 PG_OID_INT4
#define I8 PG_OID_INT8
#define F4 PG_OID_FLOAT4
#define F8 PG_OID_FLOAT8
#define N PG_OID_NUMERIC
#define T PG_OID_TEXT
#define BY PG_OID_BYTEA
#define D PG_OID_DATE
#define TM PG_OID_TIME
#define TS PG_OID_TIMESTAMP
#define TZ PG_OID_TIMESTAMPTZ
#define IV PG_OID_INTERVAL
#define U PG_OID_UUID
#define O PG_OID_OID
#define JS PG_OID_JSON
#define JB PG_OID_JSONB
#define ANY PG_OID_ANYELEMENT
#define ARR PG_OID_ANYARRAY
#define TA PG_OID_TEXT_ARRAY
#define NM PG_OID_NAME
#define RC PG_OID_REGCLASS
#define ANYV PG_OID_ANY

#define F0(name, res, t)                                                                           \
    {                                                                                              \
        name, 0, {0}, res, t, NULL, 0, NULL                                                        \
    }
#define F1(name, a, res, t)                                                                        \
    {                                                                                              \
        name, 1, {a}, res, t, NULL, 0, NULL                                                        \
    }
#define F2(name, a, b, res, t)                                                                     \
    {                                                                                              \
        name, 2, {a, b}, res, t, NULL, 0, NULL                                                     \
    }
#define F3(name, a, b, c, res, t)                                                                  \
    {                                                                                              \
        name, 3, {a, b, c}, res, t, NULL, 0, NULL                                                  \
    }
#define F4A(name, a, b, c, d, res, t)                                                              \
    {                                                                                              \
        name, 4, {a, b, c, d}, res, t, NULL, 0, NULL                                               \
    }
#define FNE(name, n, args, res, t, tv, fl, fn)                                                     \
    {                                                                                              \
        name, n, args, res, t, tv, fl, fn                                                          \
    }
#define FN(name, n, args, res, t, tv, fl)                                                          \
    {                                                                                              \
        name, n, args, res, t, tv, fl, NULL                                                        \
    }
#define AG1(name, a, res, t)                                                                       \
    {                                                                                              \
        name, 1, {a}, res, t, NULL, SQLC_F_AGG, NULL                                               \
    }
#define AG2(name, a, b, res, t)                                                                    \
    {                                                                                              \
        name, 2, {a, b}, res, t, NULL, SQLC_F_AGG, NULL                                            \
    }
#define W0(name, res, t)                                                                           \
    {                                                                                              \
        name, 0, {0}, res, t, NULL, SQLC_F_WINDOW, NULL                                            \
    }
#define SRF(name, n, args, res, t)                                                                 \
    {                                                                                              \
        name, n, args, res, t, NULL, SQLC_F_SRF, NULL                                              \
    }
#define A(...)                                                                                     \
    {                                                                                              \
        __VA_ARGS__                                                                                \
    }

/* min/max: PostgreSQL has them for numbers, dates and times, intervals, text, enums, arrays
 * and inet; the mirror computes them where its ordering is PostgreSQL's (sqlc_orderable). */
static bool emit_minmax(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                        sqlc_val_t *out)
{
    proxy_pgtype_ref_t b = proxy__pgtype_base(c->cat, args[0].type);
    char cat = sqlc_category(c, b.oid);
    if (!strchr("NDTSEAI", cat) || b.oid == PG_OID_CHAR)
        return sqlc_no_function(c, s->name, args, n, false);
    bool inet = b.oid == PG_OID_INET || b.oid == PG_OID_CIDR;
    /* PostgreSQL has max(inet) only: a cidr argument is read as inet */
    if (b.oid == PG_OID_CIDR && !sqlc_coerce(c, &args[0], sqlc_type(PG_OID_INET), SQLC_IMPLICIT))
        return false;
    if (!inet && !sqlc_orderable(c, args[0].type, args[0].numv))
        return false;
    const char *fn = strcmp(s->name, "min") == 0 ? "min" : "max";
    const char *x = args[0].sql;
    /* DISTINCT and an ORDER BY inside change nothing for min/max; FILTER and OVER do */
    const char *post = c->mods ? c->mods->post : "";
    const char *key = inet ? sqlc_printf(c, "am_inet_sortkey(%s)", x)
                           : sqlc_key_expr(c, x, args[0].type, args[0].numv);
    char *sql = strcmp(key, x) == 0 ? sqlc_printf(c, "%s(%s)%s", fn, x, post)
                                    : sqlc_printf(c, "arg_%s(%s, %s)%s", fn, x, key, post);
    /* varchar (and name) have no min/max of their own: PostgreSQL's are text's, typed text */
    bool as_text = b.oid == PG_OID_VARCHAR || b.oid == PG_OID_NAME;
    /* an aggregate's result has no typmod: max(numeric(10,2)) is numeric */
    *out = sqlc_val_of(sql, as_text ? sqlc_type(PG_OID_TEXT)
                                    : (proxy_pgtype_ref_t){args[0].type.oid, -1});
    out->numv = args[0].numv;
    sqlc_merge_flags(out, &args[0]);
    out->is_const = false;
    out->name = s->name;
    return true;
}

static const sqlc_sig_t funcs[] = {
    /* ---- aggregates ---- */
    {"count(*)", 0, {0}, I8, "count(*)", NULL, SQLC_F_AGG, NULL},
    AG1("count", ANYV, I8, "count(%1)"),
    AG1("sum", I2, I8, "CAST(sum(%<%1%>)%! AS BIGINT)"),
    AG1("sum", I4, I8, "CAST(sum(%<%1%>)%! AS BIGINT)"),
    AG1("sum", I8, N, "CAST(sum(%<%1%>)%! AS DECIMAL(38,0))"),
    FN("sum", 1, A(N), N, "sum(%1)", "am_num_sum(%1)", SQLC_F_AGG),
    AG1("sum", IV, IV, "am_interval_sum(%1)"),
    FN("avg", 1, A(I2), N, "am_num_avg_final(CAST(sum(%<%1%>)%! AS VARCHAR), count(%<%1%>)%!)",
       NULL, SQLC_F_AGG | SQLC_F_NUMV),
    FN("avg", 1, A(I4), N, "am_num_avg_final(CAST(sum(%<%1%>)%! AS VARCHAR), count(%<%1%>)%!)",
       NULL, SQLC_F_AGG | SQLC_F_NUMV),
    FN("avg", 1, A(I8), N, "am_num_avg_final(CAST(sum(%<%1%>)%! AS VARCHAR), count(%<%1%>)%!)",
       NULL, SQLC_F_AGG | SQLC_F_NUMV),
    FN("avg", 1, A(N), N, "am_num_avg_final(CAST(sum(%<%1%>)%! AS VARCHAR), count(%<%1%>)%!)",
       "am_num_avg(%<%1%>)%!", SQLC_F_AGG | SQLC_F_NUMV),
    /* one function per type in PostgreSQL, text's chosen for an unknown */
    {"min", 1, {ANY}, ANY, NULL, NULL, SQLC_F_AGG | SQLC_F_COMPATIBLE, emit_minmax},
    {"max", 1, {ANY}, ANY, NULL, NULL, SQLC_F_AGG | SQLC_F_COMPATIBLE, emit_minmax},
    AG1("bool_and", B, B, "bool_and(%1)"),
    AG1("bool_or", B, B, "bool_or(%1)"),
    AG1("every", B, B, "bool_and(%1)"),
    AG2("string_agg", T, T, T, "string_agg(%1, %2)"),
    AG2("string_agg", BY, BY, BY, "string_agg(%1, %2)"),
    AG1("array_agg", SQLC_ANYNONARRAY, ARR, "list(%1)"),
    AG1("bit_and", I4, I4, "bit_and(%1)"),
    AG1("bit_or", I4, I4, "bit_or(%1)"),
    AG1("bit_and", I8, I8, "bit_and(%1)"),
    AG1("bit_or", I8, I8, "bit_or(%1)"),
    /* ---- window functions ---- */
    W0("row_number", I8, "row_number()"),
    W0("rank", I8, "rank()"),
    W0("dense_rank", I8, "dense_rank()"),
    W0("percent_rank", F8, "percent_rank()"),
    W0("cume_dist", F8, "cume_dist()"),
    {"ntile",
     1,
     {I4},
     I4,
     "CAST(ntile(CASE WHEN %1 <= 0 THEN error('22014 argument of ntile must be greater than "
     "zero') ELSE %1 END)%! AS INTEGER)",
     NULL,
     SQLC_F_WINDOW,
     NULL},
    {"lag", 1, {ANY}, ANY, "lag(%1)", NULL, SQLC_F_WINDOW, NULL},
    {"lag", 2, {ANY, I4}, ANY, "lag(%1, %2)", NULL, SQLC_F_WINDOW, NULL},
    {"lag", 3, {ANY, I4, ANY}, ANY, "lag(%1, %2, %3)", NULL, SQLC_F_WINDOW, NULL},
    {"lead", 1, {ANY}, ANY, "lead(%1)", NULL, SQLC_F_WINDOW, NULL},
    {"lead", 2, {ANY, I4}, ANY, "lead(%1, %2)", NULL, SQLC_F_WINDOW, NULL},
    {"lead", 3, {ANY, I4, ANY}, ANY, "lead(%1, %2, %3)", NULL, SQLC_F_WINDOW, NULL},
    {"first_value", 1, {ANY}, ANY, "first_value(%1)", NULL, SQLC_F_WINDOW, NULL},
    {"last_value", 1, {ANY}, ANY, "last_value(%1)", NULL, SQLC_F_WINDOW, NULL},
    {"nth_value", 2, {ANY, I4}, ANY, "nth_value(%1, %2)", NULL, SQLC_F_WINDOW, NULL},
    /* ---- set-returning ---- */
    /* DuckDB counts in BIGINT: the int4 series is cast back, so arithmetic on it overflows
     * where PostgreSQL's does */
    SRF("generate_series", 2, A(I4, I4), I4, "CAST(generate_series(%1, %2) AS INTEGER[])"),
    SRF("generate_series", 3, A(I4, I4, I4), I4,
        "CASE WHEN %3 = 0 THEN error('22023 step size cannot equal zero') ELSE "
        "CAST(generate_series(%1, %2, %3) AS INTEGER[]) END"),
    SRF("generate_series", 2, A(I8, I8), I8, "generate_series(%1, %2)"),
    SRF("generate_series", 3, A(I8, I8, I8), I8,
        "CASE WHEN %3 = 0 THEN error('22023 step size cannot equal zero') ELSE "
        "generate_series(%1, %2, %3) END"),
    SRF("generate_series", 3, A(TS, TS, IV), TS, "am_generate_series(%1, %2, %3)"),
    SRF("generate_series", 3, A(TZ, TZ, IV), TZ, "am_generate_series(%1, %2, %3, %T)"),
    SRF("unnest", 1, A(ARR), ANY, "%1"),
    /* int2vector and oidvector count from 0 */
    SRF("generate_subscripts", 2, A(PG_OID_INT2VECTOR, I4), I4,
        "CASE WHEN %2 = 1 THEN CAST(generate_series(0, len(%1) - 1) AS INTEGER[]) END"),
    SRF("generate_subscripts", 2, A(PG_OID_OIDVECTOR, I4), I4,
        "CASE WHEN %2 = 1 THEN CAST(generate_series(0, len(%1) - 1) AS INTEGER[]) END"),
    SRF("generate_subscripts", 2, A(ARR, I4), I4,
        "CASE WHEN %2 = 1 THEN CAST(generate_series(1, len(%1)) AS INTEGER[]) END"),
    SRF("regexp_split_to_table", 2, A(T, T), T, "am_regexp_split_to_array(%1, %2)"),
    SRF("regexp_split_to_table", 3, A(T, T, T), T, "am_regexp_split_to_array(%1, %2, %3)"),
    SRF("regexp_matches", 2, A(T, T), TA, "am_regexp_matches(%1, %2)"),
    SRF("regexp_matches", 3, A(T, T, T), TA, "am_regexp_matches(%1, %2, %3)"),
    SRF("string_to_table", 2, A(T, T), T, "am_string_to_array(%1, %2)"),
    SRF("jsonb_array_elements", 1, A(JB), JB, "am_jsonb_array_elements(%1)"),
    SRF("jsonb_array_elements_text", 1, A(JB), T, "am_jsonb_array_elements_text(%1)"),
    SRF("json_array_elements", 1, A(JS), JS, "am_json_array_elements(%1)"),
    SRF("json_array_elements_text", 1, A(JS), T, "am_json_array_elements_text(%1)"),
    SRF("jsonb_object_keys", 1, A(JB), T, "am_jsonb_object_keys(%1)"),
    SRF("json_object_keys", 1, A(JS), T, "am_json_object_keys(%1)"),
    /* ---- math ---- */
    /* integer overflow as PostgreSQL reports it, not as DuckDB does */
    F1("abs", I2, I2, "CAST(am_int_abs(%1, 16) AS SMALLINT)"),
    F1("abs", I4, I4, "CAST(am_int_abs(%1, 32) AS INTEGER)"),
    F1("abs", I8, I8, "am_int_abs(%1, 64)"),
    F1("abs", F4, F4, "abs(%1)"),
    F1("abs", F8, F8, "abs(%1)"),
    FN("abs", 1, A(N), N, "abs(%1)", "am_num_abs(%N1)", 0),
    F1("sign", F8, F8, "am_f8_sign(%1)"),
    FN("sign", 1, A(N), N, "CAST(sign(%1) AS DECIMAL(1,0))", "am_num_sign(%N1)", 0),
    F1("ceil", F8, F8, "ceil(%1)"),
    F1("ceiling", F8, F8, "ceil(%1)"),
    F1("floor", F8, F8, "floor(%1)"),
    FN("ceil", 1, A(N), N, "CAST(ceil(%1) AS DECIMAL(38,0))", "am_num_ceil(%N1)", 0),
    FN("ceiling", 1, A(N), N, "CAST(ceil(%1) AS DECIMAL(38,0))", "am_num_ceil(%N1)", 0),
    FN("floor", 1, A(N), N, "CAST(floor(%1) AS DECIMAL(38,0))", "am_num_floor(%N1)", 0),
    F1("round", F8, F8, "am_f8_round(%1)"),
    FN("round", 1, A(N), N, "round(%1)", "am_num_round(%N1, 0)", 0),
    FN("round", 2, A(N, I4), N, "am_num_round(%N1, %2)", NULL, SQLC_F_NUMV),
    F1("trunc", F8, F8, "trunc(%1)"),
    FN("trunc", 1, A(N), N, "trunc(%1)", "am_num_trunc(%N1, 0)", 0),
    FN("trunc", 2, A(N, I4), N, "am_num_trunc(%N1, %2)", NULL, SQLC_F_NUMV),
    F1("sqrt", F8, F8, "am_f8_sqrt(%1)"),
    FN("sqrt", 1, A(N), N, "am_num_sqrt(%N1)", NULL, SQLC_F_NUMV),
    F1("cbrt", F8, F8, "am_f8_cbrt(%1)"),
    F1("exp", F8, F8, "am_f8_exp(%1)"),
    FN("exp", 1, A(N), N, "am_num_exp(%N1)", NULL, SQLC_F_NUMV),
    F1("ln", F8, F8, "am_f8_ln(%1)"),
    FN("ln", 1, A(N), N, "am_num_ln(%N1)", NULL, SQLC_F_NUMV),
    F1("log", F8, F8, "am_f8_log10(%1)"),
    F1("log10", F8, F8, "am_f8_log10(%1)"),
    FN("log", 1, A(N), N, "am_num_log10(%N1)", NULL, SQLC_F_NUMV),
    FN("log", 2, A(N, N), N, "am_num_log(%N1, %N2)", NULL, SQLC_F_NUMV),
    F2("power", F8, F8, F8, "am_f8_pow(%1, %2)"),
    F2("pow", F8, F8, F8, "am_f8_pow(%1, %2)"),
    FN("power", 2, A(N, N), N, "am_num_power(%N1, %N2)", NULL, SQLC_F_NUMV),
    FN("pow", 2, A(N, N), N, "am_num_power(%N1, %N2)", NULL, SQLC_F_NUMV),
    F2("mod", I2, I2, I2,
       "CASE WHEN %2 = 0 AND %1 IS NOT NULL THEN error('22012 division by "
       "zero') WHEN %2 = -1 THEN %1 * 0 ELSE %1 %% %2 END"),
    F2("mod", I4, I4, I4,
       "CASE WHEN %2 = 0 AND %1 IS NOT NULL THEN error('22012 division by "
       "zero') WHEN %2 = -1 THEN %1 * 0 ELSE %1 %% %2 END"),
    F2("mod", I8, I8, I8,
       "CASE WHEN %2 = 0 AND %1 IS NOT NULL THEN error('22012 division by "
       "zero') WHEN %2 = -1 THEN %1 * 0 ELSE %1 %% %2 END"),
    FN("mod", 2, A(N, N), N, "am_num_mod(%N1, %N2)", NULL, SQLC_F_NUMV),
    FN("div", 2, A(N, N), N, "am_num_div_trunc(%N1, %N2)", NULL, SQLC_F_NUMV),
    F0("pi", F8, "pi()"),
    F1("degrees", F8, F8, "degrees(%1)"),
    F1("radians", F8, F8, "radians(%1)"),
    F1("sin", F8, F8, "am_f8_sin(%1)"),
    F1("cos", F8, F8, "am_f8_cos(%1)"),
    F1("tan", F8, F8, "am_f8_tan(%1)"),
    F1("asin", F8, F8, "am_f8_asin(%1)"),
    F1("acos", F8, F8, "am_f8_acos(%1)"),
    F1("atan", F8, F8, "am_f8_atan(%1)"),
    F2("atan2", F8, F8, F8, "am_f8_atan2(%1, %2)"),
    F2("gcd", I4, I4, I4, "gcd(%1, %2)"),
    F2("gcd", I8, I8, I8, "gcd(%1, %2)"),
    F2("lcm", I4, I4, I4, "lcm(%1, %2)"),
    F2("lcm", I8, I8, I8, "lcm(%1, %2)"),
    FN("scale", 1, A(N), I4, "am_num_scale(%N1)", NULL, 0),
    /* ---- strings ---- */
    F1("length", T, I4, "CAST(length(%1) AS INTEGER)"),
    F1("char_length", T, I4, "CAST(length(%1) AS INTEGER)"),
    F1("character_length", T, I4, "CAST(length(%1) AS INTEGER)"),
    F1("length", PG_OID_BPCHAR, I4, "CAST(length(rtrim(%1, ' ')) AS INTEGER)"),
    F1("char_length", PG_OID_BPCHAR, I4, "CAST(length(rtrim(%1, ' ')) AS INTEGER)"),
    F1("octet_length", T, I4, "CAST(strlen(%1) AS INTEGER)"),
    /* char(n) counts its padding: the mirror holds it padded, as PostgreSQL stores it */
    F1("octet_length", PG_OID_BPCHAR, I4, "CAST(strlen(%1) AS INTEGER)"),
    F1("octet_length", BY, I4, "CAST(octet_length(%1) AS INTEGER)"),
    F1("length", BY, I4, "CAST(octet_length(%1) AS INTEGER)"),
    F1("bit_length", T, I4, "CAST(strlen(%1) * 8 AS INTEGER)"),
    F1("lower", T, T, "lower(%1)"),
    F1("upper", T, T, "upper(%1)"),
    F1("initcap", T, T, "am_initcap(%1)"),
    F2("left", T, I4, T, "am_left(%1, %2)"),
    F2("right", T, I4, T, "am_right(%1, %2)"),
    F3("lpad", T, I4, T, T, "am_lpad(%1, %2, %3)"),
    F2("lpad", T, I4, T, "am_lpad(%1, %2, ' ')"),
    F3("rpad", T, I4, T, T, "am_rpad(%1, %2, %3)"),
    F2("rpad", T, I4, T, "am_rpad(%1, %2, ' ')"),
    F1("btrim", T, T, "am_btrim(%1, ' ')"),
    F2("btrim", T, T, T, "am_btrim(%1, %2)"),
    F1("ltrim", T, T, "am_ltrim(%1, ' ')"),
    F2("ltrim", T, T, T, "am_ltrim(%1, %2)"),
    F1("rtrim", T, T, "am_rtrim(%1, ' ')"),
    F2("rtrim", T, T, T, "am_rtrim(%1, %2)"),
    F3("replace", T, T, T, T, "am_replace(%1, %2, %3)"),
    F3("translate", T, T, T, T, "am_translate(%1, %2, %3)"),
    F2("repeat", T, I4, T, "am_repeat(%1, %2)"),
    F1("reverse", T, T, "am_reverse(%1)"),
    F3("split_part", T, T, I4, T, "am_split_part(%1, %2, %3)"),
    F2("strpos", T, T, I4, "am_strpos(%1, %2)"),
    F2("position", T, T, I4, "am_strpos(%1, %2)"),
    F2("substr", T, I4, T, "am_substr(%1, %2)"),
    F3("substr", T, I4, I4, T, "am_substr(%1, %2, %3)"),
    F2("substring", T, I4, T, "am_substr(%1, %2)"),
    F3("substring", T, I4, I4, T, "am_substr(%1, %2, %3)"),
    F2("substring", T, T, T, "am_substring_re(%1, %2)"),
    F3("substring", T, T, T, T, "am_substring_similar(%1, %2, %3)"),
    F3("overlay", T, T, I4, T, "am_overlay(%1, %2, %3)"),
    F4A("overlay", T, T, I4, I4, T, "am_overlay(%1, %2, %3, %4)"),
    F2("starts_with", T, T, B, "starts_with(%1, %2)"),
    F1("ascii", T, I4, "am_ascii(%1)"),
    F1("chr", I4, T, "am_chr(%1)"),
    F1("md5", T, T, "am_md5(%1)"),
    F1("md5", BY, T, "am_md5_bytea(%1)"),
    F1("sha256", BY, BY, "am_sha256(%1)"),
    F1("to_hex", I4, T, "am_to_hex(CAST(%1 AS INTEGER))"),
    F1("to_hex", I8, T, "am_to_hex(%1)"),
    F2("encode", BY, T, T, "am_encode(%1, %2)"),
    F2("decode", T, T, BY, "am_decode(%1, %2)"),
    F1("quote_ident", T, T, "am_quote_ident(%1)"),
    F1("quote_literal", T, T, "am_quote_literal(%1)"),
    F1("quote_literal", SQLC_ANYNONARRAY, T, "am_quote_literal(%S1)"),
    FN("quote_nullable", 1, A(T), T, "am_quote_nullable(%1)", NULL, 0),
    F1("parse_ident", T, TA, "am_parse_ident(%1, true)"),
    F2("parse_ident", T, B, TA, "am_parse_ident(%1, %2)"),
    F2("string_to_array", T, T, TA, "am_string_to_array(%1, %2)"),
    F3("string_to_array", T, T, T, TA, "am_string_to_array(%1, %2, %3)"),
    F2("array_to_string", ARR, T, T, "am_array_to_string(%E1, %2)"),
    F3("array_to_string", ARR, T, T, T, "am_array_to_string(%E1, %2, %3)"),
    F3("regexp_replace", T, T, T, T, "am_regexp_replace(%1, %2, %3)"),
    F4A("regexp_replace", T, T, T, T, T, "am_regexp_replace(%1, %2, %3, %4)"),
    F2("regexp_match", T, T, TA, "am_regexp_match(%1, %2)"),
    F3("regexp_match", T, T, T, TA, "am_regexp_match(%1, %2, %3)"),
    F2("regexp_split_to_array", T, T, TA, "am_regexp_split_to_array(%1, %2)"),
    F3("regexp_split_to_array", T, T, T, TA, "am_regexp_split_to_array(%1, %2, %3)"),
    F2("regexp_count", T, T, I4, "am_regexp_count(%1, %2)"),
    F2("regexp_like", T, T, B, "am_regexp_like(%1, %2)"),
    F3("regexp_like", T, T, T, B, "am_regexp_like(%1, %2, %3)"),
    F2("regexp_substr", T, T, T, "am_regexp_substr(%1, %2)"),
    /* ---- arrays ---- */
    F2("array_length", ARR, I4, I4,
       "CASE WHEN %2 = 1 AND len(%1) > 0 THEN CAST(len(%1) AS INTEGER) END"),
    F1("cardinality", ARR, I4, "CAST(len(%1) AS INTEGER)"),
    F2("array_upper", ARR, I4, I4,
       "CASE WHEN %2 = 1 AND len(%1) > 0 THEN CAST(len(%1) AS INTEGER) END"),
    F2("array_lower", ARR, I4, I4, "CASE WHEN %2 = 1 AND len(%1) > 0 THEN 1 END"),
    F1("array_ndims", ARR, I4, "CASE WHEN len(%1) > 0 THEN 1 END"),
    FN("array_append", 2, A(ARR, ANY), ARR, "list_append(%1, %2)", NULL, SQLC_F_COMPATIBLE),
    FN("array_prepend", 2, A(ANY, ARR), ARR, "list_prepend(%1, %2)", NULL, SQLC_F_COMPATIBLE),
    /* NULL only when both are: DuckDB concatenates two NULLs into an empty list */
    FN("array_cat", 2, A(ARR, ARR), ARR,
       "CASE WHEN %1 IS NOT NULL OR %2 IS NOT NULL THEN list_concat(%1, %2) END", NULL,
       SQLC_F_COMPATIBLE),
    /* an unconstrained numeric element is numeric text: compared as numbers */
    FNE("array_remove", 2, A(ARR, ANY), ARR, "list_filter(%1, am_e -> am_e IS DISTINCT FROM %2)",
        "list_filter(%1, am_e -> ((am_e IS NULL AND %2 IS NULL) OR am_num_cmp(am_e, %2) = 0) IS "
        "NOT TRUE)",
        SQLC_F_COMPATIBLE, sqlc_e_array_find),
    FNE("array_position", 2, A(ARR, ANY), I4, "CAST(list_position(%1, %2) AS INTEGER)",
        "CAST(list_position(list_transform(%1, am_e -> (am_e IS NULL AND %2 IS NULL) OR "
        "am_num_cmp(am_e, %2) = 0), true) AS INTEGER)",
        SQLC_F_COMPATIBLE, sqlc_e_array_find),
    /* ---- conditional and misc ---- */
    F1("pg_typeof", ANYV, PG_OID_REGTYPE, NULL),
    /* ---- uuid ---- */
    {"gen_random_uuid", 0, {0}, U, "gen_random_uuid()", NULL, SQLC_F_VOLATILE, NULL},
    /* ---- json ---- */
    F1("jsonb_typeof", JB, T, "am_jsonb_typeof(%1)"),
    F1("json_typeof", JS, T, "am_json_typeof(%1)"),
    F1("jsonb_array_length", JB, I4, "am_jsonb_array_length(%1)"),
    F1("json_array_length", JS, I4, "am_json_array_length(%1)"),
    F1("jsonb_pretty", JB, T, "am_jsonb_pretty(%1)"),
    F1("to_jsonb", ANY, JB, NULL), /* anyelement: to_json(NULL) has no type (42804) */
    F1("to_json", ANY, JS, NULL),
    /* ---- date and time ---- */
    F0("now", TZ, NULL),
    F0("transaction_timestamp", TZ, NULL),
    F0("statement_timestamp", TZ, NULL),
    F0("clock_timestamp", TZ, NULL),
    F2("date_trunc", T, TS, TS, "am_date_trunc(%1, %2)"),
    F2("date_trunc", T, TZ, TZ, "am_date_trunc(%1, %2, %T)"),
    F3("date_trunc", T, TZ, T, TZ, "am_date_trunc_zone(%1, %2, %3)"),
    F2("date_trunc", T, IV, IV, "am_date_trunc(%1, %2)"),
    FN("extract", 2, A(T, D), N, "am_extract(%1, %2)", NULL, SQLC_F_NUMV),
    FN("extract", 2, A(T, TS), N, "am_extract(%1, %2)", NULL, SQLC_F_NUMV),
    FN("extract", 2, A(T, TZ), N, "am_extract(%1, %2, %T)", NULL, SQLC_F_NUMV),
    FN("extract", 2, A(T, TM), N, "am_extract(%1, %2)", NULL, SQLC_F_NUMV),
    FN("extract", 2, A(T, IV), N, "am_extract(%1, %2)", NULL, SQLC_F_NUMV),
    FN("extract", 2, A(T, PG_OID_TIMETZ), N, "am_extract_timetz(%1, %2)", NULL, SQLC_F_NUMV),
    F2("date_part", T, TS, F8, "am_date_part(%1, %2)"),
    F2("date_part", T, TZ, F8, "am_date_part(%1, %2, %T)"),
    F2("date_part", T, D, F8, "am_date_part(%1, %2)"),
    F2("date_part", T, TM, F8, "am_date_part(%1, %2)"),
    F2("date_part", T, IV, F8, "am_date_part(%1, %2)"),
    F2("age", TS, TS, IV, "am_age(%1, %2)"),
    F2("age", TZ, TZ, IV, "am_age(%1, %2, %T)"),
    F1("age", TS, IV, "am_age_now(%1, %W, %T)"),
    F1("age", TZ, IV, "am_age_now(%1, %W, %T)"),
    F2("timezone", T, TZ, TS, "am_timezone(%1, %2)"),
    F2("timezone", T, TS, TZ, "am_timezone(%1, %2)"),
    F2("timezone", IV, TZ, TS, "am_timezone(%1, %2, %I)"),
    F2("timezone", IV, TS, TZ, "am_timezone(%1, %2, %I)"),
    F1("isfinite", D, B, "am_isfinite(%1)"),
    F1("isfinite", TS, B, "am_isfinite(%1)"),
    F1("isfinite", TZ, B, "am_isfinite(%1)"),
    F1("isfinite", IV, B, "am_isfinite(%1)"),
    F3("make_date", I4, I4, I4, D, "am_make_date(%1, %2, %3)"),
    /* make_interval(years, months, weeks, days, hours, mins int4, secs float8), each
     * defaulting to 0 */
    {"make_interval", 0, {0}, IV, "am_make_interval(0, 0, 0, 0, 0, 0, 0.0)", NULL, 0, NULL},
    {"make_interval", 1, {I4}, IV, "am_make_interval(%1, 0, 0, 0, 0, 0, 0.0)", NULL, 0, NULL},
    {"make_interval", 2, {I4, I4}, IV, "am_make_interval(%1, %2, 0, 0, 0, 0, 0.0)", NULL, 0, NULL},
    {"make_interval",
     3,
     {I4, I4, I4},
     IV,
     "am_make_interval(%1, %2, %3, 0, 0, 0, 0.0)",
     NULL,
     0,
     NULL},
    {"make_interval",
     4,
     {I4, I4, I4, I4},
     IV,
     "am_make_interval(%1, %2, %3, %4, 0, 0, 0.0)",
     NULL,
     0,
     NULL},
    {"make_interval",
     5,
     {I4, I4, I4, I4, I4},
     IV,
     "am_make_interval(%1, %2, %3, %4, %5, 0, 0.0)",
     NULL,
     0,
     NULL},
    {"make_interval",
     6,
     {I4, I4, I4, I4, I4, I4},
     IV,
     "am_make_interval(%1, %2, %3, %4, %5, %6, 0.0)",
     NULL,
     0,
     NULL},
    {"make_interval",
     7,
     {I4, I4, I4, I4, I4, I4, F8},
     IV,
     "am_make_interval(%1, %2, %3, %4, %5, %6, %7)",
     NULL,
     0,
     NULL},
    F3("make_time", I4, I4, F8, TM, "am_make_time(%1, %2, %3)"),
    {"make_timestamp",
     6,
     {I4, I4, I4, I4, I4, F8},
     TS,
     "am_make_timestamp(%1, %2, %3, %4, %5, %6)",
     NULL,
     0,
     NULL},
    {"make_timestamptz",
     6,
     {I4, I4, I4, I4, I4, F8},
     TZ,
     "am_make_timestamptz(%1, %2, %3, %4, %5, %6, %T)",
     NULL,
     0,
     NULL},
    {"make_timestamptz",
     7,
     {I4, I4, I4, I4, I4, F8, T},
     TZ,
     "am_make_timestamptz_zone(%1, %2, %3, %4, %5, %6, %7)",
     NULL,
     0,
     NULL},
    F1("justify_days", IV, IV, "am_justify_days(%1)"),
    F1("justify_hours", IV, IV, "am_justify_hours(%1)"),
    F1("justify_interval", IV, IV, "am_justify_interval(%1)"),
    F3("date_bin", IV, TS, TS, TS, "am_date_bin(%1, %2, %3)"),
    F3("date_bin", IV, TZ, TZ, TZ, "am_date_bin(%1, %2, %3)"),
    F4A("overlaps", TS, TS, TS, TS, B, "am_overlaps(%1, %2, %3, %4)"),
    F4A("overlaps", TZ, TZ, TZ, TZ, B, "am_overlaps(%1, %2, %3, %4)"),
    F4A("overlaps", TM, TM, TM, TM, B, "am_overlaps(%1, %2, %3, %4)"),
    F2("to_char", TS, T, T, "am_to_char_ts(%1, %2)"),
    F2("to_char", TZ, T, T, "am_to_char_tstz(%1, %2, %T)"),
    F2("to_char", IV, T, T, "am_to_char_interval(%1, %2)"),
    F2("to_char", N, T, T, "am_to_char_num(%N1, %2)"),
    F2("to_char", I4, T, T, "am_to_char_num(CAST(%1 AS VARCHAR), %2)"),
    F2("to_char", I8, T, T, "am_to_char_num(CAST(%1 AS VARCHAR), %2)"),
    F2("to_char", F8, T, T, "am_to_char_f8(%1, %2)"),
    F2("to_date", T, T, D, "am_to_date(%1, %2)"),
    F2("to_timestamp", T, T, TZ, "am_to_timestamp(%1, %2, %T)"),
    F1("to_timestamp", F8, TZ, "am_to_timestamp_epoch(%1)"),
    FN("to_number", 2, A(T, T), N, "am_to_number(%1, %2)", NULL, SQLC_F_NUMV),
    /* ---- system information ---- */
    F0("version", T, NULL),
    F0("current_database", NM, NULL),
    F0("current_schema", NM, NULL),
    F1("current_schemas", B, PG_OID_NAME_ARRAY, NULL),
    F0("pg_backend_pid", I4, NULL),
    F1("current_setting", T, T, NULL),
    F2("current_setting", T, B, T, NULL),
    F0("inet_server_port", I4, NULL),
    F0("pg_is_in_recovery", B, "false"),
    F0("pg_postmaster_start_time", TZ, NULL),
    F1("pg_encoding_to_char", I4, NM, "CASE WHEN %1 = 6 THEN 'UTF8' ELSE '' END"),
    F0("txid_current", I8, NULL),
};

bool sqlc_functab_is_agg(sqlc_ctx_t *c, const char *name)
{
    (void)c;
    for (size_t i = 0; i < AM_ARRAY_LEN(funcs); i++)
        if ((funcs[i].flags & SQLC_F_AGG) && strcmp(funcs[i].name, name) == 0)
            return true;
    return sqlc_functab_more_is_agg(name);
}

const sqlc_sig_t *const *sqlc_functab_find(sqlc_ctx_t *c, const char *name, size_t nargs, size_t *n)
{
    size_t n_more = 0, n_cat = 0;
    (void)sqlc_functab_more_all(&n_more);
    (void)sqlc_funccat_all(&n_cat);
    size_t cap = AM_ARRAY_LEN(funcs) + n_more + n_cat;
    const sqlc_sig_t **out = am_arena_alloc(c->arena, (cap + 1) * sizeof(const sqlc_sig_t *));
    size_t k = 0;
    for (size_t i = 0; i < AM_ARRAY_LEN(funcs); i++)
        if (funcs[i].nargs == nargs && strcmp(funcs[i].name, name) == 0)
            out[k++] = &funcs[i];
    k += sqlc_functab_more_find(name, nargs, out + k, cap - k);
    k += sqlc_functab_catalog_find(c, name, nargs, out + k, cap - k);
    *n = k;
    return out;
}

const sqlc_sig_t *sqlc_functab_all(size_t *n)
{
    *n = AM_ARRAY_LEN(funcs);
    return funcs;
}
