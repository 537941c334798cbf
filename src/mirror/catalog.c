/*
 * mirror/catalog.c: keeping the served catalog in step with the source. The document comes
 * from source_catalog_capture, is stored by lake_catalog_write, and a watermark names it; a
 * capture equal to the current document apart from its LSN writes nothing. Neither looks
 * inside the document (the proxy does).
 */
#include "mirror/mirror_internal.h"

#include <stdlib.h>

/* Whether doc equals the document catalog_name holds; an unreadable one counts as different. */
static bool catalog_unchanged(mirror_t *m, const am_buf_t *doc)
{
    if (!m->catalog_name)
        return false;
    am_buf_t cur;
    am_buf_init(&cur);
    am_err_t err = {0};
    bool same = false;
    if (lake_catalog_read(m->warehouse, m->catalog_name, &cur, &err))
        same = source_catalog_same(cur.data, cur.len, doc->data, doc->len);
    else
        am_log_warn("mirror", "current catalog unreadable, writing a new one",
                    AM_KV_STR("catalog", m->catalog_name), AM_KV_ERR(&err));
    am_buf_destroy(&cur);
    return same;
}

bool mirror__catalog_refresh(mirror_t *m, am_err_t *err)
{
    am_buf_t doc;
    am_buf_init(&doc);
    bool ok = source_catalog_capture(m->src, &doc, err);
    if (ok && !catalog_unchanged(m, &doc)) {
        char *name = NULL;
        ok = lake_catalog_write(m->lake, doc.data, doc.len, &name, err);
        if (ok) {
            free(m->catalog_name);
            m->catalog_name = name;
            ok = m->watermark_lsn == 0 || mirror__rewrite_watermark(m, err);
        }
    } else if (ok) {
        am_log_info("mirror", "catalog unchanged", AM_KV_STR("catalog", m->catalog_name));
    }
    am_buf_destroy(&doc);
    return ok;
}
