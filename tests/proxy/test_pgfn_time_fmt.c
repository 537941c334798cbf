/*
 * tests/proxy/test_pgfn_time_fmt.c: am_to_char_ts, am_to_char_tstz, am_to_char_interval,
 * am_to_date, am_to_timestamp and am_to_timestamp_epoch against PostgreSQL's to_char, to_date
 * and to_timestamp: every template pattern and modifier, in several TimeZones.
 */
#include "pgfn_time_test.h"

#define N(a) (sizeof(a) / sizeof *(a))

static const char *const fmts[] = {
    "HH HH12 HH24 MI SS MS US",
    "FF1 FF2 FF3 FF4 FF5 FF6",
    "SSSS SSSSS",
    "AM am PM pm A.M. a.m. P.M. p.m.",
    "Y,YYY YYYY YYY YY Y",
    "IYYY IYY IY I",
    "BC bc AD ad B.C. b.c. A.D. a.d.",
    "MONTH Month month MON Mon mon MM",
    "DAY Day day DY Dy dy DDD IDDD DD D ID",
    "W WW IW CC J Q RM rm",
    "TZ tz TZH TZM OF",
    "FMMonth FMDay FMDD FMHH12 FMMI FMOF FMYYYY FMCC FMRM FMrm| FMIW FMDDD FMMM",
    "DDth DDTH Dth HH24th MIth SSth MMth YYYYth Jth IDth Qth CCth WWth Wth Y,YYYth USth FF3th",
    "FXYYYY-MM-DD",
    "TMMonth TMDay TMMON TMmon TMDy TMday TMMONTH TMmonth TMDAY",
    "\"quoted text\" YYYY",
    "\"Year: \"YYYY \"HH\"HH",
    "YYYY\\\"MM",
    "\"a\\\"b\\\\c\" DD",
    "\\YYYY \\\\ \\",
    "HH24:MI:SS.US",
    "YYYY-MM-DD\"T\"HH24:MI:SS.FF3OF",
    "Dy, DD Mon YYYY HH24:MI:SS TZ",
    "",
    "x",
    "FM",
    "fmdd tmmonth fmhh24",
    "RMth SP DDSP HHSP MISPTH",
    "ÄYYYÖ 日付YYYY年MM月DD日",
    "YYYYMMDDHH24MISS",
    "Q-YYYY \"\"DD\"",
    "dAY mONTH Hh24 yYYY",
    "\"unterminated YYYY",
    "IYYY-IW-ID IDDD",
    "FX",
    "SSSSth MS US FF6",
    "  YYYY  ",
    "Ddd Iw Iddd",
};

static const char *const stamps[] = {
    "2024-01-02 03:04:05.678901",
    "2024-12-31 23:59:59.999999",
    "2000-01-01 00:00:00",
    "1999-12-31 12:00:00",
    "0044-03-15 12:00:00 BC",
    "0001-01-01 00:00:00 BC",
    "4713-11-24 00:00:00 BC",
    "2024-02-29 12:00",
    "2020-12-31 13:00",
    "2021-01-03 00:30",
    "2008-12-29 11:11:11",
    "1900-01-01 00:00",
    "294246-12-31 23:59:59",
    "infinity",
    "-infinity",
    "10000-01-01 01:02:03",
    "0099-06-15 14:00",
    "0999-06-15 23:00",
    "2024-03-31 02:30",
    "1000-01-01 12:00 BC",
    "1582-10-10 10:10:10.1",
    "2011-01-01 21:00:00.012",
    "2024-10-27 02:30",
};

static const char *const zones[] = {"UTC",          "Europe/Paris",        "America/New_York",
                                    "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns",
                                    "UTC+3",        "Europe/Amsterdam",    "Asia/Kathmandu"};

Test(pgfn_time_fmt, to_char_timestamp)
{
    tt_t *t = tt_open();
    char a[128], b[256];
    tt_set(t, "UTC", "ISO, MDY", "postgres");
    for (size_t i = 0; i < N(stamps); i++)
        for (size_t f = 0; f < N(fmts); f++) {
            snprintf(a, sizeof a, "timestamp:%s", stamps[i]);
            snprintf(b, sizeof b, "lit:%s", fmts[f]);
            tt_check(t, "to_char($1, $2)", "am_to_char_ts($1, $2)", a, b, NULL);
        }
    tt_close(t);
}

