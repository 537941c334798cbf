/*
 * tests/proxy/test_cancel.c: CancelRequest interrupts the victim's running DuckDB query
 * (57014) and the connection stays usable; two clients query at the same time; proxy_stop
 * with clients connected and a query running returns and frees everything.
 */
#include "proxy_test.h"

#include <sys/select.h>

/* A cross join of two series: the proxy unnests each generate_series from a list, so a long
 * query is a long join (10^12 rows), not one huge series. */
#define LONG_QUERY                                                                                 \
    "SELECT sum(a.i * 2 + b.j) FROM generate_series(1, 1000000) a(i), "                            \
    "generate_series(1, 1000000) b(j)"
/* Long enough to be running when the proxy stops, short enough (seconds) that a missed
 * interrupt shows as a slow test rather than a hung suite. */
#define STOPPABLE_QUERY                                                                            \
    "SELECT sum(a.i * 2 + b.j) FROM generate_series(1, 30000) a(i), "                              \
    "generate_series(1, 10000) b(j)"

Test(proxy, cancel_interrupts_a_running_query)
{
    pt_proxy_t t = pt_start("cancel");
    PGconn *c = pt_connect(&t);
    cr_assert(PQsendQuery(c, LONG_QUERY));
    PGcancel *cn = PQgetCancel(c);
    char errbuf[256];
    /* Cancels until the query ends: the first may land before DuckDB started it. */
    PGresult *r = NULL;
    for (int i = 0; i < 500 && !r; i++) {
        cr_assert(PQcancel(cn, errbuf, sizeof errbuf), "PQcancel: %s", errbuf);
        struct timeval tv = {0, 20000};
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(PQsocket(c), &fds);
        select(PQsocket(c) + 1, &fds, NULL, NULL, &tv);
        PQconsumeInput(c);
        if (!PQisBusy(c))
            r = PQgetResult(c);
    }
    PQfreeCancel(cn);
    cr_assert_not_null(r, "query never ended");
    const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    cr_expect_str_eq(st ? st : "-", "57014", "%s", PQresultErrorMessage(r));
    PQclear(r);
    while ((r = PQgetResult(c)) != NULL)
        PQclear(r);
    pt_expect_value(c, "SELECT 'still here'", "still here");
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, a_wrong_cancel_key_changes_nothing)
{
    pt_proxy_t t = pt_start("cancelkey");
    PGconn *c = pt_connect(&t);
    PGconn *d = pt_connect(&t);
    PGcancel *cn = PQgetCancel(d);
    char errbuf[256];
    cr_assert(PQcancel(cn, errbuf, sizeof errbuf));
    PQfreeCancel(cn);
    pt_expect_value(c, "SELECT count(*) FROM generate_series(1, 100000)", "100000");
    PQfinish(c);
    PQfinish(d);
    pt_stop(&t);
}

Test(proxy, two_clients_at_once)
{
    pt_proxy_t t = pt_start("twoclients");
    PGconn *a = pt_connect(&t);
    PGconn *b = pt_connect(&t);
    cr_assert(PQsendQuery(a, "SELECT count(*) FROM generate_series(1, 3000) a, "
                             "generate_series(1, 1000) b"));
    cr_assert(PQsendQuery(b, "SELECT count(*) FROM generate_series(1, 2000) a, "
                             "generate_series(1, 1000) b"));
    PGresult *ra = PQgetResult(a), *rb = PQgetResult(b);
    cr_expect_str_eq(PQgetvalue(ra, 0, 0), "3000000");
    cr_expect_str_eq(PQgetvalue(rb, 0, 0), "2000000");
    PQclear(ra);
    PQclear(rb);
    while ((ra = PQgetResult(a)) != NULL)
        PQclear(ra);
    while ((rb = PQgetResult(b)) != NULL)
        PQclear(rb);
    cr_expect_eq(proxy_n_clients(t.p), 2);
    PQfinish(a);
    PQfinish(b);
    pt_stop(&t);
}

Test(proxy, stop_with_a_query_running)
{
    pt_proxy_t t = pt_start("stopbusy");
    PGconn *a = pt_connect(&t);
    PGconn *b = pt_connect(&t);
    cr_assert(PQsendQuery(a, STOPPABLE_QUERY));
    pt_expect_value(b, "SELECT 1", "1");
    pt_stop(&t); /* must return: interrupts a's query, closes both sockets */
    PGresult *r;
    while ((r = PQgetResult(a)) != NULL)
        PQclear(r);
    PQfinish(a);
    PQfinish(b);
}
