/*
 * tests/proxy/test_conn.c: the startup phase and authentication with real clients: libpq
 * with sslmode=prefer (SSLRequest answered 'N'), wrong password and unknown user (28P01),
 * wrong database (3D000), replication (0A000), unsupported protocol (08P01), max clients
 * (53300), psql, the parameters a session reports.
 */
#include "proxy_test.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

static void expect_refused(const pt_proxy_t *t, const char *ci_extra, const char *sqlstate,
                           const char *msg_part)
{
    char *ci = NULL;
    cr_assert(asprintf(&ci, "host=127.0.0.1 port=%d sslmode=prefer connect_timeout=10 %s",
                       proxy_port(t->p), ci_extra) > 0);
    PGconn *c = PQconnectdb(ci);
    free(ci);
    cr_expect_eq(PQstatus(c), CONNECTION_BAD, "%s: connected, want %s", ci_extra, sqlstate);
    const char *m = PQerrorMessage(c);
    cr_expect(strstr(m, msg_part) != NULL, "%s: message \"%s\" lacks \"%s\"", ci_extra, m,
              msg_part);
    PQfinish(c);
}

Test(proxy, ssl_request_gets_n_then_plain_startup)
{
    pt_proxy_t t = pt_start("sslmode");
    PGconn *c = pt_connect_extra(&t, "sslmode=prefer");
    cr_expect_null(PQsslAttribute(c, "protocol"));
    pt_expect_value(c, "SELECT 'plain'", "plain");
    PQfinish(c);
    PGconn *d = pt_connect_extra(&t, "sslmode=disable gssencmode=disable");
    pt_expect_value(d, "SELECT 2", "2");
    PQfinish(d);
    pt_stop(&t);
}

static bool no_sessions(void *ud)
{
    return proxy_n_clients(ud) == 0;
}

Test(proxy, wrong_password_and_unknown_user_fail_28P01)
{
    pt_proxy_t t = pt_start("badpw");
    expect_refused(&t, "user=" PT_USER " password=wrong dbname=" PT_DB, "28P01",
                   "password authentication failed for user \"" PT_USER "\"");
    expect_refused(&t, "user=mallory password='" PT_PASSWORD "' dbname=" PT_DB, "28P01",
                   "password authentication failed for user \"mallory\"");
    cr_expect(amt_wait_until(no_sessions, t.p, 10000), "sessions left after failed logins");
    pt_stop(&t);
}

Test(proxy, wrong_database_fails_3D000)
{
    pt_proxy_t t = pt_start("baddb");
    /* only after authentication: a wrong password says 28P01 whatever the database */
    expect_refused(&t, "user=" PT_USER " password='" PT_PASSWORD "' dbname=other", "3D000",
                   "database \"other\" does not exist");
    expect_refused(&t, "user=" PT_USER " password=x dbname=other", "28P01",
                   "password authentication failed");
    pt_stop(&t);
}

Test(proxy, replication_connections_are_refused)
{
    pt_proxy_t t = pt_start("repl");
    expect_refused(
        &t, "user=" PT_USER " password='" PT_PASSWORD "' dbname=" PT_DB " replication=database",
        "0A000", "replication");
    pt_stop(&t);
}

Test(proxy, empty_password_refuses_every_login)
{
    char *wh = amt_tmpdir("nopw");
    proxy_options_t o = {
        .listen_host = "127.0.0.1", .user = "u", .password = "", .database = "d", .warehouse = wh};
    am_err_t err = {0};
    proxy_t *p = proxy_start(&o, &err);
    cr_assert_not_null(p, "%s", err.msg);
    pt_proxy_t t = {.p = p, .warehouse = wh};
    expect_refused(&t, "user=u password=x dbname=d", "28P01", "password authentication failed");
    pt_stop(&t);
}

