/*
 * tests/health/test_checks.c: component checks as the HTTP routes show them
 * (health/checks.c): /health text, /health/detailed JSON, arctic_mirror_component_up.
 * Results may be cached for up to 500 ms, so state changes are awaited by polling.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "../support/testlib.h"
#include "health/health.h"
#include "http_client.h"

typedef struct fake {
    atomic_bool up;
    atomic_int calls;
    const char *message;
} fake_t;

static bool fake_check(void *ud, health_report_t *r)
{
    fake_t *f = ud;
    atomic_fetch_add(&f->calls, 1);
    bool up = atomic_load(&f->up);
    health_report_message(r, "%s", f->message ? f->message : (up ? "fine" : "broken"));
    health_report_num(r, "lag_bytes", 1234);
    health_report_num(r, "ratio", 0.5);
    health_report_num(r, "bad", 0.0 / 0.0);
    health_report_str(r, "slot", "arctic_mirror");
    health_report_str(r, "nothing", NULL);
    health_report_str(r, "status", "up"); /* a check must not override the verdict */
    return up;
}

static health_t *start(fake_t *pg, fake_t *duck)
{
    health_t *h = health_new();
    if (pg)
        health_check_add(h, "postgres", fake_check, pg);
    if (duck)
        health_check_add(h, "duckdb", fake_check, duck);
    am_err_t err = {0};
    cr_assert(health_start(h, 0, &err), "%s", err.msg);
    return h;
}

Test(health, all_up_is_ok)
{
    fake_t pg = {.up = true}, duck = {.up = true};
    health_t *h = start(&pg, &duck);
    http_reply_t r = http_get(health_port(h), "/health");
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.body, "ok\n");
    http_reply_free(&r);
    cr_assert_geq(atomic_load(&pg.calls), 1, "checks run at request time");
    health_free(h);
}

Test(health, no_checks_is_ok)
{
    health_t *h = start(NULL, NULL);
    http_reply_t r = http_get(health_port(h), "/health");
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.body, "ok\n");
    http_reply_free(&r);
    r = http_get(health_port(h), "/metrics");
    cr_assert_null(strstr(r.body, "arctic_mirror_component_up"), "%s", r.body);
    http_reply_free(&r);
    health_free(h);
}

Test(health, down_component_is_named_with_its_message)
{
    fake_t pg = {.up = false, .message = "could not connect:\nconnection refused\n"};
    fake_t duck = {.up = true};
    health_t *h = start(&pg, &duck);
    http_reply_t r = http_get(health_port(h), "/health");
    cr_assert_eq(r.status, 503);
    cr_assert_str_eq(r.body, "unhealthy\npostgres: could not connect: connection refused\n");
    http_reply_free(&r);
    health_free(h);
}

typedef struct poll_ctx {
    int port;
    int want;
} poll_ctx_t;

static bool status_is(void *ud)
{
    poll_ctx_t *p = ud;
    http_reply_t r = http_get(p->port, "/health");
    bool ok = r.status == p->want;
    http_reply_free(&r);
    return ok;
}

Test(health, state_changes_show_up)
{
    fake_t pg = {.up = true};
    health_t *h = start(&pg, NULL);
    poll_ctx_t p = {health_port(h), 200};
    cr_assert(amt_wait_until(status_is, &p, 10000), "waiting for 200");
    atomic_store(&pg.up, false);
    p.want = 503;
    cr_assert(amt_wait_until(status_is, &p, 10000), "waiting for 503 after the check went down");
    atomic_store(&pg.up, true);
    p.want = 200;
    cr_assert(amt_wait_until(status_is, &p, 10000), "waiting for 200 after recovery");
    health_free(h);
}

