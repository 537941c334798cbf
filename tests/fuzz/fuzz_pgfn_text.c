/*
 * tests/fuzz/fuzz_pgfn_text.c: the text family's row functions (proxy/pgfn_text*.c and
 * pgfn_regex*.c: string functions, format(), encode()/decode(), LIKE and SIMILAR TO, array
 * text I/O, regular expressions through Tcl's engine), which any client's SQL reaches through
 * the am_* calls the compiler writes, called here directly on arbitrary arguments.
 * Input: u16 (little-endian) picks an overload from all the family's tables, in turn; then
 * its arguments by declared type, read from the rest:
 *   VARCHAR, BLOB  u8 length and that many bytes (a VARCHAR made valid UTF-8, as DuckDB's
 *                  are: a byte that starts no valid sequence becomes '?')
 *   BIGINT ...     u8: below 200 the value minus 100, else one of the extremes
 *   BOOLEAN        u8, odd is true
 *   VARCHAR[]      u8 count (at most 16) of VARCHARs, each NULL when its length byte is 255
 * A variadic function takes a u8 count (at most 6) of more arguments of its variadic type. A
 * function that is not strict gets NULL for an argument whose first byte is 255 (consumed).
 * Each call answers or fails with a SQLSTATE and a message; nothing may crash, overflow or
 * leak. Corpus: tests/fuzz/corpus/pgfn_text/ (make_seeds.py: a call of every overload with
 * arguments from the PostgreSQL-compared tests).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/pgfn_text_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS (PGFN_TEXT_MAX_ARGS + 6)
#define MAX_ITEMS 16

typedef struct table {
    const pgfn_text_fn_t *fns;
    const size_t *n;
} table_t;

static const table_t tables[] = {
    {proxy__pgfn_text_str_fns, &proxy__pgfn_text_str_n},
    {proxy__pgfn_text_fmt_fns, &proxy__pgfn_text_fmt_n},
    {proxy__pgfn_text_bin_fns, &proxy__pgfn_text_bin_n},
    {proxy__pgfn_text_like_fns, &proxy__pgfn_text_like_n},
    {proxy__pgfn_text_array_fns, &proxy__pgfn_text_array_n},
    {proxy__pgfn_regex_fns, &proxy__pgfn_regex_n},
    {proxy__pgfn_regex_similar_fns, &proxy__pgfn_regex_similar_n},
};

static const int64_t extremes[] = {
    INT64_MIN, INT64_MAX, INT32_MIN, INT32_MAX, (int64_t)INT32_MAX + 1,
    INT16_MIN, INT16_MAX, 1000,      65536,     1114111,
    1114112,   55296,     -1000,     1 << 20};

typedef struct rd {
    const uint8_t *p;
    size_t n;
    uint8_t *strs; /* every string read, in one block the size of the input */
    size_t used;
} rd_t;

static uint8_t u8(rd_t *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}

/* Bytes in a valid UTF-8 sequence starting at p (n available), or 0. */
static size_t utf8_seq(const uint8_t *p, size_t n)
{
    uint8_t c = p[0];
    if (c < 0x80)
        return 1;
    size_t len = c >= 0xc2 && c <= 0xdf   ? 2
                 : c >= 0xe0 && c <= 0xef ? 3
                 : c >= 0xf0 && c <= 0xf4 ? 4
                                          : 0;
    if (!len || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0) || (c == 0xf0 && p[1] < 0x90) ||
        (c == 0xf4 && p[1] >= 0x90))
        return 0; /* overlong, a surrogate, past U+10FFFF */
    return len;
}

/* A string of len bytes from the input, kept for the call. */
static const char *str(rd_t *r, size_t len, bool text, size_t *out_len)
{
    if (len > r->n)
        len = r->n;
    uint8_t *s = r->strs + r->used;
    memcpy(s, r->p, len);
    r->p += len;
    r->n -= len;
    r->used += len;
    for (size_t i = 0; text && i < len;) {
        size_t k = utf8_seq(s + i, len - i);
        if (!k) {
            s[i] = '?';
            k = 1;
        }
        i += k;
    }
    *out_len = len;
    return (const char *)s;
}

static int64_t integer(rd_t *r, int bits)
{
    uint8_t b = u8(r);
    int64_t v =
        b < 200 ? (int64_t)b - 100 : extremes[(b - 200) % (sizeof extremes / sizeof *extremes)];
    if (bits == 32 && (v < INT32_MIN || v > INT32_MAX))
        v = v < 0 ? INT32_MIN : INT32_MAX;
    if (bits == 16 && (v < INT16_MIN || v > INT16_MAX))
        v = v < 0 ? INT16_MIN : INT16_MAX;
    return v;
}

/* One argument of SQL type t; false for a type the harness does not know. */
static bool arg(rd_t *r, const char *t, bool strict, pgfn_text_arg_t *a, pgfn_text_item_t *items)
{
    memset(a, 0, sizeof *a);
    if (!strict && r->n && r->p[0] == 255) {
        (void)u8(r);
        a->null = true;
        return true;
    }
    if (!strcmp(t, "VARCHAR") || !strcmp(t, "BLOB")) {
        a->s = str(r, u8(r), t[0] == 'V', &a->len);
    } else if (!strcmp(t, "BIGINT") || !strcmp(t, "INTEGER") || !strcmp(t, "SMALLINT")) {
        a->int_bits = t[0] == 'B' ? 64 : t[0] == 'I' ? 32 : 16;
        a->i = integer(r, a->int_bits);
    } else if (!strcmp(t, "BOOLEAN")) {
        a->b = u8(r) & 1;
    } else if (!strcmp(t, "VARCHAR[]")) {
        a->n_items = u8(r) % (MAX_ITEMS + 1);
        for (size_t i = 0; i < a->n_items; i++) {
            uint8_t len = u8(r);
            items[i] = (pgfn_text_item_t){.null = len == 255};
            if (len != 255)
                items[i].s = str(r, len, true, &items[i].len);
        }
        a->items = items;
    } else {
        return false;
    }
    return true;
}

static const pgfn_text_fn_t *pick(unsigned k)
{
    size_t total = 0;
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
        total += *tables[i].n;
    k %= (unsigned)total;
    for (size_t i = 0;; i++) {
        if (k < *tables[i].n)
            return &tables[i].fns[k];
        k -= (unsigned)*tables[i].n;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const pgfn_text_fn_t *f = pick((unsigned)data[0] | (unsigned)data[1] << 8);
    rd_t r = {data + 2, size - 2, malloc(size), 0};
    static pgfn_text_arg_t args[MAX_ARGS];
    static pgfn_text_item_t items[MAX_ARGS][MAX_ITEMS];
    size_t n = 0;
    bool known = r.strs != NULL;
    for (; known && n < PGFN_TEXT_MAX_ARGS && f->params[n]; n++)
        known = arg(&r, f->params[n], f->strict, &args[n], items[n]);
    size_t extra = f->varargs ? u8(&r) % 7 : 0;
    for (size_t i = 0; known && i < extra; i++, n++)
        known = arg(&r, f->varargs, f->strict, &args[n], items[n]);
    if (known) {
        pgfn_text_res_t res;
        pgfn_text_res_init(&res);
        am_err_t err = {0};
        if (!f->fn(args, n, &res, &err))
            AM_ASSERT(err.sqlstate[0] != '\0' && err.msg[0] != '\0');
        pgfn_text_res_destroy(&res);
    }
    free(r.strs);
    return 0;
}
