/*
 * tests/proxy/test_pgfn_text_str.c: the `text` family's string and array functions
 * (proxy/pgfn_text.h) against PostgreSQL 15: each expression runs on the real server and through
 * the am_* function in DuckDB; texts, or SQLSTATEs and messages, must be equal.
 * Generated tables are written out by hand-checked Python once; edit freely.
 */
#include "pgfn_text_test.h"

static const tt_case_t pad_cases[] = {
    {"lpad('abc', 5)", "am_lpad('abc', 5)", TT_TEXT, false},
    {"lpad('abc', 5, 'xy')", "am_lpad('abc', 5, 'xy')", TT_TEXT, false},
    {"lpad('abc', 2)", "am_lpad('abc', 2)", TT_TEXT, false},
    {"lpad('abc', 0)", "am_lpad('abc', 0)", TT_TEXT, false},
    {"lpad('abc', -3)", "am_lpad('abc', -3)", TT_TEXT, false},
    {"lpad('abc', 8, '')", "am_lpad('abc', 8, '')", TT_TEXT, false},
    {"lpad('abc', 2, '')", "am_lpad('abc', 2, '')", TT_TEXT, false},
    {"lpad('', 3, 'z')", "am_lpad('', 3, 'z')", TT_TEXT, false},
    {"lpad('héllo', 7, 'ü')", "am_lpad('héllo', 7, 'ü')", TT_TEXT, false},
    {"lpad('héllo', 3)", "am_lpad('héllo', 3)", TT_TEXT, false},
    {"lpad(NULL::text, 3)", "am_lpad(NULL::text, 3)", TT_TEXT, false},
    {"lpad('a', NULL::int)", "am_lpad('a', NULL::int)", TT_TEXT, false},
    {"lpad('a', 3, NULL::text)", "am_lpad('a', 3, NULL::text)", TT_TEXT, false},
    {"lpad('ab', 7, 'αβγ')", "am_lpad('ab', 7, 'αβγ')", TT_TEXT, false},
    {"lpad('x', 1000000000)", "am_lpad('x', 1000000000)", TT_TEXT, false},
    {"lpad('x', 300000000)", "am_lpad('x', 300000000)", TT_TEXT, false},
    {"lpad('x', 600000000, '')", "am_lpad('x', 600000000, '')", TT_TEXT, false},
    {"lpad('x', 268435454, '')", "am_lpad('x', 268435454, '')", TT_TEXT, false},
    {"rpad('abc', 5)", "am_rpad('abc', 5)", TT_TEXT, false},
    {"rpad('abc', 5, 'xy')", "am_rpad('abc', 5, 'xy')", TT_TEXT, false},
    {"rpad('abc', 2)", "am_rpad('abc', 2)", TT_TEXT, false},
    {"rpad('abc', 0)", "am_rpad('abc', 0)", TT_TEXT, false},
    {"rpad('abc', -1)", "am_rpad('abc', -1)", TT_TEXT, false},
    {"rpad('abc', 8, '')", "am_rpad('abc', 8, '')", TT_TEXT, false},
    {"rpad('héllo', 8, 'ö')", "am_rpad('héllo', 8, 'ö')", TT_TEXT, false},
    {"rpad('héllo', 2)", "am_rpad('héllo', 2)", TT_TEXT, false},
    {"rpad(NULL::text, 3)", "am_rpad(NULL::text, 3)", TT_TEXT, false},
    {"rpad('ab', 7, 'αβγ')", "am_rpad('ab', 7, 'αβγ')", TT_TEXT, false},
    {"rpad('x', 1000000000)", "am_rpad('x', 1000000000)", TT_TEXT, false},
    {"rpad('', 0, '')", "am_rpad('', 0, '')", TT_TEXT, false},
};

Test(pgfn_text, pad)
{
    tt_run(pad_cases, AM_ARRAY_LEN(pad_cases));
}

static const tt_case_t trim_cases[] = {
    {"btrim('  abc  ')", "am_btrim('  abc  ')", TT_TEXT, false},
    {"btrim('xxabcxx', 'x')", "am_btrim('xxabcxx', 'x')", TT_TEXT, false},
    {"btrim('xyabcyx', 'xy')", "am_btrim('xyabcyx', 'xy')", TT_TEXT, false},
    {"btrim('abc', '')", "am_btrim('abc', '')", TT_TEXT, false},
    {"btrim('', 'x')", "am_btrim('', 'x')", TT_TEXT, false},
    {"btrim('   ')", "am_btrim('   ')", TT_TEXT, false},
    {"btrim('ééaéé', 'é')", "am_btrim('ééaéé', 'é')", TT_TEXT, false},
    {"btrim('aaa', 'a')", "am_btrim('aaa', 'a')", TT_TEXT, false},
    {"btrim('  a b  ')", "am_btrim('  a b  ')", TT_TEXT, false},
    {"btrim(NULL::text)", "am_btrim(NULL::text)", TT_TEXT, false},
    {"btrim('abc', NULL::text)", "am_btrim('abc', NULL::text)", TT_TEXT, false},
    {"btrim('αβxβα', 'αβ')", "am_btrim('αβxβα', 'αβ')", TT_TEXT, false},
    {"btrim('abc', 'cba')", "am_btrim('abc', 'cba')", TT_TEXT, false},
    {"ltrim('  abc  ')", "am_ltrim('  abc  ')", TT_TEXT, false},
    {"ltrim('xxabcxx', 'x')", "am_ltrim('xxabcxx', 'x')", TT_TEXT, false},
    {"ltrim('xyabcyx', 'xy')", "am_ltrim('xyabcyx', 'xy')", TT_TEXT, false},
    {"ltrim('abc', '')", "am_ltrim('abc', '')", TT_TEXT, false},
    {"ltrim('', 'x')", "am_ltrim('', 'x')", TT_TEXT, false},
    {"ltrim('   ')", "am_ltrim('   ')", TT_TEXT, false},
    {"ltrim('ééaéé', 'é')", "am_ltrim('ééaéé', 'é')", TT_TEXT, false},
    {"ltrim('aaa', 'a')", "am_ltrim('aaa', 'a')", TT_TEXT, false},
    {"ltrim('  a b  ')", "am_ltrim('  a b  ')", TT_TEXT, false},
    {"ltrim(NULL::text)", "am_ltrim(NULL::text)", TT_TEXT, false},
    {"ltrim('abc', NULL::text)", "am_ltrim('abc', NULL::text)", TT_TEXT, false},
    {"ltrim('αβxβα', 'αβ')", "am_ltrim('αβxβα', 'αβ')", TT_TEXT, false},
    {"ltrim('abc', 'cba')", "am_ltrim('abc', 'cba')", TT_TEXT, false},
    {"rtrim('  abc  ')", "am_rtrim('  abc  ')", TT_TEXT, false},
    {"rtrim('xxabcxx', 'x')", "am_rtrim('xxabcxx', 'x')", TT_TEXT, false},
    {"rtrim('xyabcyx', 'xy')", "am_rtrim('xyabcyx', 'xy')", TT_TEXT, false},
    {"rtrim('abc', '')", "am_rtrim('abc', '')", TT_TEXT, false},
    {"rtrim('', 'x')", "am_rtrim('', 'x')", TT_TEXT, false},
    {"rtrim('   ')", "am_rtrim('   ')", TT_TEXT, false},
    {"rtrim('ééaéé', 'é')", "am_rtrim('ééaéé', 'é')", TT_TEXT, false},
    {"rtrim('aaa', 'a')", "am_rtrim('aaa', 'a')", TT_TEXT, false},
    {"rtrim('  a b  ')", "am_rtrim('  a b  ')", TT_TEXT, false},
    {"rtrim(NULL::text)", "am_rtrim(NULL::text)", TT_TEXT, false},
    {"rtrim('abc', NULL::text)", "am_rtrim('abc', NULL::text)", TT_TEXT, false},
    {"rtrim('αβxβα', 'αβ')", "am_rtrim('αβxβα', 'αβ')", TT_TEXT, false},
    {"rtrim('abc', 'cba')", "am_rtrim('abc', 'cba')", TT_TEXT, false},
};

Test(pgfn_text, trim)
{
    tt_run(trim_cases, AM_ARRAY_LEN(trim_cases));
}

