/*
 * proxy/pgfn_time_lex.c: the tokens under PostgreSQL's datetime input (pgfn_time_dt.h): the
 * tokenizer ParseDateTime, the keyword table datetktbl, numeric zones, fractions, and the
 * calendar arithmetic the decoders and the formatter share, done with PostgreSQL's exact
 * integer arithmetic (wrap-around included) so that absurd fields fail or succeed as there.
 * Pure; ASCII classes only (PostgreSQL's input routines never see locale letters as letters).
 * Spec: PostgreSQL 15 datetime.c (ParseDateTime, datetktbl, DecodeSpecial, DecodeTimezone,
 * ParseFraction) and timestamp.c (isoweek2j, date2isoweek, date2isoyear), read for behaviour.
 */
#include "proxy/pgfn_time_dt.h"
#include "proxy/pgfn_time_ops.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

bool proxy__dt_isdigit(int c)
{
    return c >= '0' && c <= '9';
}

bool proxy__dt_isalpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool proxy__dt_isspace(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_alnum(int c)
{
    return proxy__dt_isdigit(c) || proxy__dt_isalpha(c);
}

static bool is_punct(int c)
{
    return c > ' ' && c < 127 && !is_alnum(c);
}

static char lower(char c)
{
    if (c >= 'A' && c <= 'Z')
        return (char)tolower((unsigned char)c);
    return c;
}

/* ---- datetktbl ------------------------------------------------------------------------- */

typedef struct dt_tok {
    const char *tok;
    int type, val;
} dt_tok_t;

static const dt_tok_t date_toks[] = {
    {"-infinity", TK_RESERV, DV_EARLY},
    {"ad", TK_ADBC, DV_AD},
    {"allballs", TK_RESERV, DV_ZULU},
    {"am", TK_AMPM, DV_AM},
    {"apr", TK_MONTH, 4},
    {"april", TK_MONTH, 4},
    {"at", TK_IGNORE, 0},
    {"aug", TK_MONTH, 8},
    {"august", TK_MONTH, 8},
    {"bc", TK_ADBC, DV_BC},
    {"d", TK_UNITS, DV_DAY},
    {"dec", TK_MONTH, 12},
    {"december", TK_MONTH, 12},
    {"dow", TK_UNITS, DV_DOW},
    {"doy", TK_UNITS, DV_DOY},
    {"dst", TK_DTZMOD, 3600},
    {"epoch", TK_RESERV, DV_EPOCH},
    {"feb", TK_MONTH, 2},
    {"february", TK_MONTH, 2},
    {"fri", TK_DOW, 5},
    {"friday", TK_DOW, 5},
    {"h", TK_UNITS, DV_HOUR},
    {"infinity", TK_RESERV, DV_LATE},
    {"isodow", TK_UNITS, DV_ISODOW},
    {"isoyear", TK_UNITS, DV_ISOYEAR},
    {"j", TK_UNITS, DV_JULIAN},
    {"jan", TK_MONTH, 1},
    {"january", TK_MONTH, 1},
    {"jd", TK_UNITS, DV_JULIAN},
    {"jul", TK_MONTH, 7},
    {"julian", TK_UNITS, DV_JULIAN},
    {"july", TK_MONTH, 7},
    {"jun", TK_MONTH, 6},
    {"june", TK_MONTH, 6},
    {"m", TK_UNITS, DV_MONTH},
    {"mar", TK_MONTH, 3},
    {"march", TK_MONTH, 3},
    {"may", TK_MONTH, 5},
    {"mm", TK_UNITS, DV_MINUTE},
    {"mon", TK_DOW, 1},
    {"monday", TK_DOW, 1},
    {"nov", TK_MONTH, 11},
    {"november", TK_MONTH, 11},
    {"now", TK_RESERV, DV_NOW},
    {"oct", TK_MONTH, 10},
    {"october", TK_MONTH, 10},
    {"on", TK_IGNORE, 0},
    {"pm", TK_AMPM, DV_PM},
    {"s", TK_UNITS, DV_SECOND},
    {"sat", TK_DOW, 6},
    {"saturday", TK_DOW, 6},
    {"sep", TK_MONTH, 9},
    {"sept", TK_MONTH, 9},
    {"september", TK_MONTH, 9},
    {"sun", TK_DOW, 0},
    {"sunday", TK_DOW, 0},
    {"t", TK_ISOTIME, DV_TIME},
    {"thu", TK_DOW, 4},
    {"thur", TK_DOW, 4},
    {"thurs", TK_DOW, 4},
    {"thursday", TK_DOW, 4},
    {"today", TK_RESERV, DV_TODAY},
    {"tomorrow", TK_RESERV, DV_TOMORROW},
    {"tue", TK_DOW, 2},
    {"tues", TK_DOW, 2},
    {"tuesday", TK_DOW, 2},
    {"wed", TK_DOW, 3},
    {"wednesday", TK_DOW, 3},
    {"weds", TK_DOW, 3},
    {"y", TK_UNITS, DV_YEAR},
    {"yesterday", TK_RESERV, DV_YESTERDAY},
};

int proxy__dt_special(const char *low, int *val)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(date_toks); i++)
        if (strncmp(low, date_toks[i].tok, DT_TOKMAXLEN) == 0) {
            *val = date_toks[i].val;
            return date_toks[i].type;
        }
    *val = 0;
    return TK_UNKNOWN;
}

