/*
 * proxy/session_txset.c: run-time settings are transactional, as PostgreSQL's GUCs are. A SET
 * in a block that rolls back is undone, SET LOCAL lasts until the block ends (committed or
 * not), ROLLBACK TO SAVEPOINT undoes the SETs made since the savepoint, and a simple query
 * string of several statements is one block for all of that. Without it, BEGIN; SET LOCAL
 * TimeZone ...; COMMIT left every later timestamp in the wrong zone.
 * Spec: PostgreSQL docs "SET" (LOCAL, rollback), "SAVEPOINT", "ROLLBACK TO SAVEPOINT".
 */
#include "proxy/proxy_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void snap_free(proxy_setting_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].value);
    }
    free(v);
}

static proxy_setting_t *snap_copy(const proxy_setting_t *v, size_t n)
{
    proxy_setting_t *out = am_xcalloc(n + 1, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = (proxy_setting_t){am_xstrdup(v[i].name), am_xstrdup(v[i].value)};
    return out;
}

static const char *snap_find(const proxy_setting_t *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(v[i].name, name) == 0)
            return v[i].value;
    return NULL;
}

/* Every setting back to what the snapshot holds; one made since then back to its default. */
static void restore_all(proxy_session_t *s, const proxy_setting_t *v, size_t n)
{
    /* restoring may add no slot, but names are copied: setting_set frees the old value */
    size_t count = s->n_settings;
    char **names = am_xcalloc(count + 1, sizeof *names);
    for (size_t i = 0; i < count; i++)
        names[i] = am_xstrdup(s->settings[i].name);
    for (size_t i = 0; i < count; i++) {
        proxy__setting_restore(s, names[i], snap_find(v, n, names[i]));
        free(names[i]);
    }
    free(names);
}

/* The savepoint whose copy holds what savepoint at restores: at's own, or, taken with nothing
 * changed since the one below, that one's; NULL: the transaction's start. A client saving a
 * savepoint per statement (pgjdbc's autosave) so costs a name each, not every setting. */
static const proxy_savepoint_t *snap_of(const proxy_session_t *s, size_t at)
{
    for (size_t i = at + 1; i-- > 0;)
        if (s->savepoints[i].values)
            return &s->savepoints[i];
    return NULL;
}

/* Settings and SET LOCAL list back to sp's copy, or the transaction's start (NULL). */
static void restore_to(proxy_session_t *s, const proxy_savepoint_t *sp)
{
    if (sp || s->tx_settings) /* no snapshot yet: nothing changed since the start */
        restore_all(s, sp ? sp->values : s->tx_settings, sp ? sp->n_values : s->n_tx_settings);
    snap_free(s->local_settings, s->n_local_settings);
    s->local_settings = sp ? snap_copy(sp->locals, sp->n_locals) : NULL;
    s->n_local_settings = sp ? sp->n_locals : 0;
    s->settings_dirty = true; /* the next savepoint copies: the newest copy may not be this */
}

static void savepoints_pop(proxy_session_t *s, size_t keep)
{
    while (s->n_savepoints > keep) {
        proxy_savepoint_t *sp = &s->savepoints[--s->n_savepoints];
        free(sp->name);
        snap_free(sp->values, sp->n_values);
        snap_free(sp->locals, sp->n_locals);
    }
}

void proxy__txset_begin(proxy_session_t *s)
{
    if (s->tx_open)
        return;
    s->tx_open = true;
    s->settings_dirty = false;
}

void proxy__txset_touch(proxy_session_t *s)
{
    if (!s->tx_open || s->tx_settings)
        return;
    s->tx_settings = snap_copy(s->settings, s->n_settings);
    s->n_tx_settings = s->n_settings;
}

void proxy__txset_end(proxy_session_t *s, bool commit)
{
    if (!s->tx_open)
        return;
    if (commit) {
        for (size_t i = 0; i < s->n_local_settings; i++)
            proxy__setting_restore(s, s->local_settings[i].name, s->local_settings[i].value);
    } else if (s->tx_settings) {
        restore_all(s, s->tx_settings, s->n_tx_settings);
    }
    s->tx_open = false;
    snap_free(s->tx_settings, s->n_tx_settings);
    snap_free(s->local_settings, s->n_local_settings);
    s->tx_settings = s->local_settings = NULL;
    s->n_tx_settings = s->n_local_settings = 0;
    savepoints_pop(s, 0);
    free(s->savepoints);
    s->savepoints = NULL;
}

void proxy__txset_set(proxy_session_t *s, const char *name, bool local)
{
    if (!s->tx_open)
        return;
    const char *now = proxy__setting_find(s, name);
    for (size_t i = 0; i < s->n_local_settings; i++)
        if (strcasecmp(s->local_settings[i].name, name) == 0) {
            /* a session SET after SET LOCAL is what the block's end keeps */
            if (!local) {
                free(s->local_settings[i].value);
                s->local_settings[i].value = am_xstrdup(now ? now : "");
            }
            return;
        }
    if (!local)
        return;
    s->local_settings =
        am_xrealloc(s->local_settings, (s->n_local_settings + 1) * sizeof *s->local_settings);
    s->local_settings[s->n_local_settings++] =
        (proxy_setting_t){am_xstrdup(name), am_xstrdup(now ? now : "")};
}

static bool savepoint_find(proxy_session_t *s, const char *name, size_t *at, am_err_t *err)
{
    for (size_t i = s->n_savepoints; i-- > 0;)
        if (strcmp(s->savepoints[i].name, name) == 0) {
            *at = i;
            return true;
        }
    return am_err_set(err, "3B001", "savepoint \"%s\" does not exist", name);
}

void proxy__txset_savepoint(proxy_session_t *s, const char *name)
{
    proxy__txset_begin(s);
    s->savepoints = am_xrealloc(s->savepoints, (s->n_savepoints + 1) * sizeof *s->savepoints);
    proxy_savepoint_t sp = {.name = am_xstrdup(name)};
    /* nothing changed since the savepoint below (or the transaction's start, which has no SET
     * LOCAL): its snapshot is this one's, and NULL values say so */
    if (s->settings_dirty) {
        sp.values = snap_copy(s->settings, s->n_settings);
        sp.n_values = s->n_settings;
        sp.locals = snap_copy(s->local_settings, s->n_local_settings);
        sp.n_locals = s->n_local_settings;
        s->settings_dirty = false;
    }
    s->savepoints[s->n_savepoints++] = sp;
}

bool proxy__txset_savepoint_known(proxy_session_t *s, const char *name, am_err_t *err)
{
    size_t at = 0;
    return savepoint_find(s, name, &at, err);
}

bool proxy__txset_rollback_to(proxy_session_t *s, const char *name, am_err_t *err)
{
    size_t at = 0;
    if (!savepoint_find(s, name, &at, err))
        return false;
    savepoints_pop(s, at + 1); /* the savepoint itself stays */
    restore_to(s, snap_of(s, at));
    return true;
}

bool proxy__txset_release(proxy_session_t *s, const char *name, am_err_t *err)
{
    size_t at = 0;
    if (!savepoint_find(s, name, &at, err))
        return false;
    savepoints_pop(s, at);
    s->settings_dirty = true; /* the last copy may have gone with it */
    return true;
}

/* An error aborts the innermost (sub)transaction at once, as PostgreSQL's does: its SETs are
 * undone (and reported) before ROLLBACK or ROLLBACK TO comes. */
void proxy__txset_fail(proxy_session_t *s)
{
    if (!s->tx_open)
        return;
    restore_to(s, s->n_savepoints ? snap_of(s, s->n_savepoints - 1) : NULL);
}
