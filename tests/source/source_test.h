/*
 * tests/source/source_test.h: helpers the source tests share (static inline: each test file
 * uses a different subset). Options point at the suite's PostgreSQL; names follow the test.
 */
#ifndef AM_SOURCE_TEST_H
#define AM_SOURCE_TEST_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/source.h"
#include "../support/testlib.h"

/* Options for database db, slot and publication named after it. */
static inline source_options_t srct_options(const char *db, const source_table_ref_t *tables,
                                            size_t n_tables)
{
    static char slot[128], pub[128];
    snprintf(slot, sizeof slot, "%s_slot", db);
    snprintf(pub, sizeof pub, "%s_pub", db);
    return (source_options_t){
        .host = amt_env("AM_TEST_PGHOST"),
        .port = atoi(amt_env("AM_TEST_PGPORT")),
        .user = amt_env("AM_TEST_PGUSER"),
        .password = amt_env("AM_TEST_PGPASSWORD"),
        .database = db,
        .slot = slot,
        .publication = pub,
        .tables = tables,
        .n_tables = n_tables,
    };
}

static inline source_t *srct_open(const source_options_t *opts)
{
    am_err_t err = {0};
    source_t *src = source_open(opts, &err);
    cr_assert(src != NULL, "source_open: %s %s", err.sqlstate, err.msg);
    return src;
}

/* Bytes of a hex string ("52 0000..." spaces allowed) into out; returns the length. */
static inline size_t srct_unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = hex; *p;) {
        if (*p == ' ' || *p == '\n') {
            p++;
            continue;
        }
        unsigned v;
        cr_assert(sscanf(p, "%2x", &v) == 1, "bad hex at %s", p);
        cr_assert(n < cap);
        out[n++] = (uint8_t)v;
        p += 2;
    }
    return n;
}

/* A value's bytes as a NUL-terminated string (static buffer, tests only). */
static inline const char *srct_str(const am_value_t *v)
{
    static char buf[8192];
    cr_assert(v->kind == AM_VALUE_PRESENT, "value is not present (kind %d)", v->kind);
    cr_assert(v->len < sizeof buf);
    memcpy(buf, v->s, v->len);
    buf[v->len] = '\0';
    return buf;
}

/* A value as comparable text: "N" NULL, "U" unchanged, else i:/f:(bits)/s:(hex). */
static inline void srct_repr(am_buf_t *out, const am_value_t *v, am_type_t t)
{
    if (v->kind != AM_VALUE_PRESENT) {
        am_buf_puts(out, v->kind == AM_VALUE_NULL ? "N|" : "U|");
        return;
    }
    if (t == AM_TYPE_FLOAT32 || t == AM_TYPE_FLOAT64) {
        uint64_t bits;
        memcpy(&bits, &v->f, sizeof bits);
        am_buf_printf(out, "f:%016llx|", (unsigned long long)bits);
    } else if (t == AM_TYPE_DECIMAL || t == AM_TYPE_STRING || t == AM_TYPE_BINARY ||
               t == AM_TYPE_UUID || t == AM_TYPE_LIST) {
        am_buf_puts(out, "s:");
        for (uint32_t i = 0; i < v->len; i++)
            am_buf_printf(out, "%02x", (unsigned char)v->s[i]);
        am_buf_putc(out, '|');
    } else {
        am_buf_printf(out, "i:%lld|", (long long)v->i);
    }
}

/* Each value, then a list's items (elements typed as the list's element). */
static inline void srct_row_repr(am_buf_t *out, const source_relation_t *rel,
                                 const am_value_t *vals)
{
    for (size_t i = 0; i < rel->n_cols; i++) {
        srct_repr(out, &vals[i], rel->cols[i].type.type);
        for (uint32_t k = 0; k < vals[i].n_items; k++)
            srct_repr(out, &vals[i].items[k], rel->cols[i].type.elem);
    }
}

/* Calls source_next until a change arrives (OTHER never does) or 20 s pass. */
static inline source_change_t srct_next(source_t *src)
{
    for (int i = 0; i < 200; i++) {
        source_change_t ch;
        bool got = false;
        am_err_t err = {0};
        cr_assert(source_next(src, 100, &ch, &got, &err), "source_next: %s %s", err.sqlstate,
                  err.msg);
        if (got)
            return ch;
    }
    cr_assert_fail("no change arrived within 20 s");
    return (source_change_t){0};
}

