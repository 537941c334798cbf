/*
 * lake/state.c: the live files of one snapshot, read from its manifest list and manifests
 * with sequence-number and snapshot-id inheritance applied. Shared by the write side (a
 * table's current snapshot) and the read side (lake_read_plan at any thread). Reads files by
 * their file:// URIs; never writes.
 * Spec: Iceberg table spec "Sequence Number Inheritance", "Scan Planning";
 * reference/iceberg.md section 6.
 */
#include "lake/lake_internal.h"

#include <stdlib.h>
#include <string.h>

char *lake__uri_path(const char *uri)
{
    if (strncmp(uri, "file:///", 8) == 0)
        return am_xstrdup(uri + 7);
    if (strncmp(uri, "file://localhost/", 17) == 0)
        return am_xstrdup(uri + 16);
    if (strncmp(uri, "file://", 7) == 0)
        return NULL; /* another host */
    if (strncmp(uri, "file:/", 6) == 0)
        return am_xstrdup(uri + 5);
    if (uri[0] == '/')
        return am_xstrdup(uri);
    return NULL;
}

static bool read_uri(const char *uri, am_buf_t *out, am_err_t *err)
{
    char *path = lake__uri_path(uri);
    if (!path)
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                          "file \"%s\": only file:// URIs are supported", uri);
    bool ok = am_file_read_all(path, out, err);
    free(path);
    return ok;
}

static void grow(void **arr, size_t n, size_t elem)
{
    /* capacity is the next power of two: grow when n reaches one */
    if (n == 0 || (n & (n - 1)) == 0)
        *arr = am_xrealloc(*arr, (n ? n * 2 : 4) * elem);
}

void lake__state_push_data(lake__state_t *s, const lake__file_t *f)
{
    grow((void **)&s->data, s->n_data, sizeof *s->data);
    lake__file_copy(&s->data[s->n_data++], f);
}

void lake__state_push_del(lake__state_t *s, const lake__file_t *f)
{
    grow((void **)&s->dels, s->n_dels, sizeof *s->dels);
    lake__file_copy(&s->dels[s->n_dels++], f);
}

void lake__state_push_mref(lake__state_t *s, const lake__mref_t *m)
{
    grow((void **)&s->mrefs, s->n_mrefs, sizeof *s->mrefs);
    s->mrefs[s->n_mrefs] = *m;
    s->mrefs[s->n_mrefs++].path = am_xstrdup(m->path);
}

void lake__state_destroy(lake__state_t *s)
{
    for (size_t i = 0; i < s->n_mrefs; i++)
        lake__mref_destroy(&s->mrefs[i]);
    for (size_t i = 0; i < s->n_data; i++)
        lake__file_destroy(&s->data[i]);
    for (size_t i = 0; i < s->n_dels; i++)
        lake__file_destroy(&s->dels[i]);
    free(s->mrefs);
    free(s->data);
    free(s->dels);
    memset(s, 0, sizeof *s);
}

int64_t lake__state_live_rows(const lake__state_t *s)
{
    int64_t n = 0;
    for (size_t i = 0; i < s->n_data; i++)
        if (s->data[i].live)
            n += s->data[i].record_count;
    for (size_t i = 0; i < s->n_dels; i++)
        if (s->dels[i].live)
            n -= s->dels[i].record_count;
    return n;
}

/* ADDED entries inherit null seqs and snapshot id from the manifest; others must carry them. */
static bool inherit(const lake__mref_t *m, lake__entry_t *e, am_err_t *err)
{
    if (e->status == 1) {
        if (e->f.data_seq < 0)
            e->f.data_seq = m->seq;
        if (e->f.file_seq < 0)
            e->f.file_seq = m->seq;
        if (e->f.snapshot_id < 0)
            e->f.snapshot_id = m->added_snapshot_id;
        return true;
    }
    if (e->f.data_seq < 0 || e->f.file_seq < 0 || e->f.snapshot_id < 0)
        return am_err_set(err, "XX001",
                          "manifest %s: entry \"%s\" with status %d lacks a sequence number or "
                          "snapshot id",
                          m->path, e->f.path, e->status);
    return true;
}

static bool load_manifest(lake__state_t *s, const lake__mref_t *m, am_err_t *err)
{
    lake__mcached_t *h = NULL;
    const lake__entry_t *es = NULL;
    size_t n = 0;
    bool ok = lake__mcache_get(m->path, &h, &es, &n, err);
    for (size_t i = 0; ok && i < n; i++) {
        lake__entry_t e = es[i]; /* inheritance fills scalars of our copy, never the shared one */
        ok = inherit(m, &e, err);
        if (!ok || e.status == 2)
            continue;
        if (e.f.content == 2)
            ok = am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                            "manifest %s: equality delete files are not supported", m->path);
        else if (e.f.content == 1)
            lake__state_push_del(s, &e.f);
        else
            lake__state_push_data(s, &e.f);
    }
    lake__mcache_release(h);
    return ok;
}

bool lake__state_load(const char *manifest_list_uri, lake__state_t *out, am_err_t *err)
{
    memset(out, 0, sizeof *out);
    if (!manifest_list_uri || !*manifest_list_uri)
        return true;
    am_buf_t b;
    am_buf_init(&b);
    lake__mref_t *refs = NULL;
    size_t n = 0;
    bool ok = read_uri(manifest_list_uri, &b, err) &&
              lake__mlist_decode((const uint8_t *)b.data, b.len, manifest_list_uri, &refs, &n, err);
    am_buf_destroy(&b);
    for (size_t i = 0; i < n; i++) {
        if (ok)
            ok = load_manifest(out, &refs[i], err);
        lake__state_push_mref(out, &refs[i]);
        lake__mref_destroy(&refs[i]);
    }
    free(refs);
    if (!ok)
        lake__state_destroy(out);
    return ok;
}
