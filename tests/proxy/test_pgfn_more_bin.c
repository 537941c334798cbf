/*
 * tests/proxy/test_pgfn_more_bin.c: the byte, encoding, escape and json_object functions of
 * pgfn_more_bin.c and pgfn_more_json.c against PostgreSQL (a UTF8 database): convert_from,
 * convert_to, convert, get_byte, set_byte, get_bit, set_bit, bit_count, substring of bytea,
 * unistr, json_object and jsonb_object.
 */
#include "pgfn_more_test.h"

/* bytea arguments are given as hex digits; results compared as hex too. */
static void check_convert(numt_t *t, const char *hex, const char *enc)
{
    moret_check(t, numt_fmt("SELECT convert_from('\\x%s'::bytea, '%s')", hex, enc),
                numt_fmt("SELECT am_convert_from(unhex('%s'), '%s')", hex, enc));
    moret_check(t,
                numt_fmt("SELECT encode(convert('\\x%s'::bytea, '%s', 'UTF8'), 'hex'), "
                         "encode(convert('\\x%s'::bytea, 'UTF8', '%s'), 'hex')",
                         hex, enc, hex, enc),
                numt_fmt("SELECT lower(hex(am_convert(unhex('%s'), '%s', 'UTF8'))), "
                         "lower(hex(am_convert(unhex('%s'), 'UTF8', '%s')))",
                         hex, enc, hex, enc));
}

