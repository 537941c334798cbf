/*
 * tests/fuzz/fuzz_copytext.c: one COPY TEXT line -> source_copytext_split, then each field ->
 * source_column_parse (arrays included), as the initial copy does.
 * Input: byte 0 = number of fields (mod 64), byte 1 = first column type (the rest follow in
 * turn), then the line. The scratch buffer is exactly as long as the line, as the contract
 * allows, so ASan catches any write past it.
 * Corpus: tests/fuzz/corpus/copytext/ (lines PostgreSQL 15's COPY TO printed).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every column type the source parses, lists with both delimiters (',' and box's ';'). */
static const source_column_t COLS[] = {
    {.type = {AM_TYPE_INT32, 0, 0, 0}},
    {.type = {AM_TYPE_STRING, 0, 0, 0}},
    {.type = {AM_TYPE_BOOL, 0, 0, 0}},
    {.type = {AM_TYPE_INT16, 0, 0, 0}},
    {.type = {AM_TYPE_INT64, 0, 0, 0}},
    {.type = {AM_TYPE_FLOAT32, 0, 0, 0}},
    {.type = {AM_TYPE_FLOAT64, 0, 0, 0}},
    {.type = {AM_TYPE_DECIMAL, 10, 2, 0}},
    {.type = {AM_TYPE_BINARY, 0, 0, 0}},
    {.type = {AM_TYPE_DATE, 0, 0, 0}},
    {.type = {AM_TYPE_TIME, 0, 0, 0}},
    {.type = {AM_TYPE_TIMESTAMP, 0, 0, 0}},
    {.type = {AM_TYPE_TIMESTAMPTZ, 0, 0, 0}},
    {.type = {AM_TYPE_UUID, 0, 0, 0}},
    {.type = {AM_TYPE_LIST, 0, 0, AM_TYPE_INT32}, .elem_delim = ','},
    {.type = {AM_TYPE_LIST, 0, 0, AM_TYPE_STRING}, .elem_delim = ','},
    {.type = {AM_TYPE_LIST, 8, 2, AM_TYPE_DECIMAL}, .elem_delim = ','},
    {.type = {AM_TYPE_LIST, 0, 0, AM_TYPE_TIMESTAMPTZ}, .elem_delim = ','},
    {.type = {AM_TYPE_LIST, 0, 0, AM_TYPE_BINARY}, .elem_delim = ','},
    {.type = {AM_TYPE_LIST, 0, 0, AM_TYPE_STRING}, .elem_delim = ';'},
};

/* What a value PostgreSQL printed may fail with: bad text, no decimal for NaN, past the
 * timestamp range, an array shape the lake cannot hold, too long. */
static bool expected_failure(const char *sqlstate)
{
    const char *ok[] = {"22P02", "22003", "22008", "0A000", "54000"};
    for (size_t i = 0; i < AM_ARRAY_LEN(ok); i++)
        if (strcmp(sqlstate, ok[i]) == 0)
            return true;
    return false;
}

/* Reads every item of a list so ASan sees each pointer the parser handed out. */
static uint64_t touch(const am_value_t *v)
{
    uint64_t sum = (uint64_t)v->i + v->len + (v->s && v->len ? (uint8_t)v->s[v->len - 1] : 0);
    for (uint32_t k = 0; k < v->n_items; k++)
        sum += touch(&v->items[k]);
    return sum;
}

static volatile uint64_t sink_sum;

static bool inside(const char *p, size_t len, const char *base, size_t base_len)
{
    return p >= base && p + len <= base + base_len;
}

static void parse_fields(const source_copy_field_t *f, size_t n, unsigned type0, const char *line,
                         size_t len, const char *scratch)
{
    am_arena_t *arena = am_arena_new(4096);
    for (size_t i = 0; i < n; i++) {
        if (!f[i].p)
            continue;
        AM_ASSERT(inside(f[i].p, f[i].len, line, len) || inside(f[i].p, f[i].len, scratch, len));
        am_value_t v;
        am_err_t err = {0};
        const source_column_t *col = &COLS[(type0 + i) % AM_ARRAY_LEN(COLS)];
        if (source_column_parse(col, f[i].p, f[i].len, arena, &v, &err))
            sink_sum += touch(&v);
        else
            AM_ASSERT(expected_failure(err.sqlstate));
    }
    am_arena_free(arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t n_fields = data[0] % 64;
    unsigned type0 = data[1];
    size_t len = size - 2;
    char *line = malloc(len ? len : 1);
    char *scratch = malloc(len ? len : 1);
    source_copy_field_t *fields = malloc((n_fields ? n_fields : 1) * sizeof *fields);
    if (len)
        memcpy(line, data + 2, len);
    am_err_t err = {0};
    if (source_copytext_split(line, len, scratch, fields, n_fields, &err))
        parse_fields(fields, n_fields, type0, line, len, scratch);
    else
        AM_ASSERT(strcmp(err.sqlstate, "22P04") == 0);
    free(fields);
    free(scratch);
    free(line);
    return 0;
}