int proxy__dt_abbrev(const char *low, int *east)
{
    int32_t off = 0;
    bool isdst = false;
    *east = 0;
    if (strlen(low) > 63) /* zone abbreviations are at most 10 characters */
        return TK_UNKNOWN;
    int kind = proxy__pgtz_abbrev(low, &off, &isdst);
    if (kind == 0)
        return TK_UNKNOWN;
    if (kind == 2)
        return TK_DYNTZ;
    *east = off;
    return isdst ? TK_DTZ : TK_TZ;
}

/* ---- the tokenizer ------------------------------------------------------------------------ */

typedef struct lexer {
    const char *cp;
    char *buf;
    size_t used, cap;
} lexer_t;

/* APPEND_CHAR: the work buffer keeps room for the field's terminator. */
static bool put(lexer_t *l, char c)
{
    if (l->used + 1 >= l->cap)
        return false;
    l->buf[l->used++] = c;
    return true;
}

static bool put_while_digits(lexer_t *l)
{
    while (proxy__dt_isdigit((unsigned char)*l->cp))
        if (!put(l, *l->cp++))
            return false;
    return true;
}

static int lex_number(lexer_t *l, int *ftype)
{
    if (!put_while_digits(l))
        return DT_ERR_FORMAT;
    char c = *l->cp;
    if (c == ':') {
        *ftype = DT_F_TIME;
        while (proxy__dt_isdigit((unsigned char)*l->cp) || *l->cp == ':' || *l->cp == '.')
            if (!put(l, *l->cp++))
                return DT_ERR_FORMAT;
        return 0;
    }
    if (c != '-' && c != '/' && c != '.') {
        *ftype = DT_F_NUMBER;
        return 0;
    }
    if (!put(l, *l->cp++))
        return DT_ERR_FORMAT;
    if (proxy__dt_isdigit((unsigned char)*l->cp)) {
        *ftype = c == '.' ? DT_F_NUMBER : DT_F_DATE;
        if (!put_while_digits(l))
            return DT_ERR_FORMAT;
        if (*l->cp != c) /* three fields only with matching delimiters */
            return 0;
        *ftype = DT_F_DATE;
        while (proxy__dt_isdigit((unsigned char)*l->cp) || *l->cp == c)
            if (!put(l, *l->cp++))
                return DT_ERR_FORMAT;
        return 0;
    }
    *ftype = DT_F_DATE; /* embedded text month */
    while (is_alnum((unsigned char)*l->cp) || *l->cp == c)
        if (!put(l, lower(*l->cp++)))
            return DT_ERR_FORMAT;
    return 0;
}