static const tt_case_t translate_cases[] = {
    {"translate('12345', '143', 'ax')", "am_translate('12345', '143', 'ax')", TT_TEXT, false},
    {"translate('abc', '', 'x')", "am_translate('abc', '', 'x')", TT_TEXT, false},
    {"translate('abc', 'abc', '')", "am_translate('abc', 'abc', '')", TT_TEXT, false},
    {"translate('héllo', 'é', 'e')", "am_translate('héllo', 'é', 'e')", TT_TEXT, false},
    {"translate('aaa', 'aa', 'xy')", "am_translate('aaa', 'aa', 'xy')", TT_TEXT, false},
    {"translate('abc', 'b', 'αβ')", "am_translate('abc', 'b', 'αβ')", TT_TEXT, false},
    {"translate(NULL::text, 'a', 'b')", "am_translate(NULL::text, 'a', 'b')", TT_TEXT, false},
    {"translate('abc', NULL::text, 'b')", "am_translate('abc', NULL::text, 'b')", TT_TEXT, false},
    {"translate('', 'a', 'b')", "am_translate('', 'a', 'b')", TT_TEXT, false},
    {"translate('αβγ', 'βγ', 'b')", "am_translate('αβγ', 'βγ', 'b')", TT_TEXT, false},
};

Test(pgfn_text, translate)
{
    tt_run(translate_cases, AM_ARRAY_LEN(translate_cases));
}

static const tt_case_t repeat_cases[] = {
    {"repeat('ab', 3)", "am_repeat('ab', 3)", TT_TEXT, false},
    {"repeat('ab', 0)", "am_repeat('ab', 0)", TT_TEXT, false},
    {"repeat('ab', -2)", "am_repeat('ab', -2)", TT_TEXT, false},
    {"repeat('', 5)", "am_repeat('', 5)", TT_TEXT, false},
    {"repeat('é', 4)", "am_repeat('é', 4)", TT_TEXT, false},
    {"repeat(NULL::text, 2)", "am_repeat(NULL::text, 2)", TT_TEXT, false},
    {"repeat('a', NULL::int)", "am_repeat('a', NULL::int)", TT_TEXT, false},
    {"repeat('ab', 2000000000)", "am_repeat('ab', 2000000000)", TT_TEXT, false},
    {"repeat('abc', 400000000)", "am_repeat('abc', 400000000)", TT_TEXT, false},
    {"repeat('', 2147483647)", "am_repeat('', 2147483647)", TT_TEXT, false},
};

Test(pgfn_text, repeat)
{
    tt_run(repeat_cases, AM_ARRAY_LEN(repeat_cases));
}

static const tt_case_t split_cases[] = {
    {"split_part('a,b,c', ',', 2)", "am_split_part('a,b,c', ',', 2)", TT_TEXT, false},
    {"split_part('a,b,c', ',', 4)", "am_split_part('a,b,c', ',', 4)", TT_TEXT, false},
    {"split_part('a,b,c', ',', -1)", "am_split_part('a,b,c', ',', -1)", TT_TEXT, false},
    {"split_part('a,b,c', ',', -3)", "am_split_part('a,b,c', ',', -3)", TT_TEXT, false},
    {"split_part('a,b,c', ',', -4)", "am_split_part('a,b,c', ',', -4)", TT_TEXT, false},
    {"split_part('a,b,c', ',', 0)", "am_split_part('a,b,c', ',', 0)", TT_TEXT, false},
    {"split_part('', ',', 1)", "am_split_part('', ',', 1)", TT_TEXT, false},
    {"split_part('abc', '', 1)", "am_split_part('abc', '', 1)", TT_TEXT, false},
    {"split_part('abc', '', -1)", "am_split_part('abc', '', -1)", TT_TEXT, false},
    {"split_part('abc', '', 2)", "am_split_part('abc', '', 2)", TT_TEXT, false},
    {"split_part('abc', ',', 1)", "am_split_part('abc', ',', 1)", TT_TEXT, false},
    {"split_part('abc', ',', 2)", "am_split_part('abc', ',', 2)", TT_TEXT, false},
    {"split_part('abc', ',', -1)", "am_split_part('abc', ',', -1)", TT_TEXT, false},
    {"split_part('a~~b~~c', '~~', 3)", "am_split_part('a~~b~~c', '~~', 3)", TT_TEXT, false},
    {"split_part('a~~~b', '~~', 2)", "am_split_part('a~~~b', '~~', 2)", TT_TEXT, false},
    {"split_part(',a,', ',', 1)", "am_split_part(',a,', ',', 1)", TT_TEXT, false},
    {"split_part(',a,', ',', 3)", "am_split_part(',a,', ',', 3)", TT_TEXT, false},
    {"split_part('héllo wörld', 'ö', 1)", "am_split_part('héllo wörld', 'ö', 1)", TT_TEXT, false},
    {"split_part(NULL::text, ',', 1)", "am_split_part(NULL::text, ',', 1)", TT_TEXT, false},
    {"split_part('a,b', NULL::text, 1)", "am_split_part('a,b', NULL::text, 1)", TT_TEXT, false},
    {"split_part('a,b', ',', NULL::int)", "am_split_part('a,b', ',', NULL::int)", TT_TEXT, false},
    {"split_part('abc', '', 0)", "am_split_part('abc', '', 0)", TT_TEXT, false},
    {"split_part('', '', 0)", "am_split_part('', '', 0)", TT_TEXT, false},
};

Test(pgfn_text, split)
{
    tt_run(split_cases, AM_ARRAY_LEN(split_cases));
}

static const tt_case_t leftright_cases[] = {
    {"left('abcde', 2)", "am_left('abcde', 2)", TT_TEXT, false},
    {"left('abcde', -2)", "am_left('abcde', -2)", TT_TEXT, false},
    {"left('abcde', 0)", "am_left('abcde', 0)", TT_TEXT, false},
    {"left('abcde', 10)", "am_left('abcde', 10)", TT_TEXT, false},
    {"left('abcde', -10)", "am_left('abcde', -10)", TT_TEXT, false},
    {"left('héllo', 2)", "am_left('héllo', 2)", TT_TEXT, false},
    {"left('héllo', -1)", "am_left('héllo', -1)", TT_TEXT, false},
    {"left(NULL::text, 1)", "am_left(NULL::text, 1)", TT_TEXT, false},
    {"left('abc', NULL::int)", "am_left('abc', NULL::int)", TT_TEXT, false},
    {"left('', 3)", "am_left('', 3)", TT_TEXT, false},
    {"left('abc', -2147483648)", "am_left('abc', -2147483648)", TT_TEXT, false},
    {"right('abcde', 2)", "am_right('abcde', 2)", TT_TEXT, false},
    {"right('abcde', -2)", "am_right('abcde', -2)", TT_TEXT, false},
    {"right('abcde', 0)", "am_right('abcde', 0)", TT_TEXT, false},
    {"right('abcde', 10)", "am_right('abcde', 10)", TT_TEXT, false},
    {"right('abcde', -10)", "am_right('abcde', -10)", TT_TEXT, false},
    {"right('héllo', 4)", "am_right('héllo', 4)", TT_TEXT, false},
    {"right('héllo', -1)", "am_right('héllo', -1)", TT_TEXT, false},
    {"right(NULL::text, 1)", "am_right(NULL::text, 1)", TT_TEXT, false},
    {"right('', -3)", "am_right('', -3)", TT_TEXT, false},
    {"right('abc', -2147483648)", "am_right('abc', -2147483648)", TT_TEXT, false},
    {"right('abc', -2147483647)", "am_right('abc', -2147483647)", TT_TEXT, false},
};

Test(pgfn_text, leftright)
{
    tt_run(leftright_cases, AM_ARRAY_LEN(leftright_cases));
}

static const tt_case_t reverse_cases[] = {
    {"reverse('abc')", "am_reverse('abc')", TT_TEXT, false},
    {"reverse('')", "am_reverse('')", TT_TEXT, false},
    {"reverse('héllo')", "am_reverse('héllo')", TT_TEXT, false},
    {"reverse('a😀b')", "am_reverse('a😀b')", TT_TEXT, false},
    {"reverse(NULL::text)", "am_reverse(NULL::text)", TT_TEXT, false},
};

Test(pgfn_text, reverse)
{
    tt_run(reverse_cases, AM_ARRAY_LEN(reverse_cases));
}

