/*
 * tests/fuzz/fuzz_startup.c: the proxy's startup and authentication path as the server runs it
 * (proxy/conn.c, wire.c, scram.c, auth.c, tls.c, session.c's startup parameters and options),
 * through a real proxy on a Unix socket (fuzz_client.h). The input is a client's script, one
 * step after another; lengths the step implies are filled in, so mutations explore contents:
 *
 *   op & 7 = 0 startup   u16 n | n bytes: a startup packet body (Int32 code, name\0value\0...,
 *                        \0), sent with its Int32 length: StartupMessage, SSLRequest,
 *                        GSSENCRequest, CancelRequest, other versions
 *            1 message   u8 type | u16 n | n bytes: a typed message (PasswordMessage, ...)
 *            2 raw       u16 n | n bytes, sent as they are (framing of any kind)
 *            3 tls       after an SSLRequest or GSSENCRequest, read the answer byte; on 'S'
 *                        the TLS handshake
 *            4 first     u16 n | mechanism \0 client-first-message: SASLInitialResponse, then
 *                        the server's answer is read (its nonce and salt kept)
 *            5 final     u8 mode | u16 n | n bytes: SASLResponse. mode & 1: the client-final
 *                        built from the server's nonce, n bytes of extra attributes inserted
 *                        before the proof; mode & 2: with the tls-server-end-point binding data;
 *                        mode & 4: a wrong proof; mode & 1 clear: the n bytes as they are.
 *                        Then the answer is read up to ReadyForQuery or an error
 *            6, 7 end
 * The proxy's one user is "fuzz" / "fuzz pw", its database "fuzz", TLS mode allow with a
 * generated certificate. A read during the script gives up after 300 ms of silence (the
 * server may be waiting for bytes the script framed otherwise); at the end a logged-in client
 * says Terminate, then the client hangs up and reads everything up to the server's close.
 * Nothing may crash, leak or hang; every refusal is a FATAL with a SQLSTATE.
 */
#include "fuzz_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct script {
    am_reader_t r;
    fz_conn_t c;
    fz_scram_t sc;
    bool ready;       /* ReadyForQuery seen: a session is open */
    bool asked_crypt; /* the last step sent an SSLRequest or GSSENCRequest */
} script_t;

/* n bytes of the script, fewer at its end. */
static const uint8_t *take(script_t *s, size_t *n)
{
    size_t want = am_read_u16(&s->r);
    size_t left = am_reader_left(&s->r);
    *n = want < left ? want : left;
    return am_read_bytes(&s->r, *n);
}

static void op_first(script_t *s)
{
    size_t n = 0;
    const uint8_t *p = take(s, &n);
    const uint8_t *nul = p ? memchr(p, '\0', n) : NULL;
    char *mech = am_xstrndup(p ? (const char *)p : "", nul ? (size_t)(nul - p) : n);
    size_t off = nul ? (size_t)(nul - p) + 1 : n;
    fz_send_sasl_first(&s->c, &s->sc, mech, p ? (const char *)p + off : "", n - off);
    free(mech);
}

static void op_final(script_t *s)
{
    uint8_t mode = am_read_u8(&s->r);
    size_t n = 0;
    const uint8_t *p = take(s, &n);
    am_buf_t final, msg;
    am_buf_init(&final);
    am_buf_init(&msg);
    if (!(mode & 1))
        am_buf_append(&final, p ? p : (const uint8_t *)"", n);
    else if (!fz_scram_final(&s->sc, mode & 2, p ? p : (const uint8_t *)"", n, mode & 4, &final))
        am_buf_puts(&final, "c=biws,r=none,p=none");
    fz_put_msg(&msg, 'p', final.data, final.len);
    fz_send(&s->c, msg.data, msg.len);
    s->ready = fz_await_ready(&s->c) || s->ready;
    am_buf_destroy(&final);
    am_buf_destroy(&msg);
}

static void op_message(script_t *s)
{
    char type = (char)am_read_u8(&s->r);
    size_t n = 0;
    const uint8_t *p = take(s, &n);
    am_buf_t msg;
    am_buf_init(&msg);
    fz_put_msg(&msg, type, p ? p : (const uint8_t *)"", n);
    fz_send(&s->c, msg.data, msg.len);
    am_buf_destroy(&msg);
}

/* One step; false at the end of the script. */
static bool step(script_t *s)
{
    size_t n = 0;
    const uint8_t *p;
    uint8_t op = am_read_u8(&s->r);
    bool asked = s->asked_crypt;
    s->asked_crypt = false;
    if (s->r.failed || s->c.dead)
        return false;
    switch (op & 7) {
    case 0:
        p = take(s, &n);
        fz_send_startup(&s->c, p ? p : (const uint8_t *)"", n);
        s->asked_crypt = n == 4 && (memcmp(p, "\x04\xd2\x16\x2f", 4) == 0 ||
                                    memcmp(p, "\x04\xd2\x16\x30", 4) == 0);
        return true;
    case 1:
        op_message(s);
        return true;
    case 2:
        p = take(s, &n);
        fz_send(&s->c, p ? p : (const uint8_t *)"", n);
        return true;
    case 3:
        if (asked && fz_recv_byte(&s->c) == 'S')
            (void)fz_tls_connect(&s->c);
        return true;
    case 4:
        op_first(s);
        return true;
    case 5:
        op_final(s);
        return true;
    default:
        return false;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FZ_MAX_SEND)
        return 0;
    fz_start(true);
    script_t s;
    memset(&s, 0, sizeof s);
    s.r = am_reader_init(data, size);
    fz_connect(&s.c);
    fz_scram_init(&s.sc);
    s.c.wait_ms = 300;
    while (step(&s)) {
    }
    if (s.ready)
        fz_send(&s.c, "X\0\0\0\4", 5);
    if (s.c.ssl)
        (void)SSL_shutdown(s.c.ssl);
    shutdown(s.c.fd, SHUT_WR);
    s.c.wait_ms = 0;
    fz_drain(&s.c);
    fz_scram_destroy(&s.sc);
    fz_close(&s.c);
    return 0;
}
