#include <criterion/criterion.h>
#include <string.h>

#include "util/util.h"

Test(util, buf_big_endian_and_zigzag)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_put_u32(&b, 0x01020304);
    am_buf_put_u16(&b, 0xa0b0);
    cr_assert_eq(b.len, 6);
    cr_assert_eq((uint8_t)b.data[0], 1);
    cr_assert_eq((uint8_t)b.data[5], 0xb0);
    am_buf_reset(&b);
    const int64_t vals[] = {0, -1, 1, 64, 300};
    const char *want[] = {"\x00", "\x01", "\x02", "\x80\x01", "\xd8\x04"};
    for (size_t i = 0; i < 5; i++) {
        am_buf_reset(&b);
        am_buf_put_zigzag(&b, vals[i]);
        cr_assert_eq(b.len, strlen(want[i]) ? strlen(want[i]) : 1);
        cr_assert(memcmp(b.data, want[i], b.len) == 0, "zigzag %lld", (long long)vals[i]);
        am_reader_t r = am_reader_init(b.data, b.len);
        cr_assert_eq(am_read_zigzag(&r), vals[i]);
        am_err_t err = {0};
        cr_assert(am_reader_done(&r, "zigzag", &err));
    }
    am_buf_destroy(&b);
}

Test(util, reader_fails_past_end_and_names_trailing_bytes)
{
    const uint8_t bytes[] = {0, 0, 0, 7, 'h', 'i', 0, 9};
    am_reader_t r = am_reader_init(bytes, sizeof bytes);
    cr_assert_eq(am_read_u32(&r), 7);
    size_t len = 0;
    cr_assert_str_eq(am_read_cstr(&r, &len), "hi");
    am_err_t err = {0};
    cr_assert_not(am_reader_done(&r, "msg", &err));
    cr_assert(strstr(err.msg, "trailing"));
    am_read_u32(&r);
    cr_assert(r.failed);
    cr_assert_eq(am_read_u8(&r), 0);
    cr_assert_not(am_reader_done(&r, "msg", &err));
    cr_assert_str_eq(err.sqlstate, "08P01");
}

Test(util, err_prefix_keeps_message)
{
    am_err_t err = {0};
    cr_assert_not(am_err_set(&err, "58030", "could not open \"%s\"", "x"));
    am_err_prefix(&err, "table %s", "public.t");
    cr_assert_str_eq(err.msg, "table public.t: could not open \"x\"");
    cr_assert_str_eq(err.sqlstate, "58030");
}

Test(util, lsn_round_trip)
{
    am_lsn_t lsn = 0;
    cr_assert(am_lsn_parse("16/B374D848", &lsn));
    cr_assert_eq(lsn, ((uint64_t)0x16 << 32) | 0xB374D848u);
    char out[24];
    cr_assert_str_eq(am_lsn_format(lsn, out, sizeof out), "16/B374D848");
    cr_assert_not(am_lsn_parse("16B374D848", &lsn));
    cr_assert_not(am_lsn_parse("1/2x", &lsn));
}

Test(util, sql_quoting_doubles_quotes)
{
    am_buf_t b;
    am_buf_init(&b);
    am_sql_ident(&b, "we\"ird");
    am_buf_putc(&b, ' ');
    am_sql_literal(&b, "it's");
    cr_assert_str_eq(b.data, "\"we\"\"ird\" 'it''s'");
    am_buf_destroy(&b);
}

/* The result encoders' number text: every width and sign edge, appended to what is there. */
Test(util, buf_decimal_text_and_printf_into_spare_room)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_put_int(&b, 0);
    am_buf_putc(&b, ' ');
    am_buf_put_int(&b, INT64_MIN);
    am_buf_putc(&b, ' ');
    am_buf_put_int(&b, INT64_MAX);
    am_buf_putc(&b, ' ');
    am_buf_put_uint(&b, UINT64_MAX, 1);
    am_buf_putc(&b, ' ');
    am_buf_put_uint(&b, 7, 4);
    am_buf_putc(&b, ' ');
    am_buf_put_uint(&b, 123456, 4);
    am_buf_putc(&b, ' ');
    am_buf_put_int(&b, -42);
    cr_assert_str_eq(b.data, "0 -9223372036854775808 9223372036854775807 18446744073709551615 "
                             "0007 123456 -42");
    cr_assert_eq(b.len, strlen(b.data));
    am_buf_destroy(&b);

    /* a format longer than the spare room is formatted again once the buffer has grown */
    am_buf_init(&b);
    am_buf_printf(&b, "%s", "x");
    char big[300];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    am_buf_printf(&b, "%s-%d", big, 5);
    cr_assert_eq(b.len, 1 + 299 + 2);
    cr_assert_eq(b.data[0], 'x');
    cr_assert_eq(b.data[300], '-');
    cr_assert_str_eq(b.data + 300, "-5");
    am_buf_destroy(&b);
}