Test(pgfn_time_fmt, to_char_timestamptz)
{
    tt_t *t = tt_open();
    char a[128], b[256];
    for (size_t z = 0; z < N(zones); z++) {
        tt_set(t, zones[z], "ISO, MDY", "postgres");
        for (size_t i = 0; i < N(stamps); i++)
            for (size_t f = 0; f < N(fmts); f += (z == 0 ? 1 : 3)) {
                snprintf(a, sizeof a, "timestamptz:%s", stamps[i]);
                snprintf(b, sizeof b, "lit:%s", fmts[f]);
                tt_check(t, "to_char($1, $2)", "am_to_char_tstz($1, $2, {tz})", a, b, NULL);
            }
        tt_check(t, "to_char('1900-01-01 00:00+00'::timestamptz, 'TZ OF TZH:TZM')",
                 "am_to_char_tstz($1, 'TZ OF TZH:TZM', {tz})", "timestamptz:1900-01-01 00:00+00",
                 NULL);
    }
    tt_close(t);
}

Test(pgfn_time_fmt, to_char_interval)
{
    static const char *const ivs[] = {"1 year 2 mons 3 days 04:05:06.789",
                                      "-1 year -2 mons -3 days -04:05:06.789",
                                      "0",
                                      "25 hours",
                                      "-25 hours",
                                      "100 years",
                                      "12 months",
                                      "-12 months",
                                      "1 mon",
                                      "-1 mon",
                                      "-11 mons",
                                      "1000000 hours",
                                      "1 day -1 microsecond",
                                      "178956970 years 7 mons",
                                      "-178956970 years -8 mons",
                                      "2147483647 days",
                                      "-2147483648 days",
                                      "1.5 seconds",
                                      "-0.5 seconds",
                                      "2562047788 hours",
                                      "12:00:00",
                                      "13:59:59",
                                      "-13:00",
                                      "1999 years 11 mons 400 days"};
    tt_t *t = tt_open();
    char a[128], b[256];
    for (size_t i = 0; i < N(ivs); i++)
        for (size_t f = 0; f < N(fmts); f++) {
            snprintf(a, sizeof a, "interval:%s", ivs[i]);
            snprintf(b, sizeof b, "lit:%s", fmts[f]);
            tt_check(t, "to_char($1, $2)", "am_to_char_interval($1, $2)", a, b, NULL);
        }
    static const char *const ivf[] = {
        "HH24:MI:SS.US", "DDD", "WW",    "IW",   "IDDD", "J",      "Q",
        "YYYY Y,YYY",    "CC",  "RM rm", "SSSS", "AM",   "FF1 FF5"};
    for (size_t i = 0; i < N(ivs); i++)
        for (size_t f = 0; f < N(ivf); f++) {
            snprintf(a, sizeof a, "interval:%s", ivs[i]);
            snprintf(b, sizeof b, "lit:%s", ivf[f]);
            tt_check(t, "to_char($1, $2)", "am_to_char_interval($1, $2)", a, b, NULL);
        }
    tt_close(t);
}

