/*
 * tests/fuzz/fuzz_extended.c: the extended query protocol as a session runs it (proxy/conn.c's
 * message loop, extended.c, prepare.c, portal.c, query.c, params.c, exec.c, types.c, the SQL
 * compiler and DuckDB), through a real proxy on a Unix socket (fuzz_client.h) with no tables:
 * the catalogs, VALUES, functions and parameters are what there is to run.
 * Each input logs in properly as "fuzz" and then sends its messages in one go, pipelined as
 * drivers do, followed by Terminate; the server's answers are read to the end:
 *
 *   message = u8 type | u16 n | n bytes of body   (the Int32 length is filled in)
 *
 * Types are the protocol's own: 'P' Parse, 'B' Bind (parameter formats and values, result
 * formats), 'D' Describe, 'E' Execute (row limits, PortalSuspended), 'C' Close, 'S' Sync,
 * 'H' Flush, 'Q' Query, and anything else a client could send. At most 64 kB per input.
 * Nothing may crash, leak or hang; every statement answers rows, a tag or an error.
 */
#include "fuzz_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FZ_MAX_SEND)
        return 0;
    fz_start(false);
    am_reader_t r = am_reader_init(data, size);
    am_buf_t out;
    am_buf_init(&out);
    while (am_reader_left(&r) >= 3 && out.len < FZ_MAX_SEND) {
        char type = (char)am_read_u8(&r);
        size_t n = am_read_u16(&r);
        size_t left = am_reader_left(&r);
        n = n < left ? n : left;
        const uint8_t *body = am_read_bytes(&r, n);
        fz_put_msg(&out, type, body ? body : (const uint8_t *)"", n);
    }
    fz_put_msg(&out, 'X', "", 0);
    fz_conn_t c;
    fz_connect(&c);
    if (!fz_login(&c))
        fz_die("the proxy refused the fuzz user's login");
    fz_send(&c, out.data, out.len);
    fz_drain(&c);
    fz_close(&c);
    am_buf_destroy(&out);
    return 0;
}
