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