/* to_date / to_timestamp inputs: text, template. */
static const char *const parse[][2] = {
    {"2024-01-02", "YYYY-MM-DD"},
    {"2024/01/02", "YYYY-MM-DD"},
    {"20240102", "YYYYMMDD"},
    {"2024 1 2", "YYYY MM DD"},
    {"02 Jan 2024", "DD Mon YYYY"},
    {"January 2, 2024", "Month DD, YYYY"},
    {"JANUARY 2 2024", "FMMonth DD YYYY"},
    {"2 January 2024", "DD Month YYYY"},
    {"05 Dec 2000", "DD Mon YYYY"},
    {"2000-13-01", "YYYY-MM-DD"},
    {"2000-02-30", "YYYY-MM-DD"},
    {"31-12-99", "DD-MM-YY"},
    {"31-12-69", "DD-MM-YY"},
    {"31-12-70", "DD-MM-YY"},
    {"31-12-519", "DD-MM-YYY"},
    {"31-12-520", "DD-MM-YYY"},
    {"12-31-9", "MM-DD-Y"},
    {"2024-366", "YYYY-DDD"},
    {"2023-366", "YYYY-DDD"},
    {"2024-60", "YYYY-DDD"},
    {"2024-400", "YYYY-DDD"},
    {"60", "DDD"},
    {"2024 10 3", "IYYY IW ID"},
    {"2024 10", "IYYY IW"},
    {"2024 100", "IYYY IDDD"},
    {"2024 10 3", "YYYY IW ID"},
    {"2024 10 7", "IYYY IW ID"},
    {"2024 10 3", "IYYY IW D"},
    {"J2451545", "\"J\"J"},
    {"2451545", "J"},
    {"0", "J"},
    {"-5", "J"},
    {"-100000", "J"},
    {"21 05", "CC YY"},
    {"21 00", "CC YY"},
    {"21", "CC"},
    {"21 2005", "CC YYYY"},
    {"06 05 BC", "CC YY BC"},
    {"06 BC", "CC BC"},
    {"05 BC", "YY BC"},
    {"0044 BC", "YYYY BC"},
    {"44 B.C.", "YYYY B.C."},
    {"2024 AD", "YYYY AD"},
    {"2024 ad", "YYYY BC"},
    {"XII 2024", "RM YYYY"},
    {"iv 2024", "rm YYYY"},
    {"IX 2024", "RM YYYY"},
    {"1st", "DDth"},
    {"2024 1st Jan", "YYYY DDth Mon"},
    {"Monday 2024-01-01", "Day YYYY-MM-DD"},
    {"Mon 2024", "Dy YYYY"},
    {"2024-01-02 13:14:15", "YYYY-MM-DD HH24:MI:SS"},
    {"2024-01-02 1:14:15 PM", "YYYY-MM-DD HH:MI:SS PM"},
    {"2024-01-02 12:14:15 am", "YYYY-MM-DD HH12:MI:SS am"},
    {"2024-01-02 13:14:15 PM", "YYYY-MM-DD HH:MI:SS PM"},
    {"2024-01-02 00:14", "YYYY-MM-DD HH:MI"},
    {"2024-01-02 25:00", "YYYY-MM-DD HH24:MI"},
    {"2024-01-02 23:60", "YYYY-MM-DD HH24:MI"},
    {"12345", "SSSS"},
    {"86399", "SSSSS"},
    {"86400", "SSSSS"},
    {"1.5", "SS.MS"},
    {"1.05", "SS.MS"},
    {"1.123456", "SS.US"},
    {"1.1234567", "SS.US"},
    {"1.12", "SS.FF2"},
    {"1.123", "SS.FF1"},
    {"2024-01-02 10:00:00.56", "YYYY-MM-DD HH24:MI:SS.FF1"},
    {"2024-01-02 10:00:00.5", "YYYY-MM-DD HH24:MI:SS.FF1"},
    {"2024-01-02 10:00:00.123456", "YYYY-MM-DD HH24:MI:SS.FF6"},
    {"2024-01-02 10:00 +05:30", "YYYY-MM-DD HH24:MI TZH:TZM"},
    {"2024-01-02 10:00 -05", "YYYY-MM-DD HH24:MI TZH"},
    {"2024-01-02 10:00-05", "YYYY-MM-DD HH24:MITZH"},
    {"2024-01-02 10:00 -05:45", "YYYY-MM-DD HH24:MI TZH:TZM"},
    {"2024-01-02 10:00 30", "YYYY-MM-DD HH24:MI TZM"},
    {"2024-01-02 10:00 +16", "YYYY-MM-DD HH24:MI TZH"},
    {"2024-01-02 10:00 EST", "YYYY-MM-DD HH24:MI TZ"},
    {"2024-01-02 10:00 +01", "YYYY-MM-DD HH24:MI OF"},
    {"x", "YYYY"},
    {"", "YYYY"},
    {"2024", ""},
    {"", ""},
    {"2024-01-02", "FXYYYY-MM-DD"},
    {"2024 -01-02", "FXYYYY-MM-DD"},
    {"2024-01-02", "FXYYYY MM DD"},
    {"2024  01  02", "YYYY MM DD"},
    {"2024x01x02", "YYYYxMMxDD"},
    {"2024--01--02", "YYYY-MM-DD"},
    {" 2024-01-02", "YYYY-MM-DD"},
    {"2024-1-2", "YYYY-MM-DD"},
    {"2024-1-2", "FMYYYY-FMMM-FMDD"},
    {"2024 1", "YYYYMM"},
    {"20241", "YYYYMM"},
    {"99999999999", "YYYY"},
    {"2147483648", "J"},
    {"1,234", "Y,YYY"},
    {"1,2345", "Y,YYY"},
    {"abc", "Y,YYY"},
    {"2024-02-29", "YYYY-MM-DD"},
    {"0000-01-01", "YYYY-MM-DD"},
    {"5874897-12-31", "YYYY-MM-DD"},
    {"5874898-01-01", "YYYY-MM-DD"},
    {"4714-11-24 BC", "YYYY-MM-DD BC"},
    {"4714-11-23 BC", "YYYY-MM-DD BC"},
    {"2024 Jan Feb", "YYYY Mon Mon"},
    {"01 02", "MM MM"},
    {"01 01", "MM MM"},
    {"Tuesday", "Day"},
    {"2024-02-03 Tue", "YYYY-MM-DD Dy"},
    {"1e3", "YYYY"},
    {"+2024", "YYYY"},
    {"-2024", "YYYY"},
    {"2024-01-02T10:00:00", "YYYY-MM-DD\"T\"HH24:MI:SS"},
    {"2024-01-02T10:00:00", "YYYY-MM-DDTHH24:MI:SS"},
    {"12:00 P.M.", "HH:MI P.M."},
    {"12:00 p.m.", "HH:MI A.M."},
    {"12:00 xm", "HH:MI AM"},
    {"q3 2024", "\"q\"Q YYYY"},
    {"3 2024", "Q YYYY"},
    {"20 2024", "WW YYYY"},
    {"3 2024 02", "W YYYY MM"},
    {"JANUARY 5", "TMMonth DD"},
    {"janvier 5", "TMMonth DD"},
    {"jan 5", "TMMon DD"},
    {"2024年01月02日", "YYYY年MM月DD日"},
    {"2024-01-02", "YYYY\"-\"MM\"-\"DD"},
    {"abc2024", "\"abc\"YYYY"},
    {"  2024  01", "YYYY MM"},
    {"2024-01-02 10", "YYYY-MM-DD HH24:MI"},
    {"2024-01", "YYYY-MM-DD"},
    {"10:15", "HH24:MI"},
    {"10", "HH"},
    {"0 1", "HH12 MI"},
    {"2024 13", "YYYY MM"},
    {"2024 0", "YYYY MM"},
    {"2024 0 1", "YYYY MM DD"},
    {"2024 1 0", "YYYY MM DD"},
    {"2024 2 1 3", "YYYY MM DD DDD"},
    {"2024 5", "YYYY D"},
    {"2024 8", "YYYY ID"},
    {"1 1 1", "D ID D"},
    {"2024-01-02 10:20:30 +0530", "YYYY-MM-DD HH24:MI:SS TZHTZM"},
    {"2024-01-02 -10:20:30", "YYYY-MM-DD TZH:MI:SS"},
    {"2024 xx", "YYYY TZH"},
    {"2024.01.02", "YYYY.MM.DD"},
    {"2024,01,02", "YYYY MM DD"},
    {"2024 1", "YYYY FMMM"},
    {"99", "YYYY"},
    {"9", "YY"},
    {"123", "YY"},
    {"0000", "YYYY"},
    {"1", "CC"},
    {"-1", "CC"},
    {"0 1", "CC YY"},
    {"00 BC", "YY BC"},
    {"2024-01-02 10:00:00 zz", "YYYY-MM-DD HH24:MI:SS"},
    {"2024-Jan-02", "YYYY-MON-DD"},
    {"2024-January-02", "YYYY-MON-DD"},
    {"2024 monday", "YYYY DAY"},
    {"Monday2024", "DayYYYY"},
    {"2024 1 1 1", "IYYY IW ID IDDD"},
    {"2024 53 7", "IYYY IW ID"},
    {"2024 60", "IYYY IW"},
    {"2024 400", "IYYY IDDD"},
    {"10 pm", "HH pm"},
    {"10 PM", "HH24 PM"},
    {"10 a.m.", "HH a.m."},
    {"0015-01-01", "YYYY-MM-DD"},
    {"15-01-01", "YYYY-MM-DD"},
    {"1,000,000", "Y,YYY"},
    {"2147483647", "SSSS"},
    {"2024 2147483647", "YYYY DDD"},
    {"2147483647", "WW"},
};