static const tt_case_t strpos_cases[] = {
    {"strpos('hello', 'll')", "am_strpos('hello', 'll')", TT_TEXT, false},
    {"strpos('hello', '')", "am_strpos('hello', '')", TT_TEXT, false},
    {"strpos('hello', 'z')", "am_strpos('hello', 'z')", TT_TEXT, false},
    {"strpos('', '')", "am_strpos('', '')", TT_TEXT, false},
    {"strpos('', 'a')", "am_strpos('', 'a')", TT_TEXT, false},
    {"strpos('héllo', 'l')", "am_strpos('héllo', 'l')", TT_TEXT, false},
    {"strpos('ééé', 'é')", "am_strpos('ééé', 'é')", TT_TEXT, false},
    {"strpos('aaa', 'aa')", "am_strpos('aaa', 'aa')", TT_TEXT, false},
    {"strpos(NULL::text, 'a')", "am_strpos(NULL::text, 'a')", TT_TEXT, false},
    {"strpos('a', NULL::text)", "am_strpos('a', NULL::text)", TT_TEXT, false},
    {"strpos('a😀b😀', 'b')", "am_strpos('a😀b😀', 'b')", TT_TEXT, false},
};

Test(pgfn_text, strpos)
{
    tt_run(strpos_cases, AM_ARRAY_LEN(strpos_cases));
}

static const tt_case_t substr_cases[] = {
    {"substr('abcdef', 2)", "am_substr('abcdef', 2)", TT_TEXT, false},
    {"substr('abcdef', 2, 3)", "am_substr('abcdef', 2, 3)", TT_TEXT, false},
    {"substr('abcdef', 0)", "am_substr('abcdef', 0)", TT_TEXT, false},
    {"substr('abcdef', 0, 3)", "am_substr('abcdef', 0, 3)", TT_TEXT, false},
    {"substr('abcdef', -2, 4)", "am_substr('abcdef', -2, 4)", TT_TEXT, false},
    {"substr('abcdef', -5, 3)", "am_substr('abcdef', -5, 3)", TT_TEXT, false},
    {"substr('abcdef', 10)", "am_substr('abcdef', 10)", TT_TEXT, false},
    {"substr('abcdef', 3, 0)", "am_substr('abcdef', 3, 0)", TT_TEXT, false},
    {"substr('abcdef', 3, -1)", "am_substr('abcdef', 3, -1)", TT_TEXT, false},
    {"substr('abcdef', 3, 100)", "am_substr('abcdef', 3, 100)", TT_TEXT, false},
    {"substr('héllo', 2, 2)", "am_substr('héllo', 2, 2)", TT_TEXT, false},
    {"substr('héllo', -1)", "am_substr('héllo', -1)", TT_TEXT, false},
    {"substr('', 1, 1)", "am_substr('', 1, 1)", TT_TEXT, false},
    {"substr(NULL::text, 1)", "am_substr(NULL::text, 1)", TT_TEXT, false},
    {"substr('abc', NULL::int)", "am_substr('abc', NULL::int)", TT_TEXT, false},
    {"substr('abc', 1, NULL::int)", "am_substr('abc', 1, NULL::int)", TT_TEXT, false},
    {"substr('abcdef', 2147483647, 10)", "am_substr('abcdef', 2147483647, 10)", TT_TEXT, false},
    {"substr('abcdef', -2147483647, 2147483647)", "am_substr('abcdef', -2147483647, 2147483647)",
     TT_TEXT, false},
    {"substr('abc', 2, 2147483647)", "am_substr('abc', 2, 2147483647)", TT_TEXT, false},
};

Test(pgfn_text, substr)
{
    tt_run(substr_cases, AM_ARRAY_LEN(substr_cases));
}

static const tt_case_t overlay_cases[] = {
    {"overlay('Txxxxas', 'hom', 2, 4)", "am_overlay('Txxxxas', 'hom', 2, 4)", TT_TEXT, false},
    {"overlay('Txxxxas', 'hom', 2)", "am_overlay('Txxxxas', 'hom', 2)", TT_TEXT, false},
    {"overlay('abc', 'X', 1, 0)", "am_overlay('abc', 'X', 1, 0)", TT_TEXT, false},
    {"overlay('abc', 'X', 5)", "am_overlay('abc', 'X', 5)", TT_TEXT, false},
    {"overlay('abc', 'X', 0)", "am_overlay('abc', 'X', 0)", TT_TEXT, false},
    {"overlay('abc', 'X', -1, 2)", "am_overlay('abc', 'X', -1, 2)", TT_TEXT, false},
    {"overlay('abc', 'XY', 2, -1)", "am_overlay('abc', 'XY', 2, -1)", TT_TEXT, false},
    {"overlay('héllo', 'ü', 2, 1)", "am_overlay('héllo', 'ü', 2, 1)", TT_TEXT, false},
    {"overlay('abc', '', 2, 1)", "am_overlay('abc', '', 2, 1)", TT_TEXT, false},
    {"overlay(NULL::text, 'x', 1)", "am_overlay(NULL::text, 'x', 1)", TT_TEXT, false},
    {"overlay('abc', 'X', 2, 2147483647)", "am_overlay('abc', 'X', 2, 2147483647)", TT_TEXT, false},
    {"overlay('abc', 'X', 2147483647, 1)", "am_overlay('abc', 'X', 2147483647, 1)", TT_TEXT, false},
};

Test(pgfn_text, overlay)
{
    tt_run(overlay_cases, AM_ARRAY_LEN(overlay_cases));
}

static const tt_case_t replace_cases[] = {
    {"replace('abcabc', 'b', 'XY')", "am_replace('abcabc', 'b', 'XY')", TT_TEXT, false},
    {"replace('abcabc', '', 'X')", "am_replace('abcabc', '', 'X')", TT_TEXT, false},
    {"replace('abc', 'abc', '')", "am_replace('abc', 'abc', '')", TT_TEXT, false},
    {"replace('aaa', 'aa', 'b')", "am_replace('aaa', 'aa', 'b')", TT_TEXT, false},
    {"replace('', 'a', 'b')", "am_replace('', 'a', 'b')", TT_TEXT, false},
    {"replace('héllo', 'l', 'L')", "am_replace('héllo', 'l', 'L')", TT_TEXT, false},
    {"replace(NULL::text, 'a', 'b')", "am_replace(NULL::text, 'a', 'b')", TT_TEXT, false},
    {"replace('a', NULL::text, 'b')", "am_replace('a', NULL::text, 'b')", TT_TEXT, false},
    {"replace('a', 'a', NULL::text)", "am_replace('a', 'a', NULL::text)", TT_TEXT, false},
    {"replace('ababab', 'aba', 'X')", "am_replace('ababab', 'aba', 'X')", TT_TEXT, false},
};

Test(pgfn_text, replace)
{
    tt_run(replace_cases, AM_ARRAY_LEN(replace_cases));
}

static const tt_case_t initcap_cases[] = {
    {"initcap('hello world')", "am_initcap('hello world')", TT_TEXT, false},
    {"initcap('HELLO wORLD')", "am_initcap('HELLO wORLD')", TT_TEXT, false},
    {"initcap('hi-there_you 3am x1y')", "am_initcap('hi-there_you 3am x1y')", TT_TEXT, false},
    {"initcap('')", "am_initcap('')", TT_TEXT, false},
    {"initcap('a')", "am_initcap('a')", TT_TEXT, false},
    {"initcap('o''neil')", "am_initcap('o''neil')", TT_TEXT, false},
    {"initcap(NULL::text)", "am_initcap(NULL::text)", TT_TEXT, false},
    {"initcap('ABC123def')", "am_initcap('ABC123def')", TT_TEXT, false},
};

Test(pgfn_text, initcap)
{
    tt_run(initcap_cases, AM_ARRAY_LEN(initcap_cases));
}

static const tt_case_t initcap_refused_cases[] = {
    {"initcap('élan vital')", "am_initcap('élan vital')", TT_TEXT, true},
};

Test(pgfn_text, initcap_refused)
{
    tt_run(initcap_refused_cases, AM_ARRAY_LEN(initcap_refused_cases));
}

