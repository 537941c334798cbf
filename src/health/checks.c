/*
 * health/checks.c: running the registered component checks and rendering what they said:
 * the /health text, the /health/detailed JSON (jansson) and arctic_mirror_component_up.
 *
 * Checks run at request time, one run at a time (run_lock: a check may do I/O, and two
 * scrapes must not hit PostgreSQL twice); a run younger than HEALTH__CACHE_US is reused.
 * A run produces an immutable, refcounted snapshot in its own arena, swapped in under
 * snap_lock, so rendering never waits behind a slow check.
 */
#include "health/health.h"
#include "health/health_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- what a check reports ---------------------------------------------------------------- */

static health__detail_t *detail_slot(health_report_t *r, const char *key)
{
    if (!key)
        return NULL;
    for (size_t i = 0; i < r->n_details; i++) {
        if (strcmp(r->details[i].key, key) == 0)
            return &r->details[i];
    }
    if (r->n_details == HEALTH__MAX_DETAILS)
        return NULL; /* a check that reports more is verbose, not broken: drop the rest */
    health__detail_t *d = &r->details[r->n_details++];
    d->key = am_arena_strdup(r->arena, key);
    return d;
}

static bool hidden_key(const health_report_t *r, const char *key)
{
    static const char *const keys[] = {"host", "port", "path", "file"};
    for (size_t i = 0; r->redact && key && i < AM_ARRAY_LEN(keys); i++)
        if (strcmp(key, keys[i]) == 0)
            return true;
    return false;
}

static bool is_address(const char *w, size_t n)
{
    size_t dots = 0, colons = 0, digits = 0;
    for (size_t i = 0; i < n; i++) {
        dots += w[i] == '.';
        colons += w[i] == ':';
        digits += w[i] >= '0' && w[i] <= '9';
    }
    return (dots == 3 && digits >= 4 && digits + dots == n) || colons >= 2;
}

/* Paths and IP addresses in free text become "[path]" and "[address]". */
static const char *redact_text(health_report_t *r, const char *s)
{
    if (!r->redact || !s)
        return s;
    am_buf_t b;
    am_buf_init(&b);
    while (*s) {
        size_t n = strcspn(s, " \t\"'(),=");
        if (n == 0) {
            am_buf_putc(&b, *s++);
            continue;
        }
        if (s[0] == '/' || (n > 7 && strncmp(s, "file://", 7) == 0))
            am_buf_puts(&b, "[path]");
        else if (is_address(s, n))
            am_buf_puts(&b, "[address]");
        else
            am_buf_append(&b, s, n);
        s += n;
    }
    char *out = am_arena_strdup(r->arena, b.data ? b.data : "");
    am_buf_destroy(&b);
    return out;
}

void health_report_str(health_report_t *r, const char *key, const char *value)
{
    if (hidden_key(r, key))
        return;
    health__detail_t *d = detail_slot(r, key);
    if (!d)
        return;
    d->is_num = false;
    d->str = value ? am_arena_strdup(r->arena, redact_text(r, value)) : NULL;
}

void health_report_num(health_report_t *r, const char *key, double value)
{
    if (hidden_key(r, key))
        return;
    health__detail_t *d = detail_slot(r, key);
    if (!d)
        return;
    d->is_num = true;
    d->num = value;
}

void health_report_message(health_report_t *r, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* one line: the /health body gives each failing component one */
    for (char *p = msg; *p; p++) {
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    }
    size_t len = strlen(msg);
    while (len > 0 && msg[len - 1] == ' ')
        msg[--len] = '\0';
    r->message = am_arena_strdup(r->arena, redact_text(r, msg));
}

int64_t health_report_deadline_us(const health_report_t *r)
{
    return r->deadline_us;
}

/* ---- running ----------------------------------------------------------------------------- */

static void log_transition(health__check_t *c, const health_report_t *r)
{
    if (c->ran && c->was_up == r->up)
        return;
    if (r->up)
        am_log_info("health", "component up", AM_KV_STR("component", c->name));
    else
        am_log_warn("health", "component down", AM_KV_STR("component", c->name),
                    AM_KV_STR("reason", r->message));
    c->ran = true;
    c->was_up = r->up;
}

/* Caller holds run_lock. */
static health__snapshot_t *run_checks(health_t *h)
{
    am_arena_t *a = am_arena_new(8192);
    health__snapshot_t *s = am_arena_alloc(a, sizeof *s);
    *s = (health__snapshot_t){.arena = a, .n = h->n_checks, .refs = 1};
    s->reports = am_arena_alloc(a, (h->n_checks ? h->n_checks : 1) * sizeof *s->reports);
    for (size_t i = 0; i < h->n_checks; i++) {
        health__check_t *c = &h->checks[i];
        health_report_t *r = &s->reports[i];
        *r = (health_report_t){.arena = a, .name = c->name, .message = "", .redact = !h->detailed};
        r->deadline_us = am_mono_us() + HEALTH__CHECK_BUDGET_US;
        r->up = c->fn(c->ud, r);
        if (!r->up && !*r->message)
            r->message = "check failed";
        log_transition(c, r);
    }
    s->taken_us = am_mono_us();
    return s;
}

