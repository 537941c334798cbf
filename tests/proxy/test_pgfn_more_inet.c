/*
 * tests/proxy/test_pgfn_more_inet.c: inet and cidr of pgfn_more_inet.c against PostgreSQL:
 * input (accepted forms, errors), output, host/text/abbrev/masklen/family/network/broadcast/
 * netmask/hostmask, set_masklen, the containment operators, inet_merge and the sort order.
 */
#include "pgfn_more_test.h"

static const char *const inputs[] = {
    "0.0.0.0",
    "192.168.0.1",
    "10.0.0.0/8",
    "10.1.2.3/8",
    "172.16.5.4/12",
    "255.255.255.255",
    "127.0.0.1/32",
    "10/8",
    "10.1/16",
    "10.1",
    "010.0.0.1",
    "10.0.0.1/33",
    " 10.0.0.1",
    "10.0.0.1 ",
    "0x0a.0.0.1",
    "1.2.3.4.5",
    "256.1.1.1",
    "1.2.3.4/",
    "1.2.3.4/08",
    "1..2.3",
    "1.2.3.",
    "/8",
    "",
    "abc",
    "1.2.3.4/0",
    "::1",
    "::",
    "::/0",
    "2001:db8::/32",
    "2001:DB8::1/64",
    "::ffff:1.2.3.4",
    "::1.2.3.4",
    "::1.2.3",
    "1::2::3",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7::",
    "::2:3:4:5:6:7:8",
    "fe80::1%eth0",
    "1:2:3:4:5:6:1.2.3.4",
    "::ffff:0:0/96",
    "2001:db8::1/129",
    "2001:db8::1/064",
    "::/128",
    "0:0:0:0:0:0:0:1",
    "1:0:0:1:0:0:0:1",
    "1:0:0:1:0:0:1:1",
    "12345::",
    "::g",
    "2001:db8:0:0:1::/80",
    "::1.2.3.4/120",
    "ffff::/16",
    "1.2.3.4/24",
    "10.0.0.0/7",
    "224.1.2.3/4",
};

Test(pgfn_more_inet, inet_values_match_postgresql)
{
    numt_t t;
    numt_open(&t, "pgfn_more_inet inet");
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        const char *s = inputs[i];
        moret_check(
            &t,
            numt_fmt("SELECT v, host(v), text(v), abbrev(v), masklen(v), family(v), "
                     "network(v), broadcast(v), netmask(v), hostmask(v), "
                     "set_masklen(v, 24), set_masklen(v, -1) FROM (SELECT '%s'::inet AS v) s",
                     s),
            numt_fmt("SELECT v, am_inet_host(v), am_inet_text(v), am_inet_abbrev(v), "
                     "am_inet_masklen(v), am_inet_family(v), am_inet_network(v), "
                     "am_inet_broadcast(v), am_inet_netmask(v), am_inet_hostmask(v), "
                     "am_inet_set_masklen(v, 24), am_inet_set_masklen(v, -1) FROM (SELECT "
                     "am_inet_in('%s') AS v) s",
                     s));
    }
    numt_close(&t);
}