static const tt_case_t chr_ascii_cases[] = {
    {"chr(65)", "am_chr(65)", TT_TEXT, false},
    {"chr(233)", "am_chr(233)", TT_TEXT, false},
    {"chr(8364)", "am_chr(8364)", TT_TEXT, false},
    {"chr(128512)", "am_chr(128512)", TT_TEXT, false},
    {"chr(0)", "am_chr(0)", TT_TEXT, false},
    {"chr(-1)", "am_chr(-1)", TT_TEXT, false},
    {"chr(1114111)", "am_chr(1114111)", TT_TEXT, false},
    {"chr(1114112)", "am_chr(1114112)", TT_TEXT, false},
    {"chr(55296)", "am_chr(55296)", TT_TEXT, false},
    {"chr(57343)", "am_chr(57343)", TT_TEXT, false},
    {"chr(127)", "am_chr(127)", TT_TEXT, false},
    {"chr(128)", "am_chr(128)", TT_TEXT, false},
    {"chr(2147483647)", "am_chr(2147483647)", TT_TEXT, false},
    {"chr(NULL::int)", "am_chr(NULL::int)", TT_TEXT, false},
    {"ascii('A')", "am_ascii('A')", TT_TEXT, false},
    {"ascii('é')", "am_ascii('é')", TT_TEXT, false},
    {"ascii('€x')", "am_ascii('€x')", TT_TEXT, false},
    {"ascii('😀')", "am_ascii('😀')", TT_TEXT, false},
    {"ascii('')", "am_ascii('')", TT_TEXT, false},
    {"ascii(NULL::text)", "am_ascii(NULL::text)", TT_TEXT, false},
    {"ascii('abc')", "am_ascii('abc')", TT_TEXT, false},
};

Test(pgfn_text, chr_ascii)
{
    tt_run(chr_ascii_cases, AM_ARRAY_LEN(chr_ascii_cases));
}

static const tt_case_t to_hex_cases[] = {
    {"to_hex(255::bigint)", "am_to_hex(255::bigint)", TT_TEXT, false},
    {"to_hex(0::bigint)", "am_to_hex(0::bigint)", TT_TEXT, false},
    {"to_hex((-1)::bigint)", "am_to_hex((-1)::bigint)", TT_TEXT, false},
    {"to_hex(9223372036854775807::bigint)", "am_to_hex(9223372036854775807::bigint)", TT_TEXT,
     false},
    {"to_hex((-9223372036854775808)::bigint)", "am_to_hex((-9223372036854775808)::bigint)", TT_TEXT,
     false},
    {"to_hex(255)", "am_to_hex(255)", TT_TEXT, false},
    {"to_hex(-1)", "am_to_hex(-1)", TT_TEXT, false},
    {"to_hex((-2147483648)::int)", "am_to_hex((-2147483648)::int)", TT_TEXT, false},
    {"to_hex(2147483647)", "am_to_hex(2147483647)", TT_TEXT, false},
    {"to_hex((-1)::smallint::int)", "am_to_hex((-1)::smallint::int)", TT_TEXT, false},
    {"to_hex(NULL::bigint)", "am_to_hex(NULL::bigint)", TT_TEXT, false},
    {"to_hex(NULL::int)", "am_to_hex(NULL::int)", TT_TEXT, false},
};

Test(pgfn_text, to_hex)
{
    tt_run(to_hex_cases, AM_ARRAY_LEN(to_hex_cases));
}

static const tt_case_t md5_cases[] = {
    {"md5('')", "am_md5('')", TT_TEXT, false},
    {"md5('abc')", "am_md5('abc')", TT_TEXT, false},
    {"md5('héllo')", "am_md5('héllo')", TT_TEXT, false},
    {"md5(NULL::text)", "am_md5(NULL::text)", TT_TEXT, false},
    {"md5(decode('', 'hex'))", "am_md5_bytea(unhex(''))", TT_TEXT, false},
    {"md5(decode('00ff', 'hex'))", "am_md5_bytea(unhex('00ff'))", TT_TEXT, false},
    {"md5(NULL::bytea)", "am_md5_bytea(NULL::BLOB)", TT_TEXT, false},
};

Test(pgfn_text, md5)
{
    tt_run(md5_cases, AM_ARRAY_LEN(md5_cases));
}

static const tt_case_t sha_cases[] = {
    {"sha224(decode('', 'hex'))", "am_sha224(unhex(''))", TT_BLOB, false},
    {"sha224(decode('616263', 'hex'))", "am_sha224(unhex('616263'))", TT_BLOB, false},
    {"sha224(decode('00ff10', 'hex'))", "am_sha224(unhex('00ff10'))", TT_BLOB, false},
    {"sha224(NULL::bytea)", "am_sha224(NULL::BLOB)", TT_BLOB, false},
    {"sha256(decode('', 'hex'))", "am_sha256(unhex(''))", TT_BLOB, false},
    {"sha256(decode('616263', 'hex'))", "am_sha256(unhex('616263'))", TT_BLOB, false},
    {"sha256(decode('00ff10', 'hex'))", "am_sha256(unhex('00ff10'))", TT_BLOB, false},
    {"sha256(NULL::bytea)", "am_sha256(NULL::BLOB)", TT_BLOB, false},
    {"sha384(decode('', 'hex'))", "am_sha384(unhex(''))", TT_BLOB, false},
    {"sha384(decode('616263', 'hex'))", "am_sha384(unhex('616263'))", TT_BLOB, false},
    {"sha384(decode('00ff10', 'hex'))", "am_sha384(unhex('00ff10'))", TT_BLOB, false},
    {"sha384(NULL::bytea)", "am_sha384(NULL::BLOB)", TT_BLOB, false},
    {"sha512(decode('', 'hex'))", "am_sha512(unhex(''))", TT_BLOB, false},
    {"sha512(decode('616263', 'hex'))", "am_sha512(unhex('616263'))", TT_BLOB, false},
    {"sha512(decode('00ff10', 'hex'))", "am_sha512(unhex('00ff10'))", TT_BLOB, false},
    {"sha512(NULL::bytea)", "am_sha512(NULL::BLOB)", TT_BLOB, false},
};

Test(pgfn_text, sha)
{
    tt_run(sha_cases, AM_ARRAY_LEN(sha_cases));
}

static const tt_case_t encode_cases[] = {
    {"encode(decode('00ff10', 'hex'), 'hex')", "am_encode(unhex('00ff10'), 'hex')", TT_TEXT, false},
    {"encode(decode('', 'hex'), 'hex')", "am_encode(unhex(''), 'hex')", TT_TEXT, false},
    {"encode(decode('616263', 'hex'), 'base64')", "am_encode(unhex('616263'), 'base64')", TT_TEXT,
     false},
    {"encode('ab'::bytea, 'base64')", "am_encode('ab'::bytea, 'base64')", TT_TEXT, false},
    {"encode('a'::bytea, 'base64')", "am_encode('a'::bytea, 'base64')", TT_TEXT, false},
    {"encode(decode('', 'hex'), 'base64')", "am_encode(unhex(''), 'base64')", TT_TEXT, false},
    {"encode(decode(repeat('ab', 40), 'hex'), 'base64')",
     "am_encode(unhex(repeat('ab', 40)), 'base64')", TT_TEXT, false},
    {"encode(decode(repeat('cd', 57), 'hex'), 'base64')",
     "am_encode(unhex(repeat('cd', 57)), 'base64')", TT_TEXT, false},
    {"encode(decode(repeat('ef', 58), 'hex'), 'base64')",
     "am_encode(unhex(repeat('ef', 58)), 'base64')", TT_TEXT, false},
    {"encode(decode(repeat('12', 200), 'hex'), 'base64')",
     "am_encode(unhex(repeat('12', 200)), 'base64')", TT_TEXT, false},
    {"encode(decode('00015c27ff80', 'hex'), 'escape')",
     "am_encode(unhex('00015c27ff80'), 'escape')", TT_TEXT, false},
    {"encode(decode('6162635c646566', 'hex'), 'escape')",
     "am_encode(unhex('6162635c646566'), 'escape')", TT_TEXT, false},
    {"encode(decode('616263', 'hex'), 'HEX')", "am_encode(unhex('616263'), 'HEX')", TT_TEXT, false},
    {"encode(decode('616263', 'hex'), 'Base64')", "am_encode(unhex('616263'), 'Base64')", TT_TEXT,
     false},
    {"encode(decode('616263', 'hex'), 'nope')", "am_encode(unhex('616263'), 'nope')", TT_TEXT,
     false},
    {"encode(NULL::bytea, 'hex')", "am_encode(NULL::BLOB, 'hex')", TT_TEXT, false},
    {"encode(decode('616263', 'hex'), NULL::text)", "am_encode(unhex('616263'), NULL::text)",
     TT_TEXT, false},
};

