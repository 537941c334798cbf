/*
 * tests/fuzz/fuzz_wire.c: the proxy's decoders of untrusted client bytes, no sockets.
 * Input: the startup packet body (after its Int32 length), then typed frontend messages
 * (Byte1 type, Int32 length counting itself, body) as a client sends them. Every message is
 * decoded by proxy/wire.c; Query and Parse text also goes through PostgreSQL's parser and the
 * SQL compiler; 'p' messages drive the SCRAM exchange. Nothing may crash or leak.
 */
#include "proxy/proxy_internal.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Query and Parse text: PostgreSQL's parser, then the compiler over every statement with a
 * session environment and no catalog; each compiles or fails with a SQLSTATE, never crashes. */
static void sql_text(const char *sql)
{
    proxy_sqlparse_t parse;
    am_err_t err = {0};
    int pos = 0;
    if (!proxy__sql_parse(sql, &parse, &pos, &err))
        return;
    proxy_sqlenv_t env = {.search_path = "\"$user\", public",
                          .user = "fuzz",
                          .database = "fuzz",
                          .timezone = "UTC",
                          .datestyle = "ISO, MDY",
                          .intervalstyle = "postgres",
                          .extra_float_digits = 1};
    for (size_t i = 0; i < parse.n_stmts; i++) {
        proxy_stmt_kind_t kind;
        memset(&err, 0, sizeof err);
        if (!proxy__stmt_kind(parse.stmts[i].node, &kind, &err) || kind != PROXY_STMT_QUERY)
            continue;
        proxy_sqlquery_t q;
        if (proxy__sql_compile(&env, parse.stmts[i].node, NULL, 0, &q, &err))
            proxy__sql_query_destroy(&q);
        else
            AM_ASSERT(err.sqlstate[0] != '\0');
    }
    proxy__sql_parse_destroy(&parse);
}

static const proxy_scram_secret_t *secret(void)
{
    static proxy_scram_secret_t sec;
    static bool ready;
    if (!ready) {
        proxy__scram_secret_init(&sec, "fuzz password");
        ready = true;
    }
    return &sec;
}

static void sasl(proxy_scram_t *sc, const uint8_t *body, size_t len, am_arena_t *arena)
{
    am_err_t err = {0};
    am_buf_t out;
    am_buf_init(&out);
    proxy_sasl_initial_t init;
    if (sc->state == 0 && proxy__sasl_initial_decode(body, len, &init, &err)) {
        if (!proxy__scram_first(sc, init.data, init.data_len, &out, &err))
            sc->state = 2;
    } else if (sc->state == 1) {
        uint8_t *copy = am_arena_memdup(arena, body, len);
        (void)!proxy__scram_final(sc, copy, len, &out, &err);
    }
    am_buf_destroy(&out);
}

static void message(char type, const uint8_t *body, size_t len, am_arena_t *arena,
                    proxy_scram_t *sc)
{
    am_err_t err = {0};
    const char *s1;
    char kind;
    uint32_t n;
    proxy_parse_msg_t pm;
    proxy_bind_msg_t bm;
    switch (type) {
    case 'Q':
        if (proxy__query_decode(body, len, &s1, &err))
            sql_text(s1);
        break;
    case 'P':
        if (proxy__parse_decode(body, len, arena, &pm, &err))
            sql_text(pm.sql);
        break;
    case 'B':
        (void)!proxy__bind_decode(body, len, arena, &bm, &err);
        break;
    case 'D':
    case 'C':
        (void)!proxy__target_decode(body, len, &kind, &s1, &err);
        break;
    case 'E':
        (void)!proxy__execute_decode(body, len, &s1, &n, &err);
        break;
    case 'p':
        sasl(sc, body, len, arena);
        break;
    default:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    am_reader_t r = am_reader_init(data, size);
    uint32_t startup_len = am_read_u32(&r);
    if (r.failed || startup_len < 4 || startup_len - 4 > am_reader_left(&r))
        return 0;
    const uint8_t *startup = am_read_bytes(&r, startup_len - 4);
    proxy_startup_t st;
    am_err_t err = {0};
    bool ok = proxy__startup_decode(startup, startup_len - 4, &st, &err);
    const char *user = ok ? proxy__startup_param(&st, "user") : NULL;
    proxy_scram_t sc;
    uint8_t doomed[32] = {0};
    proxy__scram_init(&sc, secret(), user && strcmp(user, "fuzz") == 0, user ? user : "", doomed);
    am_arena_t *arena = am_arena_new(4096);
    while (am_reader_left(&r) >= 5) {
        char type = (char)am_read_u8(&r);
        uint32_t len = am_read_u32(&r);
        if (len < 4 || len - 4 > am_reader_left(&r))
            break;
        /* a private copy: the decoders must not read past len */
        uint8_t *body = malloc(len - 4 + 1);
        memcpy(body, am_read_bytes(&r, len - 4), len - 4);
        message(type, body, len - 4, arena, &sc);
        free(body);
        am_arena_reset(arena);
    }
    am_arena_free(arena);
    proxy__scram_destroy(&sc);
    return 0;
}
