/*
 * proxy/sqlc_optab.c: PostgreSQL's operators the mirror computes, with their argument and
 * result types as pg_operator.dat has them, and the DuckDB expression for each. This file is
 * the list of facts "PostgreSQL operator -> DuckDB"; resolution among them is sqlc_resolve.c.
 * An operator not listed does not exist on the mirror (42883) or is refused (0A000).
 * Notes on the templates: DuckDB's integer operators keep the width and fail on overflow as
 * PostgreSQL's; // truncates towards zero as int4div does; DECIMAL + - * keep PostgreSQL's
 * result scale; everything whose result scale depends on the values (numeric / % ^) works on
 * numeric text through am_num_*; float arithmetic goes through am_f8_* for PostgreSQL's
 * overflow and underflow errors.
 */
#include "proxy/sqlc_internal.h"

#include <string.h>

#define I2 PG_OID_INT2
#define I4 PG_OID_INT4
#define I8 PG_OID_INT8
#define F4 PG_OID_FLOAT4
#define F8 PG_OID_FLOAT8
#define NUM PG_OID_NUMERIC
#define TXT PG_OID_TEXT
#define BPC PG_OID_BPCHAR
#define NAM PG_OID_NAME
#define CHR PG_OID_CHAR
#define BOO PG_OID_BOOL
#define BYT PG_OID_BYTEA
#define DAT PG_OID_DATE
#define TIM PG_OID_TIME
#define TS PG_OID_TIMESTAMP
#define TSZ PG_OID_TIMESTAMPTZ
#define IVL PG_OID_INTERVAL
#define UID PG_OID_UUID
#define OID PG_OID_OID
#define JSN PG_OID_JSON
#define JSB PG_OID_JSONB
#define ANY PG_OID_ANYELEMENT
#define ARR PG_OID_ANYARRAY
#define NAR SQLC_ANYNONARRAY
#define ENM SQLC_ANYENUM
#define TXA PG_OID_TEXT_ARRAY
#define INE PG_OID_INET

#define BIN(op, l, r, res, t)                                                                      \
    {                                                                                              \
        op, 2, {l, r}, res, t, NULL, 0, NULL                                                       \
    }
#define BINV(op, l, r, res, t, tv, f)                                                              \
    {                                                                                              \
        op, 2, {l, r}, res, t, tv, f, NULL                                                         \
    }
#define PRE(op, a, res, t)                                                                         \
    {                                                                                              \
        op, 1, {a}, res, t, NULL, 0, NULL                                                          \
    }

#define INTMOD                                                                                     \
    "CASE WHEN %2 = 0 AND %1 IS NOT NULL THEN error('22012 division by zero') WHEN %2 = -1 THEN "  \
    "%1 * 0 ELSE %1 %% %2 END"
/* one arithmetic operator over every pair of integer widths PostgreSQL defines it for; the
 * narrower operand is widened first, as DuckDB would narrow a small int4 constant instead */
/* Integer + - * as DuckDB's add/subtract/multiply, never as operators: DuckDB's optimizer moves
 * the constant of [x * 2147483647 <> 100] or [x + 1 > 5] across the comparison (x <> ..., x > 4)
 * and the overflow PostgreSQL reports is never computed; the named functions are the same
 * checked arithmetic, which that rewrite does not match. */
#define INT_ARITH(op, fn)                                                                          \
    BIN(op, I2, I2, I2, fn "(%1, %2)"), BIN(op, I4, I4, I4, fn "(%1, %2)"),                        \
        BIN(op, I8, I8, I8, fn "(%1, %2)"), BIN(op, I2, I4, I4, fn "(CAST(%1 AS INTEGER), %2)"),   \
        BIN(op, I4, I2, I4, fn "(%1, CAST(%2 AS INTEGER))"),                                       \
        BIN(op, I2, I8, I8, fn "(CAST(%1 AS BIGINT), %2)"),                                        \
        BIN(op, I8, I2, I8, fn "(%1, CAST(%2 AS BIGINT))"),                                        \
        BIN(op, I4, I8, I8, fn "(CAST(%1 AS BIGINT), %2)"),                                        \
        BIN(op, I8, I4, I8, fn "(%1, CAST(%2 AS BIGINT))")
