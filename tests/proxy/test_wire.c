/*
 * tests/proxy/test_wire.c: frontend message decoding from bytes and backend message framing.
 */
#include "proxy_test.h"

#include "proxy/proxy_internal.h"

Test(proxy, startup_packet_decodes_parameters)
{
    const uint8_t body[] = {0, 3,   0,   0,   'u', 's', 'e', 'r', 0,   'a', 'l', 'i', 'c', 'e',
                            0, 'd', 'a', 't', 'a', 'b', 'a', 's', 'e', 0,   'm', 0,   0};
    proxy_startup_t st;
    am_err_t err = {0};
    cr_assert(proxy__startup_decode(body, sizeof body, &st, &err), "%s", err.msg);
    cr_expect_eq(st.code, 196608u);
    cr_expect_eq(st.n_params, 2);
    cr_expect_str_eq(proxy__startup_param(&st, "user"), "alice");
    cr_expect_str_eq(proxy__startup_param(&st, "database"), "m");
    cr_expect_null(proxy__startup_param(&st, "options"));
}

Test(proxy, malformed_startup_and_messages_fail_08P01)
{
    const uint8_t no_term[] = {0, 3, 0, 0, 'u', 's', 'e', 'r', 0, 'a'};
    proxy_startup_t st;
    am_err_t err = {0};
    cr_expect_not(proxy__startup_decode(no_term, sizeof no_term, &st, &err));
    cr_expect_str_eq(err.sqlstate, "08P01");
    const uint8_t cancel_short[] = {0x04, 0xd2, 0x16, 0x2e, 0, 0, 0, 1};
    am_err_t e2 = {0};
    cr_expect_not(proxy__startup_decode(cancel_short, sizeof cancel_short, &st, &e2));
    /* Bind declaring 2 parameters but carrying one */
    const uint8_t bind[] = {0, 0, 0, 0, 0, 2, 0, 0, 0, 1, 'x'};
    am_arena_t *a = am_arena_new(1024);
    proxy_bind_msg_t bm;
    am_err_t e3 = {0};
    cr_expect_not(proxy__bind_decode(bind, sizeof bind, a, &bm, &e3));
    cr_expect_str_eq(e3.sqlstate, "08P01");
    am_arena_free(a);
}

Test(proxy, bind_decodes_formats_and_nulls)
{
    const uint8_t bind[] = {'p', 0, 's', 0,    0,    1,    0,    1, 0, 2, 0, 0,
                            0,   1, '7', 0xff, 0xff, 0xff, 0xff, 0, 1, 0, 1};
    am_arena_t *a = am_arena_new(1024);
    proxy_bind_msg_t bm;
    am_err_t err = {0};
    cr_assert(proxy__bind_decode(bind, sizeof bind, a, &bm, &err), "%s", err.msg);
    cr_expect_str_eq(bm.portal, "p");
    cr_expect_str_eq(bm.stmt, "s");
    cr_expect_eq(bm.n_formats, 1);
    cr_expect_eq(bm.formats[0], 1);
    cr_expect_eq(bm.n_params, 2);
    cr_expect_eq(bm.lens[0], 1);
    cr_expect_eq(bm.values[0][0], '7');
    cr_expect_null(bm.values[1]);
    cr_expect_eq(bm.n_result_formats, 1);
    am_arena_free(a);
}

Test(proxy, backend_messages_are_framed)
{
    am_buf_t b;
    am_buf_init(&b);
    proxy__wire_ready(&b, 'I');
    const uint8_t want[] = {'Z', 0, 0, 0, 5, 'I'};
    cr_assert_eq(b.len, sizeof want);
    cr_expect(memcmp(b.data, want, sizeof want) == 0);
    am_buf_reset(&b);
    proxy__wire_error(&b, 'E', "ERROR", "42P01", "no table", NULL, NULL);
    cr_expect_eq(b.data[0], 'E');
    uint32_t len = (uint32_t)(uint8_t)b.data[1] << 24 | (uint32_t)(uint8_t)b.data[2] << 16 |
                   (uint32_t)(uint8_t)b.data[3] << 8 | (uint8_t)b.data[4];
    cr_expect_eq(len, b.len - 1);
    cr_expect(memmem(b.data, b.len, "C42P01", 7) != NULL);
    cr_expect_eq(b.data[b.len - 1], '\0');
    am_buf_destroy(&b);
}