Test(pgfn_more_inet, cidr_values_match_postgresql)
{
    numt_t t;
    numt_open(&t, "pgfn_more_inet cidr");
    static const char *const more[] = {"10",
                                       "192.168",
                                       "128.1",
                                       "224",
                                       "224.1",
                                       "240",
                                       "0x0a",
                                       "0xc0a8/16",
                                       "0x0a01",
                                       "0xa",
                                       "10.0.0.0",
                                       "192.168.1.0",
                                       "1.2.3.0/24",
                                       "0/0",
                                       "::/0",
                                       "0:0:1:0:1:0:0:0/128",
                                       "1:0:0:1:0:0:0:0/128",
                                       "::1:0:0:0:1/128",
                                       "0:0:0:0:0:0:1.2.3.0/120",
                                       "::ffff:1.2.0.0/112",
                                       "2001:db8::/33",
                                       "ff00::/8",
                                       "0:0:0:0:0:0:1:0/127",
                                       "1:2:3:4::/64"};
    for (size_t k = 0; k < 2; k++) {
        const char *const *list = k == 0 ? inputs : more;
        size_t n = k == 0 ? sizeof inputs / sizeof *inputs : sizeof more / sizeof *more;
        for (size_t i = 0; i < n; i++)
            moret_check(
                &t,
                numt_fmt("SELECT v, abbrev(v), text(v), host(v), set_masklen(v, 8), "
                         "network(v), v::inet FROM (SELECT '%s'::cidr AS v) s",
                         list[i]),
                numt_fmt("SELECT v, am_cidr_abbrev(v), am_inet_text(v), am_inet_host(v), "
                         "am_cidr_set_masklen(v, 8), am_inet_network(v), am_inet_in(v) FROM "
                         "(SELECT am_cidr_in('%s') AS v) s",
                         list[i]));
    }
    moret_check(&t, numt_fmt("SELECT set_masklen('10.0.0.1'::inet, 33)"),
                numt_fmt("SELECT am_inet_set_masklen(am_inet_in('10.0.0.1'), 33)"));
    moret_check(&t, numt_fmt("SELECT set_masklen('::1'::inet, -2)"),
                numt_fmt("SELECT am_inet_set_masklen(am_inet_in('::1'), -2)"));
    numt_close(&t);
}

Test(pgfn_more_inet, operators_and_order_match_postgresql)
{
    numt_t t;
    numt_open(&t, "pgfn_more_inet operators");
    static const char *const vals[] = {"10.0.0.0/8",    "10.1.2.3",    "10.1.0.0/16",
                                       "11.0.0.1/8",    "0.0.0.0/0",   "::1",
                                       "2001:db8::/32", "2001:db8::5", "10.1.2.3/32",
                                       "10.0.0.0/7",    "::/0",        "::ffff:10.1.2.3"};
    size_t n = sizeof vals / sizeof *vals;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < n; k++)
            moret_check(
                &t,
                numt_fmt("SELECT a << b, a <<= b, a >> b, a >>= b, a && b, inet_same_family(a, b), "
                         "a = b, a < b, a > b FROM (SELECT '%s'::inet a, '%s'::inet b) s",
                         vals[i], vals[k]),
                numt_fmt("SELECT am_inet_op(a, b, 0), am_inet_op(a, b, 1), am_inet_op(a, b, 2), "
                         "am_inet_op(a, b, 3), am_inet_op(a, b, 4), am_inet_same_family(a, b), "
                         "am_inet_sortkey(a) = am_inet_sortkey(b), am_inet_sortkey(a) < "
                         "am_inet_sortkey(b), am_inet_sortkey(a) > am_inet_sortkey(b) FROM (SELECT "
                         "am_inet_in('%s') a, am_inet_in('%s') b) s",
                         vals[i], vals[k]));
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < n; k += 3)
            moret_check(&t, numt_fmt("SELECT inet_merge('%s'::inet, '%s'::inet)", vals[i], vals[k]),
                        numt_fmt("SELECT am_inet_merge(am_inet_in('%s'), am_inet_in('%s'))",
                                 vals[i], vals[k]));
    moret_check(
        &t,
        numt_fmt("SELECT string_agg(v::text, ' ' ORDER BY v::inet) FROM unnest(ARRAY["
                 "'10.0.0.0/8','10.1.2.3','10.1.0.0/16','11.0.0.1/8','0.0.0.0/0','::1',"
                 "'2001:db8::/32','2001:db8::5','10.0.0.0/7','::/0','::ffff:10.1.2.3',"
                 "'10.0.0.0/9','9.255.255.255']) v"),
        numt_fmt("SELECT string_agg(am_inet_in(v), ' ' ORDER BY am_inet_sortkey(v)) FROM "
                 "unnest(['10.0.0.0/8','10.1.2.3','10.1.0.0/16','11.0.0.1/8','0.0.0.0/0',"
                 "'::1','2001:db8::/32','2001:db8::5','10.0.0.0/7','::/0','::ffff:10.1.2.3',"
                 "'10.0.0.0/9','9.255.255.255']) t(v)"));
    numt_close(&t);
}