Test(pgfn_text, encode)
{
    tt_run(encode_cases, AM_ARRAY_LEN(encode_cases));
}

static const tt_case_t decode_cases[] = {
    {"decode('00ff10', 'hex')", "am_decode('00ff10', 'hex')", TT_BLOB, false},
    {"decode('00 ff\n10', 'hex')", "am_decode('00 ff\n10', 'hex')", TT_BLOB, false},
    {"decode('0', 'hex')", "am_decode('0', 'hex')", TT_BLOB, false},
    {"decode('0g', 'hex')", "am_decode('0g', 'hex')", TT_BLOB, false},
    {"decode('zz', 'hex')", "am_decode('zz', 'hex')", TT_BLOB, false},
    {"decode('AbCd', 'hex')", "am_decode('AbCd', 'hex')", TT_BLOB, false},
    {"decode('', 'hex')", "am_decode('', 'hex')", TT_BLOB, false},
    {"decode('YWJj', 'base64')", "am_decode('YWJj', 'base64')", TT_BLOB, false},
    {"decode('YWI=', 'base64')", "am_decode('YWI=', 'base64')", TT_BLOB, false},
    {"decode('YQ==', 'base64')", "am_decode('YQ==', 'base64')", TT_BLOB, false},
    {"decode('YQ=', 'base64')", "am_decode('YQ=', 'base64')", TT_BLOB, false},
    {"decode('YQ', 'base64')", "am_decode('YQ', 'base64')", TT_BLOB, false},
    {"decode('Y', 'base64')", "am_decode('Y', 'base64')", TT_BLOB, false},
    {"decode('YW Jj\n', 'base64')", "am_decode('YW Jj\n', 'base64')", TT_BLOB, false},
    {"decode('Y===', 'base64')", "am_decode('Y===', 'base64')", TT_BLOB, false},
    {"decode('=YWJ', 'base64')", "am_decode('=YWJ', 'base64')", TT_BLOB, false},
    {"decode('YQ==YWJj', 'base64')", "am_decode('YQ==YWJj', 'base64')", TT_BLOB, false},
    {"decode('YW*j', 'base64')", "am_decode('YW*j', 'base64')", TT_BLOB, false},
    {"decode('YWJjé', 'base64')", "am_decode('YWJjé', 'base64')", TT_BLOB, false},
    {"decode('', 'base64')", "am_decode('', 'base64')", TT_BLOB, false},
    {"decode('abc', 'escape')", "am_decode('abc', 'escape')", TT_BLOB, false},
    {"decode('a\\\\b', 'escape')", "am_decode('a\\\\b', 'escape')", TT_BLOB, false},
    {"decode('a\\001b\\377', 'escape')", "am_decode('a\\001b\\377', 'escape')", TT_BLOB, false},
    {"decode('a\\b', 'escape')", "am_decode('a\\b', 'escape')", TT_BLOB, false},
    {"decode('a\\', 'escape')", "am_decode('a\\', 'escape')", TT_BLOB, false},
    {"decode('a\\400', 'escape')", "am_decode('a\\400', 'escape')", TT_BLOB, false},
    {"decode('x', 'nope')", "am_decode('x', 'nope')", TT_BLOB, false},
    {"decode(NULL::text, 'hex')", "am_decode(NULL::text, 'hex')", TT_BLOB, false},
    {"decode('ab==', 'base64')", "am_decode('ab==', 'base64')", TT_BLOB, false},
    {"decode('abc=', 'base64')", "am_decode('abc=', 'base64')", TT_BLOB, false},
    {"decode('ab=c', 'base64')", "am_decode('ab=c', 'base64')", TT_BLOB, false},
    {"decode('YQ== ', 'base64')", "am_decode('YQ== ', 'base64')", TT_BLOB, false},
    {"decode('YQ==\n', 'base64')", "am_decode('YQ==\n', 'base64')", TT_BLOB, false},
    {"decode('YQ==a', 'base64')", "am_decode('YQ==a', 'base64')", TT_BLOB, false},
};

Test(pgfn_text, decode)
{
    tt_run(decode_cases, AM_ARRAY_LEN(decode_cases));
}

static const tt_case_t quote_cases[] = {
    {"quote_ident('abc')", "am_quote_ident('abc')", TT_TEXT, false},
    {"quote_ident('Abc')", "am_quote_ident('Abc')", TT_TEXT, false},
    {"quote_ident('a b')", "am_quote_ident('a b')", TT_TEXT, false},
    {"quote_ident('a\"b')", "am_quote_ident('a\"b')", TT_TEXT, false},
    {"quote_ident('')", "am_quote_ident('')", TT_TEXT, false},
    {"quote_ident('select')", "am_quote_ident('select')", TT_TEXT, false},
    {"quote_ident('user')", "am_quote_ident('user')", TT_TEXT, false},
    {"quote_ident('name')", "am_quote_ident('name')", TT_TEXT, false},
    {"quote_ident('_x1')", "am_quote_ident('_x1')", TT_TEXT, false},
    {"quote_ident('1x')", "am_quote_ident('1x')", TT_TEXT, false},
    {"quote_ident('é')", "am_quote_ident('é')", TT_TEXT, false},
    {"quote_ident('x$')", "am_quote_ident('x$')", TT_TEXT, false},
    {"quote_ident('abs')", "am_quote_ident('abs')", TT_TEXT, false},
    {"quote_ident('between')", "am_quote_ident('between')", TT_TEXT, false},
    {"quote_ident('int')", "am_quote_ident('int')", TT_TEXT, false},
    {"quote_ident('left')", "am_quote_ident('left')", TT_TEXT, false},
    {"quote_ident('varchar')", "am_quote_ident('varchar')", TT_TEXT, false},
    {"quote_ident(NULL::text)", "am_quote_ident(NULL::text)", TT_TEXT, false},
    {"quote_ident('table')", "am_quote_ident('table')", TT_TEXT, false},
    {"quote_ident('current_user')", "am_quote_ident('current_user')", TT_TEXT, false},
    {"quote_ident('xmlattributes')", "am_quote_ident('xmlattributes')", TT_TEXT, false},
    {"quote_literal('abc')", "am_quote_literal('abc')", TT_TEXT, false},
    {"quote_literal('O''Reilly')", "am_quote_literal('O''Reilly')", TT_TEXT, false},
    {"quote_literal('a\\b')", "am_quote_literal('a\\b')", TT_TEXT, false},
    {"quote_literal('')", "am_quote_literal('')", TT_TEXT, false},
    {"quote_literal('é')", "am_quote_literal('é')", TT_TEXT, false},
    {"quote_literal(NULL::text)", "am_quote_literal(NULL::text)", TT_TEXT, false},
    {"quote_literal('\\')", "am_quote_literal('\\')", TT_TEXT, false},
    {"quote_literal('''\\''')", "am_quote_literal('''\\''')", TT_TEXT, false},
    {"quote_nullable('abc')", "am_quote_nullable('abc')", TT_TEXT, false},
    {"quote_nullable(NULL::text)", "am_quote_nullable(NULL::text)", TT_TEXT, false},
    {"quote_nullable('a\\b')", "am_quote_nullable('a\\b')", TT_TEXT, false},
    {"quote_nullable('x''y')", "am_quote_nullable('x''y')", TT_TEXT, false},
};

Test(pgfn_text, quote)
{
    tt_run(quote_cases, AM_ARRAY_LEN(quote_cases));
}