/* Raw socket: a startup packet with protocol 2.0 gets FATAL 08P01. */
Test(proxy, unknown_protocol_version_fails_08P01)
{
    pt_proxy_t t = pt_start("proto2");
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)proxy_port(t.p))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    const uint8_t pkt[] = {0, 0, 0, 17, 0, 2, 0, 0, 'u', 's', 'e', 'r', 0, 'u', 0, 0, 0};
    cr_assert_eq(write(fd, pkt, sizeof pkt), (ssize_t)sizeof pkt);
    char buf[512] = {0};
    size_t got = 0;
    ssize_t n;
    while (got < sizeof buf - 1 && (n = read(fd, buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)n;
    close(fd);
    cr_assert_gt(got, 5);
    cr_expect_eq(buf[0], 'E');
    int found = 0;
    for (size_t i = 5; i + 6 < got; i++)
        found |= buf[i] == 'C' && memcmp(buf + i + 1, "08P01", 5) == 0;
    cr_expect(found, "no SQLSTATE 08P01 in the reply");
    pt_stop(&t);
}

static bool one_session_left(void *ud)
{
    return proxy_n_clients(ud) == 1;
}

Test(proxy, max_clients_gets_53300)
{
    pt_proxy_t t = pt_start_max("maxcl", 2);
    PGconn *a = pt_connect(&t);
    PGconn *b = pt_connect(&t);
    char *ci = pt_conninfo(&t, "");
    PGconn *c = PQconnectdb(ci);
    free(ci);
    cr_expect_eq(PQstatus(c), CONNECTION_BAD);
    cr_expect(strstr(PQerrorMessage(c), "too many clients") != NULL, "%s", PQerrorMessage(c));
    PQfinish(c);
    cr_expect_eq(proxy_n_clients(t.p), 2);
    PQfinish(a);
    /* a slot frees up once the server notices the disconnect */
    cr_expect(amt_wait_until(one_session_left, t.p, 10000), "the first client never left");
    PGconn *d = pt_connect(&t);
    PQfinish(d);
    PQfinish(b);
    pt_stop(&t);
}

Test(proxy, session_reports_parameters)
{
    pt_proxy_t t = pt_start("params");
    PGconn *c = pt_connect_extra(&t, "application_name=tester options='-c extra_float_digits=2'");
    cr_expect_str_eq(PQparameterStatus(c, "server_version"), "15.0 (Arctic Mirror)");
    cr_expect_str_eq(PQparameterStatus(c, "client_encoding"), "UTF8");
    cr_expect_str_eq(PQparameterStatus(c, "DateStyle"), "ISO, MDY");
    cr_expect_str_eq(PQparameterStatus(c, "integer_datetimes"), "on");
    cr_expect_str_eq(PQparameterStatus(c, "standard_conforming_strings"), "on");
    cr_expect_str_eq(PQparameterStatus(c, "TimeZone"), "Etc/UTC");
    cr_expect_str_eq(PQparameterStatus(c, "application_name"), "tester");
    cr_expect_str_eq(PQparameterStatus(c, "session_authorization"), PT_USER);
    cr_expect_str_eq(PQparameterStatus(c, "default_transaction_read_only"), "on");
    cr_expect_neq(PQbackendPID(c), 0);
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, psql_runs_a_command)
{
    pt_proxy_t t = pt_start("psql");
    int st = amt_system("PGPASSWORD='%s' psql -X -A -t -h 127.0.0.1 -p %d -U %s -d %s "
                        "-c \"SELECT 40 + 2\" > %s/out.txt 2>&1",
                        PT_PASSWORD, proxy_port(t.p), PT_USER, PT_DB, t.warehouse);
    char *path = NULL;
    cr_assert(asprintf(&path, "%s/out.txt", t.warehouse) > 0);
    am_buf_t b;
    am_buf_init(&b);
    am_err_t err = {0};
    cr_assert(am_file_read_all(path, &b, &err), "%s", err.msg);
    cr_expect_eq(st, 0, "psql failed: %s", b.data);
    cr_expect_str_eq(b.data, "42\n");
    am_buf_destroy(&b);
    free(path);
    pt_stop(&t);
}

Test(proxy, a_server_that_cannot_start_threads_says_for_how_long)
{
    pt_proxy_t t = pt_start("spawnfail");
    cr_expect_eq(proxy_spawn_failing_us(t.p), 0);
    /* threads whose stacks cannot be had (a terabyte each): the connection is shed, and the
     * failure is timed; every other allocation goes on as before */
    pthread_attr_t old, huge;
    cr_assert_eq(pthread_getattr_default_np(&old), 0);
    cr_assert_eq(pthread_attr_init(&huge), 0);
    cr_assert_eq(pthread_attr_setstacksize(&huge, (size_t)1 << 40), 0);
    cr_assert_eq(pthread_setattr_default_np(&huge), 0);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)proxy_port(t.p))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    char b;
    ssize_t n = recv(fd, &b, 1, 0); /* the proxy closes it without a word */
    close(fd);
    cr_assert_eq(pthread_setattr_default_np(&old), 0);
    pthread_attr_destroy(&huge);
    pthread_attr_destroy(&old);
    cr_expect_eq(n, 0);
    cr_expect_gt(proxy_spawn_failing_us(t.p), 0);
    /* a thread starts again: the failure is over */
    PGconn *c = pt_connect(&t);
    pt_expect_value(c, "SELECT 1", "1");
    PQfinish(c);
    cr_expect_eq(proxy_spawn_failing_us(t.p), 0);
    pt_stop(&t);
}

/* A client that never finishes its startup is closed once proxy.auth_timeout has passed (the
 * default, PostgreSQL's one minute, is too long for a test: this one asks for 300 ms). */
Test(proxy, a_silent_client_is_closed_after_auth_timeout)
{
    char *wh = amt_tmpdir("authto");
    proxy_options_t o = {.listen_host = "127.0.0.1",
                         .user = "u",
                         .password = "p",
                         .database = "d",
                         .warehouse = wh,
                         .auth_timeout_ms = 300};
    am_err_t err = {0};
    proxy_t *p = proxy_start(&o, &err);
    cr_assert_not_null(p, "%s", err.msg);
    pt_proxy_t t = {.p = p, .warehouse = wh};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)proxy_port(p))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    /* a bound on the wait, not a timing assertion: a proxy that never closes fails here */
    struct timeval tv = {.tv_sec = 60};
    cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf);
    cr_expect_eq(n, 0, "want EOF, got %zd (errno %d)", n, n < 0 ? errno : 0);
    close(fd);
    cr_expect(amt_wait_until(no_sessions, p, 10000), "the late connection was never dropped");
    pt_stop(&t);
}