static int lex_word(lexer_t *l, int *ftype, const char *start)
{
    *ftype = DT_F_STRING;
    while (proxy__dt_isalpha((unsigned char)*l->cp))
        if (!put(l, lower(*l->cp++)))
            return DT_ERR_FORMAT;
    char c = *l->cp;
    bool is_date = c == '-' || c == '/' || c == '.';
    if (!is_date && (c == '+' || proxy__dt_isdigit((unsigned char)c))) {
        /* a zone name ("gmt+8", "est5edt") unless the word is a keyword ("t10:00") */
        int val;
        l->buf[l->used] = '\0';
        is_date = proxy__dt_special(start, &val) == TK_UNKNOWN;
    }
    if (!is_date)
        return 0;
    *ftype = DT_F_DATE;
    do {
        if (!put(l, lower(*l->cp++)))
            return DT_ERR_FORMAT;
    } while (*l->cp == '+' || *l->cp == '-' || *l->cp == '/' || *l->cp == '_' || *l->cp == '.' ||
             *l->cp == ':' || is_alnum((unsigned char)*l->cp));
    return 0;
}

static int lex_sign(lexer_t *l, int *ftype)
{
    if (!put(l, *l->cp++))
        return DT_ERR_FORMAT;
    while (proxy__dt_isspace((unsigned char)*l->cp))
        l->cp++;
    if (proxy__dt_isdigit((unsigned char)*l->cp)) {
        *ftype = DT_F_TZ;
        while (proxy__dt_isdigit((unsigned char)*l->cp) || *l->cp == ':' || *l->cp == '.' ||
               *l->cp == '-')
            if (!put(l, *l->cp++))
                return DT_ERR_FORMAT;
        return 0;
    }
    if (!proxy__dt_isalpha((unsigned char)*l->cp))
        return DT_ERR_FORMAT;
    *ftype = DT_F_SPECIAL;
    while (proxy__dt_isalpha((unsigned char)*l->cp))
        if (!put(l, lower(*l->cp++)))
            return DT_ERR_FORMAT;
    return 0;
}

/* One field at l->cp; 1 when the character was a bare delimiter. */
static int lex_field(lexer_t *l, int *ftype)
{
    unsigned char c = (unsigned char)*l->cp;
    char *start = l->buf + l->used;
    if (proxy__dt_isdigit(c))
        return lex_number(l, ftype);
    if (c == '.') {
        *ftype = DT_F_NUMBER;
        if (!put(l, *l->cp++) || !put_while_digits(l))
            return DT_ERR_FORMAT;
        return 0;
    }
    if (proxy__dt_isalpha(c)) {
        if (!put(l, lower(*l->cp++)))
            return DT_ERR_FORMAT;
        return lex_word(l, ftype, start);
    }
    if (c == '+' || c == '-')
        return lex_sign(l, ftype);
    if (is_punct(c)) {
        l->cp++;
        return 1;
    }
    return DT_ERR_FORMAT;
}

int proxy__dt_parse(const char *s, size_t buflen, dt_fields_t *f)
{
    lexer_t l = {.cp = s, .buf = f->buf, .used = 0, .cap = buflen};
    AM_ASSERT(buflen <= sizeof f->buf);
    f->nf = 0;
    while (*l.cp) {
        if (proxy__dt_isspace((unsigned char)*l.cp)) {
            l.cp++;
            continue;
        }
        if (f->nf >= DT_MAXFIELDS)
            return DT_ERR_FORMAT;
        f->field[f->nf] = l.buf + l.used;
        int rc = lex_field(&l, &f->ftype[f->nf]);
        if (rc < 0)
            return rc;
        if (rc == 1)
            continue;
        l.buf[l.used++] = '\0';
        f->nf++;
    }
    return 0;
}

/* ---- numbers ------------------------------------------------------------------------------ */

bool proxy__dt_strtoint(const char *s, char **end, int *v)
{
    errno = 0;
    long x = strtol(s, end, 10);
    *v = (int)x;
    return errno != ERANGE && x == (int)x;
}

bool proxy__dt_strtoi64(const char *s, char **end, int64_t *v)
{
    errno = 0;
    long long x = strtoll(s, end, 10);
    *v = (int64_t)x;
    return errno != ERANGE;
}

int proxy__dt_decode_tz(const char *s, int *tz_west)
{
    int32_t east = 0;
    int rc = proxy__pg_decode_tz(s, &east);
    if (rc == 2)
        return DT_ERR_TZDISP;
    *tz_west = -east;
    return rc == 0 ? 0 : DT_ERR_FORMAT;
}

