/*
 * tests/fuzz/fuzz_copybin.c: binary COPY bytes -> source_copybin_header, then tuples ->
 * source_copybin_row, as the initial copy reads them.
 * Input: byte 0 = number of columns (mod 24), byte 1 = first column (the rest follow in turn
 * through COLS), then messages, each a u16 big-endian length and that many bytes; the first
 * message starts with the file header. Each message is copied into a buffer of exactly its
 * size, so ASan catches any read past it.
 * Corpus: tests/fuzz/corpus/copybin/ (COPY ... TO STDOUT (FORMAT binary) of PostgreSQL 15).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every kind the decoder knows by OID, and text ones (arrays, anything selected ::text). */
static const source_column_t COLS[] = {
    {.name = "b", .type_oid = 16, .type = {AM_TYPE_BOOL, 0, 0, 0}},
    {.name = "i2", .type_oid = 21, .type = {AM_TYPE_INT16, 0, 0, 0}},
    {.name = "i4", .type_oid = 23, .type = {AM_TYPE_INT32, 0, 0, 0}},
    {.name = "i8", .type_oid = 20, .type = {AM_TYPE_INT64, 0, 0, 0}},
    {.name = "f4", .type_oid = 700, .type = {AM_TYPE_FLOAT32, 0, 0, 0}},
    {.name = "f8", .type_oid = 701, .type = {AM_TYPE_FLOAT64, 0, 0, 0}},
    {.name = "d", .type_oid = 1082, .type = {AM_TYPE_DATE, 0, 0, 0}},
    {.name = "t", .type_oid = 1083, .type = {AM_TYPE_TIME, 0, 0, 0}},
    {.name = "ts", .type_oid = 1114, .type = {AM_TYPE_TIMESTAMP, 0, 0, 0}},
    {.name = "tz", .type_oid = 1184, .type = {AM_TYPE_TIMESTAMPTZ, 0, 0, 0}},
    {.name = "by", .type_oid = 17, .type = {AM_TYPE_BINARY, 0, 0, 0}},
    {.name = "tx", .type_oid = 25, .type = {AM_TYPE_STRING, 0, 0, 0}},
    {.name = "n", .type_oid = 1700, .type = {AM_TYPE_DECIMAL, 12, 2, 0}},
    {.name = "nu", .type_oid = 1700, .type = {AM_TYPE_STRING, 0, 0, 0}},
    {.name = "u", .type_oid = 2950, .type = {AM_TYPE_UUID, 0, 0, 0}},
    {.name = "ai",
     .type_oid = 1007,
     .type = {AM_TYPE_LIST, 0, 0, AM_TYPE_INT32},
     .elem_delim = ','},
    {.name = "iv", .type_oid = 1186, .type = {AM_TYPE_STRING, 0, 0, 0}},
    {.name = "big", .type_oid = 1700, .type = {AM_TYPE_DECIMAL, 38, 10, 0}},
};

static bool expected_failure(const char *sqlstate)
{
    const char *ok[] = {"08P01", "22P02", "22003", "22008", "0A000", "54000"};
    for (size_t i = 0; i < AM_ARRAY_LEN(ok); i++)
        if (strcmp(sqlstate, ok[i]) == 0)
            return true;
    return false;
}

static volatile uint64_t sink_sum;

static void touch(const am_value_t *v)
{
    sink_sum += (uint64_t)v->i + v->len + (v->s && v->len ? (uint8_t)v->s[v->len - 1] : 0);
    for (uint32_t k = 0; k < v->n_items; k++)
        touch(&v->items[k]);
}

/* One message; false once the stream is over (trailer or error). */
static bool one(const uint8_t *msg, size_t len, bool *header, const source_column_t *cols, size_t n,
                am_arena_t *arena, am_value_t *vals)
{
    am_err_t err = {0};
    size_t used = 0;
    if (!*header) {
        if (!source_copybin_header(msg, len, &used, &err)) {
            AM_ASSERT(strcmp(err.sqlstate, "08P01") == 0);
            return false;
        }
        *header = true;
    }
    bool end = false;
    am_arena_reset(arena);
    if (!source_copybin_row(cols, n, msg + used, len - used, arena, vals, &end, &err)) {
        AM_ASSERT(expected_failure(err.sqlstate));
        return false;
    }
    for (size_t i = 0; i < n && !end; i++)
        touch(&vals[i]);
    return !end;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t n = data[0] % 24;
    source_column_t *cols = calloc(n ? n : 1, sizeof *cols);
    for (size_t i = 0; i < n; i++)
        cols[i] = COLS[(data[1] + i) % AM_ARRAY_LEN(COLS)];
    am_value_t *vals = calloc(n ? n : 1, sizeof *vals);
    am_arena_t *arena = am_arena_new(4096);
    bool header = false;
    for (size_t pos = 2; pos + 2 <= size;) {
        size_t len = ((size_t)data[pos] << 8) | data[pos + 1];
        pos += 2;
        if (len > size - pos)
            len = size - pos;
        uint8_t *msg = malloc(len ? len : 1);
        memcpy(msg, data + pos, len);
        pos += len;
        bool more = one(msg, len, &header, cols, n, arena, vals);
        free(msg);
        if (!more)
            break;
    }
    am_arena_free(arena);
    free(vals);
    free(cols);
    return 0;
}