/* A copy sink that takes every table and row and keeps nothing (tests of the stream). */
static inline bool srct_ignore_rows(void *ud, const am_value_t *vals, am_err_t *err)
{
    (void)ud;
    (void)vals;
    (void)err;
    return true;
}

static inline bool srct_ignore_table(void *ud, const source_relation_t *rel, int64_t n,
                                     am_err_t *err)
{
    (void)ud;
    (void)rel;
    (void)n;
    (void)err;
    return true;
}

static inline const source_copy_sink_t *srct_ignore_sink(void)
{
    static const source_copy_sink_t sink = {
        .table_begin = srct_ignore_table, .row = srct_ignore_rows, .table_end = srct_ignore_table};
    return &sink;
}

/* ---- pgoutput message building ---- */

static inline void srct_put_str(am_buf_t *b, const char *s)
{
    am_buf_append(b, s, strlen(s) + 1);
}

/* 't' column: Int32 len + text. */
static inline void srct_put_text(am_buf_t *b, const char *s)
{
    am_buf_put_u8(b, 't');
    am_buf_put_u32(b, (uint32_t)strlen(s));
    am_buf_append(b, s, strlen(s));
}

/* Relation: columns as "name:oid" (a leading '*' marks identity), typmod -1. */
static inline void srct_msg_relation(am_buf_t *b, const uint32_t *xid, uint32_t relid,
                                     const char *nsp, const char *name, size_t n,
                                     const char *const *cols)
{
    am_buf_reset(b);
    am_buf_put_u8(b, 'R');
    if (xid)
        am_buf_put_u32(b, *xid);
    am_buf_put_u32(b, relid);
    srct_put_str(b, nsp);
    srct_put_str(b, name);
    am_buf_put_u8(b, 'd');
    am_buf_put_u16(b, (uint16_t)n);
    for (size_t i = 0; i < n; i++) {
        const char *c = cols[i];
        am_buf_put_u8(b, c[0] == '*' ? 1 : 0);
        if (c[0] == '*')
            c++;
        const char *colon = strchr(c, ':');
        am_buf_append(b, c, (size_t)(colon - c));
        am_buf_put_u8(b, 0);
        am_buf_put_u32(b, (uint32_t)strtoul(colon + 1, NULL, 10));
        am_buf_put_u32(b, 0xffffffffu);
    }
}

/* Insert with text columns; a NULL pointer is SQL NULL. */
static inline void srct_msg_insert(am_buf_t *b, const uint32_t *xid, uint32_t relid, size_t n,
                                   const char *const *vals)
{
    am_buf_reset(b);
    am_buf_put_u8(b, 'I');
    if (xid)
        am_buf_put_u32(b, *xid);
    am_buf_put_u32(b, relid);
    am_buf_put_u8(b, 'N');
    am_buf_put_u16(b, (uint16_t)n);
    for (size_t i = 0; i < n; i++) {
        if (vals[i])
            srct_put_text(b, vals[i]);
        else
            am_buf_put_u8(b, 'n');
    }
}

static inline void srct_msg_begin(am_buf_t *b, uint64_t final_lsn, int64_t ts, uint32_t xid)
{
    am_buf_reset(b);
    am_buf_put_u8(b, 'B');
    am_buf_put_u64(b, final_lsn);
    am_buf_put_u64(b, (uint64_t)ts);
    am_buf_put_u32(b, xid);
}

static inline void srct_msg_commit(am_buf_t *b, uint64_t commit_lsn, uint64_t end_lsn, int64_t ts)
{
    am_buf_reset(b);
    am_buf_put_u8(b, 'C');
    am_buf_put_u8(b, 0);
    am_buf_put_u64(b, commit_lsn);
    am_buf_put_u64(b, end_lsn);
    am_buf_put_u64(b, (uint64_t)ts);
}

static inline source_change_t srct_decode(source_decoder_t *dec, const am_buf_t *b)
{
    source_change_t ch;
    am_err_t err = {0};
    cr_assert(source_decoder_decode(dec, (const uint8_t *)b->data, b->len, &ch, &err),
              "decode 0x%02x: %s %s", (unsigned char)b->data[0], err.sqlstate, err.msg);
    return ch;
}

static inline am_err_t srct_decode_fails(source_decoder_t *dec, const am_buf_t *b)
{
    source_change_t ch;
    am_err_t err = {0};
    cr_assert_not(source_decoder_decode(dec, (const uint8_t *)b->data, b->len, &ch, &err),
                  "message 0x%02x decoded", (unsigned char)b->data[0]);
    return err;
}

#endif