static const tt_case_t parse_ident_cases[] = {
    {"parse_ident('a.b.c')", "am_parse_ident('a.b.c')", TT_LIST, false},
    {"parse_ident('\"A\".b')", "am_parse_ident('\"A\".b')", TT_LIST, false},
    {"parse_ident('  Foo . \"Bar Baz\"  ')", "am_parse_ident('  Foo . \"Bar Baz\"  ')", TT_LIST,
     false},
    {"parse_ident('a')", "am_parse_ident('a')", TT_LIST, false},
    {"parse_ident('\"a\"\"b\"')", "am_parse_ident('\"a\"\"b\"')", TT_LIST, false},
    {"parse_ident('a.')", "am_parse_ident('a.')", TT_LIST, false},
    {"parse_ident('.a')", "am_parse_ident('.a')", TT_LIST, false},
    {"parse_ident('')", "am_parse_ident('')", TT_LIST, false},
    {"parse_ident('a..b')", "am_parse_ident('a..b')", TT_LIST, false},
    {"parse_ident('\"\"')", "am_parse_ident('\"\"')", TT_LIST, false},
    {"parse_ident('\"abc')", "am_parse_ident('\"abc')", TT_LIST, false},
    {"parse_ident('a b')", "am_parse_ident('a b')", TT_LIST, false},
    {"parse_ident('a b', false)", "am_parse_ident('a b', false)", TT_LIST, false},
    {"parse_ident('a.b c', false)", "am_parse_ident('a.b c', false)", TT_LIST, false},
    {"parse_ident('a.b.', false)", "am_parse_ident('a.b.', false)", TT_LIST, false},
    {"parse_ident('MyTable$1')", "am_parse_ident('MyTable$1')", TT_LIST, false},
    {"parse_ident('É.x')", "am_parse_ident('É.x')", TT_LIST, false},
    {"parse_ident('a,b')", "am_parse_ident('a,b')", TT_LIST, false},
    {"parse_ident('a,b', false)", "am_parse_ident('a,b', false)", TT_LIST, false},
    {"parse_ident('1a')", "am_parse_ident('1a')", TT_LIST, false},
    {"parse_ident(' ')", "am_parse_ident(' ')", TT_LIST, false},
    {"parse_ident(NULL::text)", "am_parse_ident(NULL::text)", TT_LIST, false},
    {"parse_ident('a', NULL::boolean)", "am_parse_ident('a', NULL::boolean)", TT_LIST, false},
    {"parse_ident('\"a\".\"b\"   .c', true)", "am_parse_ident('\"a\".\"b\"   .c', true)", TT_LIST,
     false},
    {"parse_ident('a\t.\nb')", "am_parse_ident('a\t.\nb')", TT_LIST, false},
};

Test(pgfn_text, parse_ident)
{
    tt_run(parse_ident_cases, AM_ARRAY_LEN(parse_ident_cases));
}

static const tt_case_t format_cases[] = {
    {"format('Hello %s', 'World')", "am_format('Hello %s', 'World')", TT_TEXT, false},
    {"format('%s %s %s', 'a', 'b', 'c')", "am_format('%s %s %s', 'a', 'b', 'c')", TT_TEXT, false},
    {"format('%I', 'Foo bar')", "am_format('%I', 'Foo bar')", TT_TEXT, false},
    {"format('%I', 'foo')", "am_format('%I', 'foo')", TT_TEXT, false},
    {"format('%I', 'select')", "am_format('%I', 'select')", TT_TEXT, false},
    {"format('%L', 'O''Reilly')", "am_format('%L', 'O''Reilly')", TT_TEXT, false},
    {"format('%L', 'a\\b')", "am_format('%L', 'a\\b')", TT_TEXT, false},
    {"format('%L', NULL::text)", "am_format('%L', NULL::text)", TT_TEXT, false},
    {"format('%s', NULL::text)", "am_format('%s', NULL::text)", TT_TEXT, false},
    {"format('%I', NULL::text)", "am_format('%I', NULL::text)", TT_TEXT, false},
    {"format('[%10s]', 'abc')", "am_format('[%10s]', 'abc')", TT_TEXT, false},
    {"format('[%-10s]', 'abc')", "am_format('[%-10s]', 'abc')", TT_TEXT, false},
    {"format('[%3s]', 'abcdef')", "am_format('[%3s]', 'abcdef')", TT_TEXT, false},
    {"format('[%*s]', 6, 'ab')", "am_format('[%*s]', '6', 'ab')", TT_TEXT, false},
    {"format('[%*s]', -6, 'ab')", "am_format('[%*s]', '-6', 'ab')", TT_TEXT, false},
    {"format('[%-*s]', 6, 'ab')", "am_format('[%-*s]', '6', 'ab')", TT_TEXT, false},
    {"format('[%1$*2$s]', 'ab', 5)", "am_format('[%1$*2$s]', 'ab', '5')", TT_TEXT, false},
    {"format('[%*2$s]', 'ab', 5)", "am_format('[%*2$s]', 'ab', '5')", TT_TEXT, false},
    {"format('%2$s %1$s', 'a', 'b')", "am_format('%2$s %1$s', 'a', 'b')", TT_TEXT, false},
    {"format('%1$s %1$s %s', 'a', 'b')", "am_format('%1$s %1$s %s', 'a', 'b')", TT_TEXT, false},
    {"format('%2$s %s', 'a', 'b', 'c')", "am_format('%2$s %s', 'a', 'b', 'c')", TT_TEXT, false},
    {"format('%%')", "am_format('%%')", TT_TEXT, false},
    {"format('100%% %s', 'x')", "am_format('100%% %s', 'x')", TT_TEXT, false},
    {"format('%s')", "am_format('%s')", TT_TEXT, false},
    {"format('%s %s', 'a')", "am_format('%s %s', 'a')", TT_TEXT, false},
    {"format('%3$s', 'a')", "am_format('%3$s', 'a')", TT_TEXT, false},
    {"format('%0$s', 'a')", "am_format('%0$s', 'a')", TT_TEXT, false},
    {"format('%x', 'a')", "am_format('%x', 'a')", TT_TEXT, false},
    {"format('%é', 'a')", "am_format('%é', 'a')", TT_TEXT, false},
    {"format('abc%')", "am_format('abc%')", TT_TEXT, false},
    {"format('%5')", "am_format('%5')", TT_TEXT, false},
    {"format('%1$', 'a')", "am_format('%1$', 'a')", TT_TEXT, false},
    {"format('%-', 'a')", "am_format('%-', 'a')", TT_TEXT, false},
    {"format('%*', 3)", "am_format('%*', '3')", TT_TEXT, false},
    {"format('%*3', 'a')", "am_format('%*3', 'a')", TT_TEXT, false},
    {"format('%*3s', 'a')", "am_format('%*3s', 'a')", TT_TEXT, false},
    {"format('%*0$s', 'a')", "am_format('%*0$s', 'a')", TT_TEXT, false},
    {"format('%99999999999s', 'a')", "am_format('%99999999999s', 'a')", TT_TEXT, false},
    {"format('[%*s]', NULL::text, 'ab')", "am_format('[%*s]', NULL::text, 'ab')", TT_TEXT, false},
    {"format('[%*s]', 'x', 'ab')", "am_format('[%*s]', 'x', 'ab')", TT_TEXT, false},
    {"format('[%*s]', ' 4 ', 'ab')", "am_format('[%*s]', ' 4 ', 'ab')", TT_TEXT, false},
    {"format('[%*s]', '99999999999', 'ab')", "am_format('[%*s]', '99999999999', 'ab')", TT_TEXT,
     false},
    {"format('[%*s]', '-2147483648', 'ab')", "am_format('[%*s]', '-2147483648', 'ab')", TT_TEXT,
     false},
    {"format('[%*s]', '2147483648x', 'ab')", "am_format('[%*s]', '2147483648x', 'ab')", TT_TEXT,
     false},
    {"format('[%*s]', '4x', 'ab')", "am_format('[%*s]', '4x', 'ab')", TT_TEXT, false},
    {"format('[%5L]', 'é')", "am_format('[%5L]', 'é')", TT_TEXT, false},
    {"format('[%-7I]', 'A')", "am_format('[%-7I]', 'A')", TT_TEXT, false},
    {"format('%s|%s', 42, 1.50::numeric)", "am_format('%s|%s', '42', '1.50')", TT_TEXT, false},
    {"format('%L', 42)", "am_format('%L', '42')", TT_TEXT, false},
    {"format('%s', true)", "am_format('%s', 't')", TT_TEXT, false},
    {"format('%s', ARRAY[1,2])", "am_format('%s', '{1,2}')", TT_TEXT, false},
    {"format('héllo %s wörld', 'ü')", "am_format('héllo %s wörld', 'ü')", TT_TEXT, false},
    {"format('%-5s|%5s|', 'ü', 'é')", "am_format('%-5s|%5s|', 'ü', 'é')", TT_TEXT, false},
    {"format(NULL::text, 'a')", "am_format(NULL::text, 'a')", TT_TEXT, false},
    {"format(NULL::text)", "am_format(NULL::text)", TT_TEXT, false},
    {"format('no args')", "am_format('no args')", TT_TEXT, false},
    {"format('%s%s%s%s%s%s%s%s%s%s%s%s|%12$s %1$s', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', "
     "'a7', 'a8', 'a9', 'a10', 'a11')",
     "am_format('%s%s%s%s%s%s%s%s%s%s%s%s|%12$s %1$s', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', "
     "'a7', 'a8', 'a9', 'a10', 'a11')",
     TT_TEXT, false},
    {"format('%s %s', 'x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9', 'x10', 'x11', "
     "'x12', 'x13', 'x14', 'x15', 'x16', 'x17', 'x18', 'x19')",
     "am_format('%s %s', 'x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9', 'x10', 'x11', "
     "'x12', 'x13', 'x14', 'x15', 'x16', 'x17', 'x18', 'x19')",
     TT_TEXT, false},
    {"format('%20$s', 'x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9', 'x10', 'x11', "
     "'x12', 'x13', 'x14', 'x15', 'x16', 'x17', 'x18', 'x19')",
     "am_format('%20$s', 'x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9', 'x10', 'x11', "
     "'x12', 'x13', 'x14', 'x15', 'x16', 'x17', 'x18', 'x19')",
     TT_TEXT, false},
    {"format('%--5s|', 'a')", "am_format('%--5s|', 'a')", TT_TEXT, false},
    {"format('%s %2$s', 'a', 'b')", "am_format('%s %2$s', 'a', 'b')", TT_TEXT, false},
    {"format('%1$s%', 'a')", "am_format('%1$s%', 'a')", TT_TEXT, false},
};

