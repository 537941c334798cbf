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

#include "fuzz_args.h"
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

/* One argument of SQL type t; false for a type the harness does not know. */
static bool arg(fz_rd_t *r, const char *t, bool strict, pgfn_text_arg_t *a, pgfn_text_item_t *items)
{
    memset(a, 0, sizeof *a);
    if (!strict && r->n && r->p[0] == 255) {
        (void)fz_u8(r);
        a->null = true;
        return true;
    }
    if (!strcmp(t, "VARCHAR") || !strcmp(t, "BLOB")) {
        a->s = fz_str(r, fz_u8(r), t[0] == 'V', &a->len);
    } else if (!strcmp(t, "BIGINT") || !strcmp(t, "INTEGER") || !strcmp(t, "SMALLINT")) {
        a->int_bits = t[0] == 'B' ? 64 : t[0] == 'I' ? 32 : 16;
        a->i = fz_int(r, extremes, sizeof extremes / sizeof *extremes, a->int_bits);
    } else if (!strcmp(t, "BOOLEAN")) {
        a->b = fz_u8(r) & 1;
    } else if (!strcmp(t, "VARCHAR[]")) {
        a->n_items = fz_u8(r) % (MAX_ITEMS + 1);
        for (size_t i = 0; i < a->n_items; i++) {
            uint8_t len = fz_u8(r);
            items[i] = (pgfn_text_item_t){.null = len == 255};
            if (len != 255)
                items[i].s = fz_str(r, len, true, &items[i].len);
        }
        a->items = items;
    } else {
        return false;
    }
    return true;
}

FZ_DEFINE_PICK(pick, pgfn_text_fn_t, tables, fns)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const pgfn_text_fn_t *f = pick((unsigned)data[0] | (unsigned)data[1] << 8);
    fz_rd_t r = {data + 2, size - 2, malloc(size), 0};
    static pgfn_text_arg_t args[MAX_ARGS];
    static pgfn_text_item_t items[MAX_ARGS][MAX_ITEMS];
    size_t n = 0;
    bool known = r.strs != NULL;
    for (; known && n < PGFN_TEXT_MAX_ARGS && f->params[n]; n++)
        known = arg(&r, f->params[n], f->strict, &args[n], items[n]);
    size_t extra = f->varargs ? fz_u8(&r) % 7 : 0;
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