int proxy__dt_fraction(const char *cp, double *frac)
{
    if (cp[1] == '\0') {
        *frac = 0;
        return 0;
    }
    char *end;
    errno = 0;
    *frac = strtod(cp, &end);
    return (*end != '\0' || errno != 0) ? DT_ERR_FORMAT : 0;
}

int proxy__dt_fsec(const char *cp, int32_t *fsec)
{
    double frac;
    int rc = proxy__dt_fraction(cp, &frac);
    if (rc)
        return rc;
    *fsec = (int32_t)rint(frac * 1000000);
    return 0;
}

/* ---- PostgreSQL's calendar arithmetic, bit for bit ----------------------------------------- */

int proxy__pgx_date2j(int y, int m, int d)
{
    uint32_t uy = (uint32_t)y + (m > 2 ? 4800u : 4799u);
    uint32_t um = (uint32_t)m + (m > 2 ? 1u : 13u);
    int32_t sy = (int32_t)uy, sm = (int32_t)um;
    int32_t century = sy / 100;
    uint32_t j = uy * 365u - 32167u;
    j += (uint32_t)(sy / 4) - (uint32_t)century + (uint32_t)(century / 4);
    j += (uint32_t)((int32_t)(7834u * (uint32_t)sm) / 256) + (uint32_t)d;
    return (int32_t)j;
}

void proxy__pgx_j2date(int jd, int *y, int *m, int *d)
{
    uint32_t julian = (uint32_t)jd + 32044u;
    uint32_t quad = julian / 146097u;
    uint32_t extra = (julian - quad * 146097u) * 4u + 3u;
    julian += 60u + quad * 3u + extra / 146097u;
    quad = julian / 1461u;
    julian -= quad * 1461u;
    uint32_t yy = julian * 4u / 1461u;
    julian = (yy != 0 ? (julian + 305u) % 365u : (julian + 306u) % 366u) + 123u;
    yy += quad * 4u;
    *y = (int32_t)(yy - 4800u);
    quad = julian * 2141u / 65536u;
    *d = (int32_t)(julian - 7834u * quad / 256u);
    *m = (int32_t)((quad + 10u) % 12u + 1u);
}

int proxy__pgx_j2day(int jd)
{
    int32_t d = (int32_t)((uint32_t)jd + 1u) % 7;
    return d < 0 ? d + 7 : d;
}

/* Monday starting the ISO week that holds January 4 of year, minus the offset (day4 - day0). */
static int week_start(int year)
{
    int day4 = proxy__pgx_date2j(year, 1, 4);
    return (int32_t)((uint32_t)day4 - (uint32_t)proxy__pgx_j2day((int32_t)((uint32_t)day4 - 1u)));
}

int proxy__pgx_isoweek2j(int year, int week)
{
    return (int32_t)(((uint32_t)week - 1u) * 7u + (uint32_t)week_start(year));
}

static int weeks_since(int dayn, int start)
{
    return (int32_t)((uint32_t)dayn - (uint32_t)start) / 7 + 1;
}

int proxy__pgx_date2isoweek(int year, int mon, int mday)
{
    int dayn = proxy__pgx_date2j(year, mon, mday);
    int start = week_start(year);
    if (dayn < start)
        start = week_start((int32_t)((uint32_t)year - 1u));
    int result = weeks_since(dayn, start);
    if (result >= 52) {
        int next = week_start((int32_t)((uint32_t)year + 1u));
        if (dayn >= next)
            result = weeks_since(dayn, next);
    }
    return result;
}

int proxy__pgx_date2isoyear(int year, int mon, int mday)
{
    int dayn = proxy__pgx_date2j(year, mon, mday);
    int start = week_start(year);
    if (dayn < start) {
        year = (int32_t)((uint32_t)year - 1u);
        start = week_start(year);
    }
    if (weeks_since(dayn, start) >= 52 && dayn >= week_start((int32_t)((uint32_t)year + 1u)))
        year = (int32_t)((uint32_t)year + 1u);
    return year;
}

int proxy__pgx_date2isoyearday(int year, int mon, int mday)
{
    uint32_t dayn = (uint32_t)proxy__pgx_date2j(year, mon, mday);
    uint32_t w1 = (uint32_t)proxy__pgx_isoweek2j(proxy__pgx_date2isoyear(year, mon, mday), 1);
    return (int32_t)(dayn - w1 + 1u);
}