Test(pgfn_text, format)
{
    tt_run(format_cases, AM_ARRAY_LEN(format_cases));
}

static const tt_case_t string_to_array_cases[] = {
    {"string_to_array('a,b,c', ',')", "am_string_to_array('a,b,c', ',')", TT_LIST, false},
    {"string_to_array('a,,c', ',')", "am_string_to_array('a,,c', ',')", TT_LIST, false},
    {"string_to_array(',a,', ',')", "am_string_to_array(',a,', ',')", TT_LIST, false},
    {"string_to_array('', ',')", "am_string_to_array('', ',')", TT_LIST, false},
    {"string_to_array('abc', '')", "am_string_to_array('abc', '')", TT_LIST, false},
    {"string_to_array('abc', NULL)", "am_string_to_array('abc', NULL::text)", TT_LIST, false},
    {"string_to_array('', NULL)", "am_string_to_array('', NULL::text)", TT_LIST, false},
    {"string_to_array('a,b,c', ',', 'b')", "am_string_to_array('a,b,c', ',', 'b')", TT_LIST, false},
    {"string_to_array('a,,c', ',', '')", "am_string_to_array('a,,c', ',', '')", TT_LIST, false},
    {"string_to_array('x', 'x')", "am_string_to_array('x', 'x')", TT_LIST, false},
    {"string_to_array('a~~b~~', '~~')", "am_string_to_array('a~~b~~', '~~')", TT_LIST, false},
    {"string_to_array('héllo', NULL, 'l')", "am_string_to_array('héllo', NULL::text, 'l')", TT_LIST,
     false},
    {"string_to_array('a,b', NULL::text, 'a')", "am_string_to_array('a,b', NULL::text, 'a')",
     TT_LIST, false},
    {"string_to_array(NULL::text, ',')", "am_string_to_array(NULL::text, ',')", TT_LIST, false},
    {"string_to_array('a,b', ',', NULL::text)", "am_string_to_array('a,b', ',', NULL::text)",
     TT_LIST, false},
    {"string_to_array('abc', '', 'abc')", "am_string_to_array('abc', '', 'abc')", TT_LIST, false},
    {"string_to_array('a b', ' ')", "am_string_to_array('a b', ' ')", TT_LIST, false},
    {"string_to_array('aaa', 'aa')", "am_string_to_array('aaa', 'aa')", TT_LIST, false},
    {"string_to_array('x', '', NULL)", "am_string_to_array('x', '', NULL::text)", TT_LIST, false},
    {"string_to_array('é,ü', ',')", "am_string_to_array('é,ü', ',')", TT_LIST, false},
};

Test(pgfn_text, string_to_array)
{
    tt_run(string_to_array_cases, AM_ARRAY_LEN(string_to_array_cases));
}

static const tt_case_t array_to_string_cases[] = {
    {"array_to_string(ARRAY['a','b','c']::text[], ',')",
     "am_array_to_string(['a','b','c']::VARCHAR[], ',')", TT_TEXT, false},
    {"array_to_string(ARRAY['a',NULL,'c']::text[], ',')",
     "am_array_to_string(['a',NULL,'c']::VARCHAR[], ',')", TT_TEXT, false},
    {"array_to_string(ARRAY['a',NULL,'c']::text[], ',', '*')",
     "am_array_to_string(['a',NULL,'c']::VARCHAR[], ',', '*')", TT_TEXT, false},
    {"array_to_string(ARRAY[NULL,NULL]::text[], ',')",
     "am_array_to_string([NULL,NULL]::VARCHAR[], ',')", TT_TEXT, false},
    {"array_to_string(ARRAY[NULL,NULL]::text[], '-', '')",
     "am_array_to_string([NULL,NULL]::VARCHAR[], '-', '')", TT_TEXT, false},
    {"array_to_string(ARRAY[]::text[], ',')", "am_array_to_string([]::VARCHAR[], ',')", TT_TEXT,
     false},
    {"array_to_string(ARRAY['a']::text[], ',')", "am_array_to_string(['a']::VARCHAR[], ',')",
     TT_TEXT, false},
    {"array_to_string(ARRAY['é','ü']::text[], '--')",
     "am_array_to_string(['é','ü']::VARCHAR[], '--')", TT_TEXT, false},
    {"array_to_string(ARRAY['a','b']::text[], '')", "am_array_to_string(['a','b']::VARCHAR[], '')",
     TT_TEXT, false},
    {"array_to_string(ARRAY['a',NULL]::text[], NULL::text)",
     "am_array_to_string(['a',NULL]::VARCHAR[], NULL::text)", TT_TEXT, false},
    {"array_to_string(ARRAY['a',NULL]::text[], ',', NULL::text)",
     "am_array_to_string(['a',NULL]::VARCHAR[], ',', NULL::text)", TT_TEXT, false},
    {"array_to_string(ARRAY['','']::text[], ',')", "am_array_to_string(['','']::VARCHAR[], ',')",
     TT_TEXT, false},
    {"array_to_string(NULL::text[], ',')", "am_array_to_string(NULL::VARCHAR[], ',')", TT_TEXT,
     false},
};

Test(pgfn_text, array_to_string)
{
    tt_run(array_to_string_cases, AM_ARRAY_LEN(array_to_string_cases));
}

static const tt_case_t array_out_cases[] = {
    {"ARRAY['a','b']::text[]", "am_array_out(['a','b']::VARCHAR[], ',')", TT_TEXT, false},
    {"ARRAY['a b','c,d','e\"f','g\\h','NULL','null','',NULL,'plain']::text[]",
     "am_array_out(['a b','c,d','e\"f','g\\h','NULL','null','',NULL,'plain']::VARCHAR[], ',')",
     TT_TEXT, false},
    {"ARRAY['{x}']::text[]", "am_array_out(['{x}']::VARCHAR[], ',')", TT_TEXT, false},
    {"ARRAY[' lead']::text[]", "am_array_out([' lead']::VARCHAR[], ',')", TT_TEXT, false},
    {"ARRAY['tab\tx']::text[]", "am_array_out(['tab\tx']::VARCHAR[], ',')", TT_TEXT, false},
    {"ARRAY['é']::text[]", "am_array_out(['é']::VARCHAR[], ',')", TT_TEXT, false},
    {"ARRAY['Null ']::text[]", "am_array_out(['Null ']::VARCHAR[], ',')", TT_TEXT, false},
    {"ARRAY['nul']::text[]", "am_array_out(['nul']::VARCHAR[], ',')", TT_TEXT, false},
    {"ARRAY[NULL]::text[]", "am_array_out([NULL]::VARCHAR[], ',')", TT_TEXT, false},
    {"ARRAY['a;b']::text[]", "am_array_out(['a;b']::VARCHAR[], ',')", TT_TEXT, false},
    {"ARRAY[]::text[]", "am_array_out([]::VARCHAR[], ',')", TT_TEXT, false},
};