#define FLT_ARITH(op, f4, f8)                                                                      \
    BIN(op, F4, F4, F4, f4 "(%1, %2)"), BIN(op, F8, F8, F8, f8 "(%1, %2)"),                        \
        BIN(op, F4, F8, F8, f8 "(CAST(%1 AS DOUBLE), %2)"),                                        \
        BIN(op, F8, F4, F8, f8 "(%1, CAST(%2 AS DOUBLE))")
/* comparisons: one row per operator for a pair of types with the same template shape */
#define CMP6(l, r, a, b)                                                                           \
    BIN("=", l, r, BOO, "(" a " = " b ")"), BIN("<>", l, r, BOO, "(" a " <> " b ")"),              \
        BIN("<", l, r, BOO, "(" a " < " b ")"), BIN(">", l, r, BOO, "(" a " > " b ")"),            \
        BIN("<=", l, r, BOO, "(" a " <= " b ")"), BIN(">=", l, r, BOO, "(" a " >= " b ")")
#define CMP6N(l, r)                                                                                \
    BINV("=", l, r, BOO, "(%1 = %2)", "(am_num_cmp(%N1, %N2) = 0)", 0),                            \
        BINV("<>", l, r, BOO, "(%1 <> %2)", "(am_num_cmp(%N1, %N2) <> 0)", 0),                     \
        BINV("<", l, r, BOO, "(%1 < %2)", "(am_num_cmp(%N1, %N2) < 0)", 0),                        \
        BINV(">", l, r, BOO, "(%1 > %2)", "(am_num_cmp(%N1, %N2) > 0)", 0),                        \
        BINV("<=", l, r, BOO, "(%1 <= %2)", "(am_num_cmp(%N1, %N2) <= 0)", 0),                     \
        BINV(">=", l, r, BOO, "(%1 >= %2)", "(am_num_cmp(%N1, %N2) >= 0)", 0)
#define INT_CMP(l, r) CMP6(l, r, "%1", "%2")

/* @>, <@ and &&: elements compared by PostgreSQL's equality of their type (numeric by value,
 * {1 day} @> {24 hours}, char(n) without its padding), through the keys ORDER BY sorts by; a
 * NULL element of the contained array matches nothing (DuckDB's list_has_all finds NULL in
 * {1,NULL}). */
static bool e_contains(sqlc_ctx_t *c, const sqlc_sig_t *s, sqlc_val_t *args, size_t n,
                       sqlc_val_t *out)
{
    bool overlap = strcmp(s->name, "&&") == 0, contained = strcmp(s->name, "<@") == 0;
    const sqlc_val_t *a = &args[contained ? 1 : 0];
    const sqlc_val_t *b = &args[contained ? 0 : 1];
    proxy_pgtype_ref_t at = proxy__pgtype_base(c->cat, a->type);
    proxy_pgtype_ref_t et = {proxy__pgtype_elem(c->cat, at.oid), at.typmod};
    char *var = sqlc_alias(c, 'e');
    const char *k = sqlc_elem_key(c, var, et);
    bool keyed = strcmp(k, var) != 0;
    const char *ka =
        keyed ? sqlc_printf(c, "list_transform(%s, %s -> %s)", a->sql, var, k) : a->sql;
    const char *kb =
        keyed ? sqlc_printf(c, "list_transform(%s, %s -> %s)", b->sql, var, k) : b->sql;
    char *sql = overlap ? sqlc_printf(c, "list_has_any(%s, %s)", ka, kb)
                        : sqlc_printf(c,
                                      "(list_has_all(%s, %s) AND (%s IS NULL OR NOT "
                                      "list_contains(list_transform(%s, am_n -> am_n IS NULL), "
                                      "true)))",
                                      ka, kb, a->sql, b->sql);
    if (!sqlc_emit_done(c, s, args, n, sql, sqlc_type(PG_OID_BOOL), out))
        return false;
    out->name = NULL; /* an operator's column is ?column? */
    return true;
}