Test(health, detailed_json_has_status_uptime_and_details)
{
    fake_t pg = {.up = false, .message = "slot missing"}, duck = {.up = true};
    health_t *h = start(&pg, &duck);
    http_reply_t r = http_get(health_port(h), "/health/detailed");
    cr_assert_eq(r.status, 200);
    char *ct = http_header(&r, "Content-Type");
    cr_assert_str_eq(ct, "application/json");
    free(ct);
    json_error_t jerr;
    json_t *root = json_loads(r.body, 0, &jerr);
    cr_assert(root, "invalid JSON (%s): %s", jerr.text, r.body);
    cr_assert_str_eq(json_string_value(json_object_get(root, "status")), "unhealthy");
    cr_assert(json_is_integer(json_object_get(root, "uptime_seconds")));
    json_t *pgj = json_object_get(json_object_get(root, "components"), "postgres");
    cr_assert_str_eq(json_string_value(json_object_get(pgj, "status")), "down");
    cr_assert_str_eq(json_string_value(json_object_get(pgj, "message")), "slot missing");
    cr_assert_eq(json_integer_value(json_object_get(pgj, "lag_bytes")), 1234);
    cr_assert_float_eq(json_real_value(json_object_get(pgj, "ratio")), 0.5, 1e-12);
    cr_assert(json_is_null(json_object_get(pgj, "bad")));
    cr_assert(json_is_null(json_object_get(pgj, "nothing")));
    cr_assert_str_eq(json_string_value(json_object_get(pgj, "slot")), "arctic_mirror");
    json_t *dj = json_object_get(json_object_get(root, "components"), "duckdb");
    cr_assert_str_eq(json_string_value(json_object_get(dj, "status")), "up");
    json_decref(root);
    http_reply_free(&r);
    health_free(h);
}

static bool latin1_check(void *ud, health_report_t *r)
{
    (void)ud;
    health_report_message(r, "FATAL: r\xf4le inconnu");
    health_report_str(r, "detail", "\xff");
    for (int i = 0; i < 100; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        health_report_num(r, key, i);
    }
    return false;
}

Test(health, invalid_utf8_and_many_details_keep_json_valid)
{
    health_t *h = health_new();
    health_check_add(h, "postgres", latin1_check, NULL);
    am_err_t err = {0};
    cr_assert(health_start(h, 0, &err), "%s", err.msg);
    http_reply_t r = http_get(health_port(h), "/health/detailed");
    json_error_t jerr;
    json_t *root = json_loads(r.body, 0, &jerr);
    cr_assert(root, "invalid JSON (%s): %s", jerr.text, r.body);
    json_t *pg = json_object_get(json_object_get(root, "components"), "postgres");
    cr_assert_str_eq(json_string_value(json_object_get(pg, "message")), "(not valid UTF-8)");
    cr_assert_leq(json_object_size(pg), 2 + 32);
    json_decref(root);
    http_reply_free(&r);
    health_free(h);
}

Test(health, component_up_metric_follows_checks)
{
    fake_t pg = {.up = false}, duck = {.up = true};
    health_t *h = start(&pg, &duck);
    http_reply_t r = http_get(health_port(h), "/metrics");
    cr_assert(strstr(r.body, "# TYPE arctic_mirror_component_up gauge\n"
                             "arctic_mirror_component_up{component=\"postgres\"} 0\n"
                             "arctic_mirror_component_up{component=\"duckdb\"} 1\n"),
              "%s", r.body);
    http_reply_free(&r);
    health_free(h);
}

typedef struct hammer {
    int port;
    int failures;
} hammer_t;

static void *hammer_run(void *p)
{
    hammer_t *hm = p;
    const char *paths[] = {"/health", "/health/detailed", "/metrics"};
    for (int i = 0; i < 30; i++) {
        http_reply_t r = http_get(hm->port, paths[i % 3]);
        if (r.status != 200 && r.status != 503)
            hm->failures++;
        http_reply_free(&r);
    }
    return NULL;
}

Test(health, concurrent_requests_share_runs_safely)
{
    fake_t pg = {.up = true}, duck = {.up = false};
    health_t *h = start(&pg, &duck);
    hammer_t hm[6];
    pthread_t t[6];
    for (int i = 0; i < 6; i++) {
        hm[i] = (hammer_t){health_port(h), 0};
        cr_assert(pthread_create(&t[i], NULL, hammer_run, &hm[i]) == 0);
    }
    for (int i = 0; i < 6; i++) {
        cr_assert(pthread_join(t[i], NULL) == 0);
        cr_assert_eq(hm[i].failures, 0);
    }
    health_free(h);
}