void health__snapshot_free(health__snapshot_t *s)
{
    if (s)
        am_arena_free(s->arena); /* s itself lives in it */
}

void health__snapshot_release(health_t *h, health__snapshot_t *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&h->snap_lock);
    bool last = --s->refs == 0;
    pthread_mutex_unlock(&h->snap_lock);
    if (last)
        health__snapshot_free(s);
}

static health__snapshot_t *current_if_fresh(health_t *h)
{
    pthread_mutex_lock(&h->snap_lock);
    health__snapshot_t *s = h->current;
    if (s && am_mono_us() - s->taken_us < HEALTH__CACHE_US)
        s->refs++;
    else
        s = NULL;
    pthread_mutex_unlock(&h->snap_lock);
    return s;
}

health__snapshot_t *health__snapshot_get(health_t *h)
{
    pthread_mutex_lock(&h->run_lock);
    health__snapshot_t *s = current_if_fresh(h);
    if (!s) {
        s = run_checks(h);
        pthread_mutex_lock(&h->snap_lock);
        health__snapshot_t *old = h->current;
        h->current = s;
        s->refs++; /* one for current, one for the caller */
        pthread_mutex_unlock(&h->snap_lock);
        health__snapshot_release(h, old);
    }
    pthread_mutex_unlock(&h->run_lock);
    return s;
}

/* ---- rendering --------------------------------------------------------------------------- */

bool health__render_status(const health__snapshot_t *s, am_buf_t *out)
{
    size_t down = 0;
    for (size_t i = 0; i < s->n; i++)
        down += !s->reports[i].up;
    if (down == 0) {
        am_buf_puts(out, "ok\n");
        return true;
    }
    am_buf_puts(out, "unhealthy\n");
    for (size_t i = 0; i < s->n; i++) {
        if (!s->reports[i].up)
            am_buf_printf(out, "%s: %s\n", s->reports[i].name, s->reports[i].message);
    }
    return false;
}

/* jansson refuses invalid UTF-8 (a libpq message in a Latin-1 locale): say so, not crash. */
static json_t *json_text(const char *s)
{
    json_t *j = json_string(s);
    return j ? j : json_string("(not valid UTF-8)");
}

/* Whole numbers print as integers ("rows": 12, not 12.0); JSON has no NaN or Infinity. */
static json_t *json_number(double v)
{
    if (!isfinite(v))
        return json_null();
    if (v == floor(v) && fabs(v) < 9007199254740992.0)
        return json_integer((json_int_t)v);
    return json_real(v);
}

static json_t *component_json(const health_report_t *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "status", json_string(r->up ? "up" : "down"));
    json_object_set_new(o, "message", json_text(r->message));
    for (size_t i = 0; i < r->n_details; i++) {
        const health__detail_t *d = &r->details[i];
        if (strcmp(d->key, "status") == 0 || strcmp(d->key, "message") == 0)
            continue; /* ours: a check cannot make itself look up */
        json_t *v = d->is_num ? json_number(d->num) : (d->str ? json_text(d->str) : json_null());
        json_object_set_new(o, d->key, v);
    }
    return o;
}

void health__render_detailed(const health__snapshot_t *s, am_buf_t *out)
{
    bool all_up = true;
    json_t *components = json_object();
    for (size_t i = 0; i < s->n; i++) {
        all_up = all_up && s->reports[i].up;
        json_object_set_new(components, s->reports[i].name, component_json(&s->reports[i]));
    }
    json_t *root = json_object();
    json_object_set_new(root, "status", json_string(all_up ? "ok" : "unhealthy"));
    json_object_set_new(root, "uptime_seconds",
                        json_integer((json_int_t)floor(health__uptime_seconds())));
    json_object_set_new(root, "components", components);
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    AM_ASSERT(text != NULL); /* only out of memory fails here */
    am_buf_puts(out, text);
    am_buf_putc(out, '\n');
    free(text);
    json_decref(root);
}

void health__render_components(const health__snapshot_t *s, am_buf_t *out)
{
    if (s->n == 0)
        return;
    am_buf_puts(out, "# HELP arctic_mirror_component_up Whether the component's health check "
                     "passes (1) or fails (0).\n"
                     "# TYPE arctic_mirror_component_up gauge\n");
    for (size_t i = 0; i < s->n; i++) {
        am_buf_puts(out, "arctic_mirror_component_up{component=\"");
        health__escape_label_value(out, s->reports[i].name);
        am_buf_printf(out, "\"} %d\n", s->reports[i].up ? 1 : 0);
    }
}