Test(pgfn_text, array_out)
{
    tt_run(array_out_cases, AM_ARRAY_LEN(array_out_cases));
}

static const tt_case_t array_in_cases[] = {
    {"'{a,b}'::text[]", "am_array_in('{a,b}')", TT_LIST, false},
    {"'{}'::text[]", "am_array_in('{}')", TT_LIST, false},
    {"'{ }'::text[]", "am_array_in('{ }')", TT_LIST, false},
    {"'{{}}'::text[]", "am_array_in('{{}}')", TT_LIST, false},
    {"' { a , b } '::text[]", "am_array_in(' { a , b } ')", TT_LIST, false},
    {"'{\"a b\", c}'::text[]", "am_array_in('{\"a b\", c}')", TT_LIST, false},
    {"'{NULL,null,\"NULL\",NuLl}'::text[]", "am_array_in('{NULL,null,\"NULL\",NuLl}')", TT_LIST,
     false},
    {"'{a\\,b}'::text[]", "am_array_in('{a\\,b}')", TT_LIST, false},
    {"'{\"a\\\"b\"}'::text[]", "am_array_in('{\"a\\\"b\"}')", TT_LIST, false},
    {"'{\\\\}'::text[]", "am_array_in('{\\\\}')", TT_LIST, false},
    {"'{a b  c}'::text[]", "am_array_in('{a b  c}')", TT_LIST, false},
    {"'{\"\"}'::text[]", "am_array_in('{\"\"}')", TT_LIST, false},
    {"'[1:2]={a,b}'::text[]", "am_array_in('[1:2]={a,b}')", TT_LIST, false},
    {"'[1:1]={a}'::text[]", "am_array_in('[1:1]={a}')", TT_LIST, false},
    {"'[1]={a}'::text[]", "am_array_in('[1]={a}')", TT_LIST, false},
    {"' [1:2] = {a,b}'::text[]", "am_array_in(' [1:2] = {a,b}')", TT_LIST, false},
    {"'{a,}'::text[]", "am_array_in('{a,}')", TT_LIST, false},
    {"'{,a}'::text[]", "am_array_in('{,a}')", TT_LIST, false},
    {"'{a'::text[]", "am_array_in('{a')", TT_LIST, false},
    {"'a}'::text[]", "am_array_in('a}')", TT_LIST, false},
    {"'{a}x'::text[]", "am_array_in('{a}x')", TT_LIST, false},
    {"'{a} '::text[]", "am_array_in('{a} ')", TT_LIST, false},
    {"''::text[]", "am_array_in('')", TT_LIST, false},
    {"'x'::text[]", "am_array_in('x')", TT_LIST, false},
    {"'{\"a}'::text[]", "am_array_in('{\"a}')", TT_LIST, false},
    {"'{a\"b\"}'::text[]", "am_array_in('{a\"b\"}')", TT_LIST, false},
    {"'{\"a\"b}'::text[]", "am_array_in('{\"a\"b}')", TT_LIST, false},
    {"'{{a},{b}}'::text[]", "am_array_in('{{a},{b}}')", TT_LIST, true},
    {"'{{a,b},{c}}'::text[]", "am_array_in('{{a,b},{c}}')", TT_LIST, false},
    {"'[0:1]={a,b}'::text[]", "am_array_in('[0:1]={a,b}')", TT_LIST, true},
    {"'[2:3]={a,b}'::text[]", "am_array_in('[2:3]={a,b}')", TT_LIST, true},
    {"'[1:3]={a,b}'::text[]", "am_array_in('[1:3]={a,b}')", TT_LIST, false},
    {"'[1:2]{a,b}'::text[]", "am_array_in('[1:2]{a,b}')", TT_LIST, false},
    {"'[1:2]=a'::text[]", "am_array_in('[1:2]=a')", TT_LIST, false},
    {"'[a]={x}'::text[]", "am_array_in('[a]={x}')", TT_LIST, false},
    {"'[1:]={x}'::text[]", "am_array_in('[1:]={x}')", TT_LIST, false},
    {"'[1=]{x}'::text[]", "am_array_in('[1=]{x}')", TT_LIST, false},
    {"'[2:1]={}'::text[]", "am_array_in('[2:1]={}')", TT_LIST, false},
    {"'[1:1]={}'::text[]", "am_array_in('[1:1]={}')", TT_LIST, false},
    {"'{a}}'::text[]", "am_array_in('{a}}')", TT_LIST, false},
    {"'{}}'::text[]", "am_array_in('{}}')", TT_LIST, false},
    {"'{{a}}'::text[]", "am_array_in('{{a}}')", TT_LIST, true},
    {"'{a,{b}}'::text[]", "am_array_in('{a,{b}}')", TT_LIST, false},
    {"'{\\'::text[]", "am_array_in('{\\')", TT_LIST, false},
    {"'{a\\'::text[]", "am_array_in('{a\\')", TT_LIST, false},
    {"'{ \"a\" , \"b\" }'::text[]", "am_array_in('{ \"a\" , \"b\" }')", TT_LIST, false},
    {"'{\"a\" \"b\"}'::text[]", "am_array_in('{\"a\" \"b\"}')", TT_LIST, false},
    {"'{a b,c  }'::text[]", "am_array_in('{a b,c  }')", TT_LIST, false},
    {"'{é,ü}'::text[]", "am_array_in('{é,ü}')", TT_LIST, false},
    {"'{,}'::text[]", "am_array_in('{,}')", TT_LIST, false},
    {"'{\"\",\"\"}'::text[]", "am_array_in('{\"\",\"\"}')", TT_LIST, false},
    {"'{\\NULL}'::text[]", "am_array_in('{\\NULL}')", TT_LIST, false},
    {"'[1:2][1:1]={{a},{b}}'::text[]", "am_array_in('[1:2][1:1]={{a},{b}}')", TT_LIST, true},
    {"'{{{{{{{a}}}}}}}'::text[]", "am_array_in('{{{{{{{a}}}}}}}')", TT_LIST, false},
    {"'{ {a} }'::text[]", "am_array_in('{ {a} }')", TT_LIST, true},
    {"'{a,b}  x'::text[]", "am_array_in('{a,b}  x')", TT_LIST, false},
    {"'{\"a\nb\"}'::text[]", "am_array_in('{\"a\nb\"}')", TT_LIST, false},
    {"'{a\tb}'::text[]", "am_array_in('{a\tb}')", TT_LIST, false},
    {"('{a,b}'::text[])[2]", "am_array_in('{a,b}')[2]", TT_TEXT, false},
    {"array_length('{a,b}'::text[], 1)", "len(am_array_in('{a,b}'))", TT_TEXT, false},
    {"('{ x y ,b}'::text[])[1]", "am_array_in('{ x y ,b}')[1]", TT_TEXT, false},
    {"array_length('{ x y ,b}'::text[], 1)", "len(am_array_in('{ x y ,b}'))", TT_TEXT, false},
    {"('{\"a\\\\b\",c}'::text[])[1]", "am_array_in('{\"a\\\\b\",c}')[1]", TT_TEXT, false},
    {"array_length('{\"a\\\\b\",c}'::text[], 1)", "len(am_array_in('{\"a\\\\b\",c}'))", TT_TEXT,
     false},
    {"('{NULL}'::text[])[1]", "am_array_in('{NULL}')[1]", TT_TEXT, false},
    {"array_length('{NULL}'::text[], 1)", "len(am_array_in('{NULL}'))", TT_TEXT, false},
    {"('{\"NULL\"}'::text[])[1]", "am_array_in('{\"NULL\"}')[1]", TT_TEXT, false},
    {"array_length('{\"NULL\"}'::text[], 1)", "len(am_array_in('{\"NULL\"}'))", TT_TEXT, false},
    {"('{\\ a\\ }'::text[])[1]", "am_array_in('{\\ a\\ }')[1]", TT_TEXT, false},
    {"array_length('{\\ a\\ }'::text[], 1)", "len(am_array_in('{\\ a\\ }'))", TT_TEXT, false},
};

Test(pgfn_text, array_in)
{
    tt_run(array_in_cases, AM_ARRAY_LEN(array_in_cases));
}