Test(pgfn_time_fmt, to_date_to_timestamp)
{
    static const char *const pzones[] = {"UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata",
                                         "UTC+3"};
    tt_t *t = tt_open();
    char a[128], b[128];
    for (size_t z = 0; z < N(pzones); z++) {
        tt_set(t, pzones[z], z % 2 ? "SQL, DMY" : "ISO, MDY", "postgres");
        for (size_t i = 0; i < N(parse); i++) {
            snprintf(a, sizeof a, "lit:%s", parse[i][0]);
            snprintf(b, sizeof b, "lit:%s", parse[i][1]);
            if (z == 0)
                tt_check(t, "to_date($1, $2)", "am_date_out(am_to_date($1, $2), {ds})", a, b, NULL);
            tt_check(t, "to_timestamp($1, $2)",
                     "am_timestamptz_out(am_to_timestamp($1, $2, {tz}), {tz}, {ds})", a, b, NULL);
        }
    }
    tt_close(t);
}

Test(pgfn_time_fmt, to_timestamp_epoch)
{
    static const char *const secs[] = {"0",
                                       "1.5",
                                       "-1.5",
                                       "1e10",
                                       "1234567890.1234565",
                                       "0.0000005",
                                       "-0.0000005",
                                       "0.0000015",
                                       "'NaN'",
                                       "'Infinity'",
                                       "'-Infinity'",
                                       "-210866803200",
                                       "-210866803200.5",
                                       "-210866803201",
                                       "9224318015999",
                                       "1e300",
                                       "-1e300",
                                       "946684800",
                                       "-62135596800.000001",
                                       "1e-320"};
    tt_t *t = tt_open();
    char pg[128], dk[160];
    for (size_t z = 0; z < 3; z++) {
        tt_set(t, zones[z], "ISO, MDY", "postgres");
        for (size_t i = 0; i < N(secs); i++) {
            snprintf(pg, sizeof pg, "to_timestamp(%s::float8)", secs[i]);
            snprintf(dk, sizeof dk,
                     "am_timestamptz_out(am_to_timestamp_epoch(%s::DOUBLE), {tz}, {ds})", secs[i]);
            t->allow_range = i == 14; /* 294277 AD: beyond DuckDB */
            tt_check(t, pg, dk, NULL);
        }
    }
    tt_close(t);
}