static const sqlc_sig_t ops[] = {
    /* integers */
    INT_ARITH("+", "add"),
    INT_ARITH("-", "subtract"),
    INT_ARITH("*", "multiply"),
    BIN("/", I2, I2, I2, "am_int_div2(%1, %2)"),
    BIN("/", I4, I4, I4, "am_int_div4(%1, %2)"),
    BIN("/", I8, I8, I8, "am_int_div8(%1, %2)"),
    BIN("/", I2, I4, I4, "am_int_div4(%1, %2)"),
    BIN("/", I4, I2, I4, "am_int_div4(%1, %2)"),
    BIN("/", I2, I8, I8, "am_int_div8(%1, %2)"),
    BIN("/", I8, I2, I8, "am_int_div8(%1, %2)"),
    BIN("/", I4, I8, I8, "am_int_div8(%1, %2)"),
    BIN("/", I8, I4, I8, "am_int_div8(%1, %2)"),
    BIN("%", I2, I2, I2, INTMOD),
    BIN("%", I4, I4, I4, INTMOD),
    BIN("%", I8, I8, I8, INTMOD),
    PRE("-", I2, I2, "CAST(am_int_neg(%1, 16) AS SMALLINT)"),
    PRE("-", I4, I4, "CAST(am_int_neg(%1, 32) AS INTEGER)"),
    PRE("-", I8, I8, "am_int_neg(%1, 64)"),
    PRE("+", I2, I2, "%1"),
    PRE("+", I4, I4, "%1"),
    PRE("+", I8, I8, "%1"),
    PRE("@", I2, I2, "CAST(am_int_abs(%1, 16) AS SMALLINT)"),
    PRE("@", I4, I4, "CAST(am_int_abs(%1, 32) AS INTEGER)"),
    PRE("@", I8, I8, "am_int_abs(%1, 64)"),
    BIN("&", I2, I2, I2, "(%1 & %2)"),
    BIN("&", I4, I4, I4, "(%1 & %2)"),
    BIN("&", I8, I8, I8, "(%1 & %2)"),
    BIN("|", I2, I2, I2, "(%1 | %2)"),
    BIN("|", I4, I4, I4, "(%1 | %2)"),
    BIN("|", I8, I8, I8, "(%1 | %2)"),
    BIN("#", I2, I2, I2, "xor(%1, %2)"),
    BIN("#", I4, I4, I4, "xor(%1, %2)"),
    BIN("#", I8, I8, I8, "xor(%1, %2)"),
    PRE("~", I2, I2, "(~%1)"),
    PRE("~", I4, I4, "(~%1)"),
    PRE("~", I8, I8, "(~%1)"),
    /* shifts as PostgreSQL's C shifts compute them on x86-64 (am_int_shl in pgfn_more.h) */
    BIN("<<", I2, I4, I2, "CAST(am_int_shl(%1, %2, 16) AS SMALLINT)"),
    BIN("<<", I4, I4, I4, "CAST(am_int_shl(%1, %2, 32) AS INTEGER)"),
    BIN("<<", I8, I4, I8, "am_int_shl(%1, %2, 64)"),
    BIN(">>", I2, I4, I2, "CAST(am_int_shr(%1, %2, 16) AS SMALLINT)"),
    BIN(">>", I4, I4, I4, "CAST(am_int_shr(%1, %2, 32) AS INTEGER)"),
    BIN(">>", I8, I4, I8, "am_int_shr(%1, %2, 64)"),
    INT_CMP(I2, I2),
    INT_CMP(I4, I4),
    INT_CMP(I8, I8),
    INT_CMP(I2, I4),
    INT_CMP(I4, I2),
    INT_CMP(I2, I8),
    INT_CMP(I8, I2),
    INT_CMP(I4, I8),
    INT_CMP(I8, I4),
    /* floats */
    FLT_ARITH("+", "am_f4_add", "am_f8_add"),
    FLT_ARITH("-", "am_f4_sub", "am_f8_sub"),
    FLT_ARITH("*", "am_f4_mul", "am_f8_mul"),
    FLT_ARITH("/", "am_f4_div", "am_f8_div"),
    PRE("-", F4, F4, "(-%1)"),
    PRE("-", F8, F8, "(-%1)"),
    PRE("+", F4, F4, "%1"),
    PRE("+", F8, F8, "%1"),
    PRE("@", F4, F4, "abs(%1)"),
    PRE("@", F8, F8, "abs(%1)"),
    BIN("^", F8, F8, F8, "am_f8_pow(%1, %2)"),
    PRE("|/", F8, F8, "am_f8_sqrt(%1)"),
    PRE("||/", F8, F8, "am_f8_cbrt(%1)"),
    CMP6(F4, F4, "%1", "%2"),
    CMP6(F8, F8, "%1", "%2"),
    CMP6(F4, F8, "CAST(%1 AS DOUBLE)", "%2"),
    CMP6(F8, F4, "%1", "CAST(%2 AS DOUBLE)"),
    /* numeric */
    BINV("+", NUM, NUM, NUM, "(%1 + %2)", "am_num_add(%N1, %N2)", 0),
    BINV("-", NUM, NUM, NUM, "(%1 - %2)", "am_num_sub(%N1, %N2)", 0),
    BINV("*", NUM, NUM, NUM, "(%1 * %2)", "am_num_mul(%N1, %N2)", 0),
    BINV("/", NUM, NUM, NUM, "am_num_div(%N1, %N2)", NULL, SQLC_F_NUMV),
    BINV("%", NUM, NUM, NUM, "am_num_mod(%N1, %N2)", NULL, SQLC_F_NUMV),
    BINV("^", NUM, NUM, NUM, "am_num_power(%N1, %N2)", NULL, SQLC_F_NUMV),
    {"-", 1, {NUM}, NUM, "(-%1)", "am_num_neg(%N1)", 0, NULL},
    {"+", 1, {NUM}, NUM, "%1", "%1", 0, NULL},
    {"@", 1, {NUM}, NUM, "abs(%1)", "am_num_abs(%N1)", 0, NULL},
    CMP6N(NUM, NUM),
    /* text */
    BIN("||", TXT, TXT, TXT, "(%1 || %2)"),
    {"||", 2, {TXT, NAR}, TXT, NULL, NULL, 0, sqlc_textanycat},
    {"||", 2, {NAR, TXT}, TXT, NULL, NULL, 0, sqlc_textanycat},
    CMP6(TXT, TXT, "%1", "%2"),
    CMP6(NAM, NAM, "%1", "%2"),
    CMP6(NAM, TXT, "%1", "%2"),
    CMP6(TXT, NAM, "%1", "%2"),
    CMP6(CHR, CHR, "%1", "%2"),
    CMP6(BPC, BPC, "rtrim(%1, ' ')", "rtrim(%2, ' ')"),
    BIN("~~", TXT, TXT, BOO, "like_escape(%1, %2, '\\')"),
    BIN("!~~", TXT, TXT, BOO, "(NOT like_escape(%1, %2, '\\'))"),
    /* ILIKE: DuckDB folds case beyond ASCII by its own rules; am_like refuses what depends on
     * the locale */
    BIN("~~*", TXT, TXT, BOO, "am_like(%1, %2, '\\', true)"),
    BIN("!~~*", TXT, TXT, BOO, "(NOT am_like(%1, %2, '\\', true))"),
    BIN("~~", BPC, TXT, BOO, "like_escape(%1, %2, '\\')"),
    BIN("!~~", BPC, TXT, BOO, "(NOT like_escape(%1, %2, '\\'))"),
    BIN("~~", NAM, TXT, BOO, "like_escape(%1, %2, '\\')"),
    BIN("!~~", NAM, TXT, BOO, "(NOT like_escape(%1, %2, '\\'))"),
    BIN("~", TXT, TXT, BOO, "am_re_match(%1, %2, '')"),
    BIN("~*", TXT, TXT, BOO, "am_re_match(%1, %2, 'i')"),
    BIN("!~", TXT, TXT, BOO, "(NOT am_re_match(%1, %2, ''))"),
    BIN("!~*", TXT, TXT, BOO, "(NOT am_re_match(%1, %2, 'i'))"),
    BIN("~", NAM, TXT, BOO, "am_re_match(%1, %2, '')"),
    BIN("~*", NAM, TXT, BOO, "am_re_match(%1, %2, 'i')"),
    BIN("!~", NAM, TXT, BOO, "(NOT am_re_match(%1, %2, ''))"),
    BIN("~", BPC, TXT, BOO, "am_re_match(%1, %2, '')"),
    BIN("~*", BPC, TXT, BOO, "am_re_match(%1, %2, 'i')"),
    BIN("^@", TXT, TXT, BOO, "starts_with(%1, %2)"),
    /* bool, bytea, uuid, oid, enum */
    CMP6(BOO, BOO, "%1", "%2"),
    CMP6(BYT, BYT, "%1", "%2"),
    CMP6(UID, UID, "%1", "%2"),
    CMP6(OID, OID, "%1", "%2"),
    CMP6(ENM, ENM, "%1", "%2"),
    BIN("||", BYT, BYT, BYT, "(%1 || %2)"),
    /* date and time (PostgreSQL's arithmetic, infinities and time zones: am_* of pgfn_time) */
    BIN("+", DAT, I4, DAT, "am_date_pli(%1, %2)"),
    BIN("+", I4, DAT, DAT, "am_date_pli(%2, %1)"),
    BIN("-", DAT, I4, DAT, "am_date_mii(%1, %2)"),
    BIN("-", DAT, DAT, I4, "am_date_mi(%1, %2)"),
    BIN("+", DAT, IVL, TS, "am_date_pl_interval(%1, %2)"),
    BIN("+", IVL, DAT, TS, "am_date_pl_interval(%2, %1)"),
    BIN("-", DAT, IVL, TS, "am_date_mi_interval(%1, %2)"),
    BIN("+", DAT, TIM, TS, "(%1 + %2)"),
    BIN("+", TS, IVL, TS, "am_timestamp_pl_interval(%1, %2)"),
    BIN("+", IVL, TS, TS, "am_timestamp_pl_interval(%2, %1)"),
    BIN("-", TS, IVL, TS, "am_timestamp_mi_interval(%1, %2)"),
    BIN("-", TS, TS, IVL, "am_timestamp_mi(%1, %2)"),
    BIN("+", TSZ, IVL, TSZ, "am_timestamptz_pl_interval(%1, %2, %T)"),
    BIN("+", IVL, TSZ, TSZ, "am_timestamptz_pl_interval(%2, %1, %T)"),
    BIN("-", TSZ, IVL, TSZ, "am_timestamptz_mi_interval(%1, %2, %T)"),
    BIN("-", TSZ, TSZ, IVL, "am_timestamptz_mi(%1, %2)"),
    BIN("+", TIM, IVL, TIM, "am_time_pl_interval(%1, %2)"),
    BIN("-", TIM, IVL, TIM, "am_time_mi_interval(%1, %2)"),
    BIN("-", TIM, TIM, IVL, "am_time_mi(%1, %2)"),
    BIN("+", IVL, IVL, IVL, "am_interval_pl(%1, %2)"),
    BIN("-", IVL, IVL, IVL, "am_interval_mi(%1, %2)"),
    BIN("*", IVL, F8, IVL, "am_interval_mul(%1, %2)"),
    BIN("*", F8, IVL, IVL, "am_interval_mul(%2, %1)"),
    BIN("/", IVL, F8, IVL, "am_interval_div(%1, %2)"),
    PRE("-", IVL, IVL, "am_interval_um(%1)"),
    PRE("+", IVL, IVL, "%1"),
    CMP6(DAT, DAT, "%1", "%2"),
    CMP6(TIM, TIM, "%1", "%2"),
    CMP6(TS, TS, "%1", "%2"),
    CMP6(TSZ, TSZ, "%1", "%2"),
    CMP6(IVL, IVL, "am_interval_cmp(%1, %2)", "0"),
    CMP6(DAT, TS, "am_date_timestamp(%1)", "%2"),
    CMP6(TS, DAT, "%1", "am_date_timestamp(%2)"),
    CMP6(DAT, TSZ, "am_date_timestamptz(%1, %T)", "%2"),
    CMP6(TSZ, DAT, "%1", "am_date_timestamptz(%2, %T)"),
    CMP6(TS, TSZ, "am_timestamp_timestamptz(%1, %T)", "%2"),
    CMP6(TSZ, TS, "%1", "am_timestamp_timestamptz(%2, %T)"),
    /* json and jsonb */
    BIN("->", JSN, TXT, JSN, "am_json_get(%1, %2)"),
    BIN("->", JSN, I4, JSN, "am_json_idx(%1, %2)"),
    BIN("->>", JSN, TXT, TXT, "am_json_get_text(%1, %2)"),
    BIN("->>", JSN, I4, TXT, "am_json_idx_text(%1, %2)"),
    BIN("#>", JSN, TXA, JSN, "am_json_path(%1, %2)"),
    BIN("#>>", JSN, TXA, TXT, "am_json_path_text(%1, %2)"),
    BIN("->", JSB, TXT, JSB, "am_jsonb_get(%1, %2)"),
    BIN("->", JSB, I4, JSB, "am_jsonb_idx(%1, %2)"),
    BIN("->>", JSB, TXT, TXT, "am_jsonb_get_text(%1, %2)"),
    BIN("->>", JSB, I4, TXT, "am_jsonb_idx_text(%1, %2)"),
    BIN("#>", JSB, TXA, JSB, "am_jsonb_path(%1, %2)"),
    BIN("#>>", JSB, TXA, TXT, "am_jsonb_path_text(%1, %2)"),
    {"@?", 2, {JSB, 4072u}, BOO, NULL, NULL, 0, sqlc_refuse_jsonpath}, /* 4072: jsonpath */
    {"@@", 2, {JSB, 4072u}, BOO, NULL, NULL, 0, sqlc_refuse_jsonpath},
    BIN("@>", JSB, JSB, BOO, "am_jsonb_contains(%1, %2)"),
    BIN("<@", JSB, JSB, BOO, "am_jsonb_contains(%2, %1)"),
    BIN("?", JSB, TXT, BOO, "am_jsonb_exists(%1, %2)"),
    BIN("?|", JSB, TXA, BOO, "am_jsonb_exists_any(%1, %2)"),
    BIN("?&", JSB, TXA, BOO, "am_jsonb_exists_all(%1, %2)"),
    BIN("||", JSB, JSB, JSB, "am_jsonb_concat(%1, %2)"),
    BIN("-", JSB, TXT, JSB, "am_jsonb_delete(%1, %2)"),
    BIN("-", JSB, I4, JSB, "am_jsonb_delete_idx(%1, %2)"),
    BIN("-", JSB, TXA, JSB, "am_jsonb_delete_keys(%1, %2)"),
    BIN("#-", JSB, TXA, JSB, "am_jsonb_delete_path(%1, %2)"),
    CMP6(JSB, JSB, "am_jsonb_cmp(%1, %2)", "0"),
    /* inet (cidr through its implicit cast): network.c's containment and order */
    BIN("<<", INE, INE, BOO, "am_inet_op(%1, %2, 0)"),
    BIN("<<=", INE, INE, BOO, "am_inet_op(%1, %2, 1)"),
    BIN(">>", INE, INE, BOO, "am_inet_op(%1, %2, 2)"),
    BIN(">>=", INE, INE, BOO, "am_inet_op(%1, %2, 3)"),
    BIN("&&", INE, INE, BOO, "am_inet_op(%1, %2, 4)"),
    CMP6(INE, INE, "am_inet_sortkey(%1)", "am_inet_sortkey(%2)"),
    /* arrays */
    /* NULL only when both are, as array_cat: DuckDB concatenates two NULLs into [] */
    BINV("||", ARR, ARR, ARR,
         "CASE WHEN %1 IS NOT NULL OR %2 IS NOT NULL THEN list_concat(%1, %2) END", NULL,
         SQLC_F_COMPATIBLE),
    BINV("||", ARR, ANY, ARR, "list_append(%1, %2)", NULL, SQLC_F_COMPATIBLE),
    BINV("||", ANY, ARR, ARR, "list_prepend(%1, %2)", NULL, SQLC_F_COMPATIBLE),
    {"@>", 2, {ARR, ARR}, BOO, NULL, NULL, 0, e_contains},
    {"<@", 2, {ARR, ARR}, BOO, NULL, NULL, 0, e_contains},
    {"&&", 2, {ARR, ARR}, BOO, NULL, NULL, 0, e_contains},
    CMP6(ARR, ARR, "%K1", "%K2"),
};

const sqlc_sig_t *const *sqlc_optab_find(sqlc_ctx_t *c, const char *op, bool prefix, size_t *n)
{
    static const sqlc_sig_t *index[AM_ARRAY_LEN(ops)];
    const sqlc_sig_t **out = am_arena_alloc(c->arena, sizeof index);
    size_t k = 0;
    for (size_t i = 0; i < AM_ARRAY_LEN(ops); i++)
        if (strcmp(ops[i].name, op) == 0 && (ops[i].nargs == 1) == prefix)
            out[k++] = &ops[i];
    *n = k;
    return out;
}

const sqlc_sig_t *sqlc_optab_all(size_t *n)
{
    *n = AM_ARRAY_LEN(ops);
    return ops;
}
