/*
 * tests/fuzz/fuzz_metadata.c: the Iceberg table metadata loader (vN.metadata.json through
 * jansson into lake__meta_t) on arbitrary bytes. Each input parses or fails with an error
 * naming the file; nothing may crash or leak. A document that parses is also turned into its
 * next version, as a commit would, and into a new schema (docs). Corpus: metadata files our
 * writer produced.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lake/lake_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    am_err_t err = {0};
    lake__meta_t m;
    if (!lake__meta_parse((const char *)data, size, "fuzz.metadata.json", &m, &err)) {
        AM_ASSERT(err.msg[0] != '\0');
        return 0;
    }
    char *schema = lake__meta_schema_text(&m);
    free(schema);
    json_t *summary = json_pack("{s:s}", "operation", "append");
    lake__snap_t s = {.id = 1,
                      .parent_id = m.snap_id,
                      .seq = m.last_seq + 1,
                      .timestamp_ms = m.last_updated_ms,
                      .manifest_list = "file:///x",
                      .summary = summary};
    json_t *next = lake__meta_add_snapshot(&m, &s, "file:///prev", 100);
    json_decref(next);
    json_decref(summary);
    /* and its docs changed in a metadata-only schema commit */
    next = lake__meta_add_schema(&m, m.cols, m.last_updated_ms, "file:///prev", 100);
    json_decref(next);
    lake__meta_destroy(&m);
    return 0;
}