/* ---- generated templates: a fixed seed, the same cases every run --------------------------- */

static uint32_t rnd_next(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static const char *const g_pieces[] = {
    "YYYY", "YYY",  "YY",     "Y",     "Y,YYY", "IYYY", "IYY", "IY",   "I",    "MM",   "MON",
    "Mon",  "mon",  "MONTH",  "Month", "month", "DD",   "DDD", "IDDD", "D",    "ID",   "DAY",
    "Day",  "dy",   "HH",     "HH12",  "HH24",  "MI",   "SS",  "MS",   "US",   "FF1",  "FF3",
    "FF6",  "SSSS", "AM",     "pm",    "A.M.",  "p.m.", "BC",  "ad",   "B.C.", "W",    "WW",
    "IW",   "CC",   "J",      "Q",     "RM",    "rm",   "TZ",  "tz",   "TZH",  "TZM",  "OF",
    "FM",   "TM",   "FX",     "TH",    "th",    "SP",   "-",   "/",    ":",    " ",    ".",
    ",",    "T",    "\"at\"", "\\",    "x",     "  ",   "-",   " ",    "dd",   "hh24", "ss"};

static void gen_template(uint32_t *s, char *out, size_t cap)
{
    size_t len = 0;
    int k = 1 + (int)(rnd_next(s) % 7);
    out[0] = '\0';
    for (int i = 0; i < k && len + 12 < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s", g_pieces[rnd_next(s) % N(g_pieces)]);
}

/* PostgreSQL's to_char of a timestamp, as the text to parse back; NULL if none. */
static char *pg_to_char(tt_t *t, const char *stamp, const char *fmt)
{
    char st[6], msg[256];
    am_buf_t q;
    am_buf_init(&q);
    am_buf_printf(&q, "SELECT to_char('%s'::timestamptz, ", stamp);
    tt_quote(&q, fmt);
    am_buf_puts(&q, ")");
    char *v = tt_pg(t, q.data, st, msg, sizeof msg);
    am_buf_destroy(&q);
    if (v && strcmp(v, "<NULL>") == 0) {
        free(v);
        v = NULL;
    }
    return v;
}

Test(pgfn_time_fmt, generated_templates)
{
    tt_t *t = tt_open();
    t->allow_refusal = true; /* TM over non-ASCII input */
    t->allow_range = true;   /* years past 294247 */
    uint32_t seed = 7654321;
    char fmt[160], a[128], b[200];
    for (int round = 0; round < 3; round++) {
        tt_set(t, zones[round * 3], "ISO, MDY", "postgres");
        for (int i = 0; i < 500; i++) {
            gen_template(&seed, fmt, sizeof fmt);
            const char *stamp = stamps[rnd_next(&seed) % N(stamps)];
            snprintf(a, sizeof a, "timestamptz:%s", stamp);
            snprintf(b, sizeof b, "lit:%s", fmt);
            tt_check(t, "to_char($1, $2)", "am_to_char_tstz($1, $2, {tz})", a, b, NULL);
            snprintf(a, sizeof a, "interval:%d days %d:%02d:%02d.%d", i - 250, i % 30, i % 60,
                     (i * 7) % 60, i);
            tt_check(t, "to_char($1, $2)", "am_to_char_interval($1, $2)", a, b, NULL);
            char *text = pg_to_char(t, stamp, fmt);
            if (!text)
                continue;
            if (rnd_next(&seed) % 3 == 0 && text[0]) /* a damaged copy too */
                text[rnd_next(&seed) % strlen(text)] = "0 -x9"[rnd_next(&seed) % 5];
            snprintf(a, sizeof a, "lit:%s", text);
            free(text);
            tt_check(t, "to_timestamp($1, $2)",
                     "am_timestamptz_out(am_to_timestamp($1, $2, {tz}), {tz}, {ds})", a, b, NULL);
            tt_check(t, "to_date($1, $2)", "am_date_out(am_to_date($1, $2), {ds})", a, b, NULL);
        }
    }
    tt_close(t);
}

/* TM reads the C locale's English names; input only another locale's case rules could match
 * is refused, never guessed. */
Test(pgfn_time_fmt, tm_matching)
{
    static const char *const cases[][2] = {
        {"février 5", "TMMonth DD"}, {"Février 5", "Month DD"}, {"JANUARY 5", "TMMonth DD"},
        {"january 5", "TMmonth DD"}, {"Ätna 5", "TMMon DD"},    {"MAR 5", "TMMON DD"},
        {"ßunday", "TMDay"},         {"sunday", "TMDay"},       {"Mon", "TMDy"},
    };
    tt_t *t = tt_open();
    t->allow_refusal = true;
    char a[64], b[64];
    for (size_t i = 0; i < N(cases); i++) {
        snprintf(a, sizeof a, "lit:%s", cases[i][0]);
        snprintf(b, sizeof b, "lit:%s", cases[i][1]);
        tt_check(t, "to_date($1, $2)", "am_date_out(am_to_date($1, $2), {ds})", a, b, NULL);
    }
    tt_close(t);
}
