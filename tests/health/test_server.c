/*
 * tests/health/test_server.c: the HTTP server (health/server.c): ephemeral port, routes,
 * methods, headers, a real client (curl) piped into promtool, bind errors, clean stop.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "../support/testlib.h"
#include "health/health.h"
#include "http_client.h"

static bool up_check(void *ud, health_report_t *r)
{
    (void)ud;
    health_report_message(r, "connected");
    return true;
}

static health_t *start(void)
{
    health_t *h = health_new();
    health_check_add(h, "postgres", up_check, NULL);
    am_err_t err = {0};
    cr_assert(health_start(h, 0, &err), "%s", err.msg);
    cr_assert_gt(health_port(h), 0, "port 0 must become a real port");
    return h;
}

Test(health, unknown_path_is_404)
{
    health_t *h = start();
    const char *paths[] = {"/", "/healthz", "/health/", "/metrics/x", "/health/detailed/x"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        http_reply_t r = http_get(health_port(h), paths[i]);
        cr_assert_eq(r.status, 404, "%s", paths[i]);
        http_reply_free(&r);
    }
    health_free(h);
}

Test(health, other_methods_are_405_with_allow)
{
    health_t *h = start();
    const char *methods[] = {"POST", "PUT", "DELETE"};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        http_reply_t r = http_request(health_port(h), methods[i], "/health", "x=1");
        cr_assert_eq(r.status, 405, "%s", methods[i]);
        char *allow = http_header(&r, "Allow");
        cr_assert_str_eq(allow, "GET, HEAD");
        free(allow);
        http_reply_free(&r);
    }
    http_reply_t r = http_request(health_port(h), "POST", "/nowhere", NULL);
    cr_assert_eq(r.status, 404);
    http_reply_free(&r);
    health_free(h);
}

Test(health, head_answers_without_body)
{
    health_t *h = start();
    http_reply_t r = http_request(health_port(h), "HEAD", "/health", NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(r.body_len, 0);
    http_reply_free(&r);
    health_free(h);
}

Test(health, metrics_content_type_and_query_string)
{
    health_t *h = start();
    http_reply_t r = http_get(health_port(h), "/metrics?x=1");
    cr_assert_eq(r.status, 200);
    char *ct = http_header(&r, "Content-Type");
    cr_assert(ct && strncmp(ct, "text/plain; version=0.0.4", 25) == 0, "%s", ct);
    free(ct);
    cr_assert(strstr(r.body, "arctic_mirror_component_up{component=\"postgres\"} 1\n"), "%s",
              r.body);
    http_reply_free(&r);
    health_free(h);
}

Test(health, curl_metrics_pass_promtool)
{
    health_metric_add(health_metric("arctic_mirror_rows_replicated_total", "Rows replicated.",
                                    HEALTH_COUNTER, "table=\"public.users\",op=\"insert\""),
                      42);
    health_metric_add(health_metric("arctic_mirror_rows_replicated_total", "Rows replicated.",
                                    HEALTH_COUNTER, "table=\"public.users\",op=\"delete\""),
                      2);
    health_metric_set(
        health_metric("arctic_mirror_replication_lag_bytes", "Lag in bytes.", HEALTH_GAUGE, NULL),
        4096);
    health_metric_add(
        health_metric("arctic_mirror_flushes_total", "Flushes.", HEALTH_COUNTER, NULL), 1);
    health_t *h = start();
    int st = amt_system("bash -o pipefail -c 'curl -sf http://127.0.0.1:%d/metrics | promtool "
                        "check metrics'",
                        health_port(h));
    cr_assert_eq(st, 0, "curl | promtool check metrics failed");
    st = amt_system("curl -sf -o /dev/null http://127.0.0.1:%d/health", health_port(h));
    cr_assert_eq(st, 0);
    health_free(h);
}

Test(health, busy_port_fails_naming_it)
{
    health_t *a = start();
    health_t *b = health_new();
    am_err_t err = {0};
    cr_assert_not(health_start(b, health_port(a), &err));
    char want[64];
    snprintf(want, sizeof want, "127.0.0.1:%d", health_port(a)); /* the default host */
    cr_assert(strstr(err.msg, want), "%s", err.msg);
    cr_assert(strstr(err.msg, "Address already in use"), "%s", err.msg);
    health_free(b);
    health_free(a);
}

Test(health, bad_port_is_rejected)
{
    health_t *h = health_new();
    am_err_t err = {0};
    cr_assert_not(health_start(h, 70000, &err));
    cr_assert_str_eq(err.sqlstate, "22023");
    health_free(h);
}

Test(health, free_stops_serving_and_closes_the_socket)
{
    health_free(NULL);
    health_free(health_new()); /* never started */
    health_t *h = start();
    int port = health_port(h);
    http_reply_t r = http_get(port, "/health");
    cr_assert_eq(r.status, 200);
    http_reply_free(&r);
    /* an idle open connection must not keep health_free waiting forever */
    int idle = http_connect(port);
    cr_assert(idle >= 0);
    health_free(h);
    close(idle);
    int fd = http_connect(port);
    cr_assert_lt(fd, 0, "port %d still accepts after health_free", port);
}