Test(pgfn_more_bin, conversions_match_postgresql)
{
    numt_t t;
    numt_open(&t, "pgfn_more_bin convert");
    static const char *const hexes[] = {
        "",       "41",       "e697a5",   "e697",     "41ff42",   "4100", "c3a9", "c0af",
        "e08080", "eda080",   "f0908080", "f4908080", "f5808080", "c2",   "e9",   "414243e9",
        "efbfbd", "f09f9098", "80",       "c3",       "e282ac41", "7f",   "ff",   "e28c",
    };
    static const char *const encs[] = {"UTF8",       "utf-8", "Unicode", "SQL_ASCII", "LATIN1",
                                       "iso-8859-1", "nope",  "EUC_JP",  "WIN1252"};
    for (size_t i = 0; i < sizeof hexes / sizeof *hexes; i++)
        for (size_t k = 0; k < sizeof encs / sizeof *encs; k++) {
            /* a refusal is the mirror's own answer: compare only what the mirror converts */
            bool refused = !strcmp(encs[k], "EUC_JP") || !strcmp(encs[k], "WIN1252");
            if (!refused)
                check_convert(&t, hexes[i], encs[k]);
        }
    static const char *const texts[] = {"abc", "é", "日本", "€", "ÿ", "", "a\tb"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        for (size_t k = 0; k < sizeof encs / sizeof *encs; k++) {
            if (!strcmp(encs[k], "EUC_JP") || !strcmp(encs[k], "WIN1252"))
                continue;
            moret_check(
                &t, numt_fmt("SELECT encode(convert_to('%s', '%s'), 'hex')", texts[i], encs[k]),
                numt_fmt("SELECT lower(hex(am_convert_to('%s', '%s')))", texts[i], encs[k]));
        }
    numt_check(&t, "SELECT convert_from('\\x41'::bytea, NULL)",
               "SELECT am_convert_from(unhex('41'), NULL)");
    numt_close(&t);
}

Test(pgfn_more_bin, bytes_and_bits_match_postgresql)
{
    numt_t t;
    numt_open(&t, "pgfn_more_bin bytes");
    static const char *const hexes[] = {"", "00", "ff", "00ff", "deadbeef", "0102030405"};
    static const int idx[] = {-1, 0, 1, 3, 4, 7, 8, 15, 31, 39, 40, 1000};
    for (size_t i = 0; i < sizeof hexes / sizeof *hexes; i++) {
        moret_check(&t, numt_fmt("SELECT bit_count('\\x%s'::bytea)", hexes[i]),
                    numt_fmt("SELECT am_bytea_bit_count(unhex('%s'))", hexes[i]));
        for (size_t k = 0; k < sizeof idx / sizeof *idx; k++) {
            const char *h = hexes[i];
            int n = idx[k];
            moret_check(&t, numt_fmt("SELECT get_byte('\\x%s'::bytea, %d)", h, n),
                        numt_fmt("SELECT am_get_byte(unhex('%s'), %d)", h, n));
            moret_check(&t, numt_fmt("SELECT get_bit('\\x%s'::bytea, %d)", h, n),
                        numt_fmt("SELECT am_get_bit(unhex('%s'), %d)", h, n));
            moret_check(&t,
                        numt_fmt("SELECT encode(set_byte('\\x%s'::bytea, %d, 513), 'hex')", h, n),
                        numt_fmt("SELECT lower(hex(am_set_byte(unhex('%s'), %d, 513)))", h, n));
            for (int bit = -1; bit <= 2; bit++)
                moret_check(
                    &t,
                    numt_fmt("SELECT encode(set_bit('\\x%s'::bytea, %d, %d), 'hex')", h, n, bit),
                    numt_fmt("SELECT lower(hex(am_set_bit(unhex('%s'), %d, %d)))", h, n, bit));
            for (int len = -1; len <= 4; len++)
                moret_check(
                    &t,
                    numt_fmt("SELECT encode(substring('\\x%s'::bytea from %d for %d), 'hex'), "
                             "encode(substr('\\x%s'::bytea, %d), 'hex')",
                             h, n, len, h, n),
                    numt_fmt("SELECT lower(hex(am_bytea_substr(unhex('%s'), %d, %d))), "
                             "lower(hex(am_bytea_substr(unhex('%s'), %d)))",
                             h, n, len, h, n));
        }
    }
    numt_check(&t, "SELECT encode(substring('\\x0102'::bytea from 2 for 2147483647), 'hex')",
               "SELECT lower(hex(am_bytea_substr(unhex('0102'), 2, 2147483647)))");
    numt_close(&t);
}

Test(pgfn_more_bin, unistr_matches_postgresql)
{
    numt_t t;
    numt_open(&t, "pgfn_more_bin unistr");
    static const char *const ins[] = {
        "abc",
        "d\\0061t\\+000061",
        "\\u00e9",
        "\\U0001F418",
        "\\\\",
        "a\\\\b",
        "\\d83d\\dc18",
        "\\d83d\\+00DC18",
        "\\D83D\\uDC18",
        "\\d800",
        "\\dc00",
        "\\d800x",
        "\\d800\\0061",
        "\\+110000",
        "\\0000",
        "\\u0000",
        "\\12",
        "\\u12",
        "abc\\",
        "\\x",
        "\\U0010FFFF",
        "\\U00110000",
        "\\+00FFFF",
        "x\\0041\\0042y",
        "",
        "\\uD7FF",
        "\\uE000",
        "\\d800\\\\",
        "\\zz",
        "\\+12345",
    };
    for (size_t i = 0; i < sizeof ins / sizeof *ins; i++)
        moret_check(&t, numt_fmt("SELECT unistr('%s')", ins[i]),
                    numt_fmt("SELECT am_unistr('%s')", ins[i]));
    numt_close(&t);
}

Test(pgfn_more_bin, json_object_matches_postgresql)
{
    numt_t t;
    numt_open(&t, "pgfn_more_bin json_object");
    static const char *const one[] = {"{}",
                                      "{a,1,b,2}",
                                      "{a,1,b}",
                                      "{a,NULL}",
                                      "{NULL,1}",
                                      "{\"a b\",\"c\\\"d\"}",
                                      "{b,1,a,2,b,3}",
                                      "{é,\"\\t\"}",
                                      "{\"\",\"\"}",
                                      "{aa,1,b,2,a,3}"};
    for (size_t i = 0; i < sizeof one / sizeof *one; i++)
        moret_check(&t,
                    numt_fmt("SELECT json_object('%s'::text[]), jsonb_object('%s'::text[])", one[i],
                             one[i]),
                    numt_fmt("SELECT am_json_object(am_array_in('%s')), "
                             "am_jsonb_object(am_array_in('%s'))",
                             one[i], one[i]));
    static const char *const two[][2] = {
        {"{a,b}", "{1,2}"}, {"{}", "{}"},          {"{a}", "{}"},         {"{}", "{a}"},
        {"{a,b}", "{1}"},   {"{a,NULL}", "{1,2}"}, {"{a,b}", "{NULL,x}"}, {"{b,a,b}", "{1,2,3}"},
    };
    for (size_t i = 0; i < sizeof two / sizeof *two; i++)
        moret_check(&t,
                    numt_fmt("SELECT json_object('%s'::text[], '%s'::text[]), "
                             "jsonb_object('%s'::text[], '%s'::text[])",
                             two[i][0], two[i][1], two[i][0], two[i][1]),
                    numt_fmt("SELECT am_json_object(am_array_in('%s'), am_array_in('%s')), "
                             "am_jsonb_object(am_array_in('%s'), am_array_in('%s'))",
                             two[i][0], two[i][1], two[i][0], two[i][1]));
    numt_close(&t);
}
