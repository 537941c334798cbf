/*
 * tests/proxy/test_session.c: connection-level settings: the startup packet's "options"
 * (libpq's PGOPTIONS) set parameters as PostgreSQL's -c and --name=value do, and steer the
 * output (TimeZone, extra_float_digits) from the first query on.
 */
#include "proxy_test.h"

Test(proxy, startup_options_set_parameters)
{
    pt_proxy_t t = pt_start("options");
    PGconn *c = pt_connect_extra(&t, "options='-c TimeZone=Asia/Kolkata "
                                     "--extra-float-digits=0 -capplication_name=a\\\\ b'");
    cr_expect_str_eq(PQparameterStatus(c, "TimeZone"), "Asia/Kolkata");
    cr_expect_str_eq(PQparameterStatus(c, "application_name"), "a b");
    pt_expect_value(c, "SHOW extra_float_digits", "0");
    pt_expect_value(c, "SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00'", "2024-01-01 05:30:00+05:30");
    pt_expect_value(c, "SELECT 0.1::float8 + 0.2::float8", "0.3");
    PQfinish(c);
    /* a bad value is left out, as other startup parameters are; the session still starts */
    c = pt_connect_extra(&t, "options='-c TimeZone=No/Such_Zone -c nosuch=1'");
    cr_expect_str_eq(PQparameterStatus(c, "TimeZone"), "Etc/UTC");
    PQfinish(c);
    pt_stop(&t);
}

/* RESET ALL and DISCARD ALL go back to the configured timeouts (proxy.statement_timeout,
 * proxy.idle_in_transaction_session_timeout), as RESET of one name does, not to 0. */
Test(proxy, reset_all_restores_configured_timeouts)
{
    pt_proxy_t t = {
        .user = PT_USER, .password = PT_PASSWORD, .database = PT_DB, .own_warehouse = true};
    t.warehouse = amt_tmpdir("reset_all");
    proxy_options_t o = {.listen_host = "127.0.0.1",
                         .user = PT_USER,
                         .password = PT_PASSWORD,
                         .database = PT_DB,
                         .warehouse = t.warehouse,
                         .statement_timeout_ms = 5000,
                         .idle_in_tx_timeout_ms = 250};
    am_err_t err = {0};
    t.p = proxy_start(&o, &err);
    cr_assert_not_null(t.p, "proxy_start: %s %s", err.sqlstate, err.msg);
    PGconn *c = pt_connect(&t);
    static const char *const resets[] = {"RESET ALL", "DISCARD ALL", "RESET statement_timeout"};
    for (size_t i = 0; i < sizeof resets / sizeof *resets; i++) {
        free(pt_value(c, "SET statement_timeout = 0"));
        free(pt_value(c, "SET idle_in_transaction_session_timeout = '1min'"));
        pt_expect_value(c, "SHOW statement_timeout", "0");
        free(pt_value(c, resets[i]));
        pt_expect_value(c, "SHOW statement_timeout", "5s");
        if (i < 2)
            pt_expect_value(c, "SHOW idle_in_transaction_session_timeout", "250ms");
    }
    PQfinish(c);
    pt_stop(&t);
}
