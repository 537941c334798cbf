/*
 * tests/fuzz/fuzz_pkfile.c: the key index's checkpoint reader (mirror__pkfile_decode, what a
 * start reads from <warehouse>/_arctic/index/) on arbitrary bytes. A checkpoint's header and
 * body are hash-checked before the body is trusted, and random bytes never pass that check;
 * so byte 0 picks how the rest is read:
 *   odd:  the rest is the file, exactly as on disk (the header and trailer checks);
 *   even: the rest is a file whose two hashes (the header's and the body's) and body length
 *         are made to agree here before it is read, so that damaged contents reach the body's
 *         parser and the slot-by-slot check behind it (mirror__pk_check).
 * Each input decodes or fails with an XX001 error saying what is damaged; nothing may crash,
 * read outside the input or leak. The reader gets the input in pieces of exactly the size it
 * asks for, as from storage_reader_read. Corpus: tests/fuzz/corpus/pkfile/, checkpoints the
 * mirror wrote for the e2e fixture's tables (an integer key, a composite one), in both modes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mirror/mirror_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER 72
#define TRAILER 16

static const uint8_t end_magic[8] = {'A', 'M', 'P', 'K', 'E', 'N', 'D', 1};

typedef struct mem {
    const uint8_t *p;
    size_t len, off;
} mem_t;

static bool mem_read(void *ud, void *p, size_t len)
{
    mem_t *m = ud;
    if (len > m->len - m->off)
        return false;
    memcpy(p, m->p + m->off, len);
    m->off += len;
    return true;
}

/* The file with its body length and both hashes made to match what it holds. */
static void seal(uint8_t *f, size_t len)
{
    uint64_t body = len - HEADER - TRAILER, h;
    memcpy(f + 56, &body, 8);
    h = mirror__pkfile_hash(f, 64);
    memcpy(f + 64, &h, 8);
    h = mirror__pkfile_hash(f + HEADER, (size_t)body);
    memcpy(f + len - TRAILER, &h, 8);
    memcpy(f + len - 8, end_magic, sizeof end_magic);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t len = size - 1;
    uint8_t *f = malloc(len ? len : 1);
    if (!f)
        return 0;
    memcpy(f, data + 1, len);
    if (!(data[0] & 1) && len >= HEADER + TRAILER)
        seal(f, len);
    mem_t m = {f, len, 0};
    mirror_pkimage_t im;
    am_err_t err = {0};
    if (mirror__pkfile_decode(mem_read, &m, len, &im, &err))
        mirror__pkimage_destroy(&im);
    else
        AM_ASSERT(strcmp(err.sqlstate, "XX001") == 0 && err.msg[0] != '\0');
    free(f);
    return 0;
}
