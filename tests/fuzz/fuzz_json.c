/*
 * tests/fuzz/fuzz_json.c: client text -> proxy__json_parse (json, unescaped json, jsonb), then
 * what the am_json* functions do with a parsed value: jsonb text, jsonb_pretty, comparison,
 * containment, lookups, edits.
 * Input: byte 0 picks the mode (mod 3: json, json with unescaping, jsonb), the rest is the text.
 * Invariants: an error is one of PostgreSQL's (22P02, 22P05, 22003, 54001); jsonb text parses
 * back to itself; a value equals and contains itself.
 * Corpus: tests/fuzz/corpus/json/ (documents of the PostgreSQL-compared tests).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/pgfn_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool known_error(const proxy_json_err_t *e)
{
    return strcmp(e->sqlstate, "22P02") == 0 || strcmp(e->sqlstate, "22P05") == 0 ||
           strcmp(e->sqlstate, "22003") == 0 || strcmp(e->sqlstate, "54001") == 0;
}

/* jsonb text of v parses back to the same text, and v sorts equal to and contains itself. */
static void check_jsonb(const proxy_json_t *v, am_arena_t *a)
{
    am_buf_t t, u;
    am_buf_init(&t);
    am_buf_init(&u);
    proxy__jsonb_encode(&t, v);
    proxy_json_err_t err = {0};
    proxy_json_t *w = proxy__json_parse(t.data, t.len, PROXY_JSON_JSONB, a, &err);
    AM_ASSERT(w != NULL);
    proxy__jsonb_encode(&u, w);
    AM_ASSERT(t.len == u.len && memcmp(t.data, u.data, t.len) == 0);
    AM_ASSERT(proxy__jsonb_cmp(v, w) == 0 && proxy__jsonb_contains(v, w));
    am_buf_reset(&u);
    proxy__jsonb_pretty(&u, v);
    static const proxy_json_str_t path[] = {{"a", 1}, {"0", 1}, {"-1", 2}};
    const proxy_json_t *s = NULL;
    if (v->kind == PROXY_JSON_ARRAY || v->kind == PROXY_JSON_OBJECT)
        s = proxy__jsonb_set_path(a, v, path, 3, v, PROXY_JSONB_CREATE, &err);
    if (s)
        proxy__jsonb_encode(&u, proxy__jsonb_concat(a, s, proxy__jsonb_strip_nulls(a, v)));
    (void)proxy__jsonb_get_path(v, path, 2, a);
    am_buf_destroy(&t);
    am_buf_destroy(&u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const unsigned modes[] = {0, PROXY_JSON_ESCAPES, PROXY_JSON_JSONB};
    unsigned flags = modes[data[0] % 3];
    char *text = malloc(size); /* exactly the text: ASan sees any read past it */
    memcpy(text, data + 1, size - 1);
    am_arena_t *a = am_arena_new(4096);
    proxy_json_err_t err = {0};
    proxy_json_t *v = proxy__json_parse(text, size - 1, flags, a, &err);
    if (!v) {
        AM_ASSERT(known_error(&err) && err.msg);
    } else if (flags & PROXY_JSON_JSONB) {
        check_jsonb(v, a);
    } else {
        static const proxy_json_str_t names[] = {{"a", 1}, {"b", 1}};
        int idx[] = {0, -1};
        proxy_json_str_t r = proxy__json_get(v, text, names, idx, 2, true, a);
        AM_ASSERT(!r.p || r.len <= size);
    }
    am_arena_free(a);
    free(text);
    return 0;
}
