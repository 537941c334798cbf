/*
 * source/spool.c: one streamed transaction's pgoutput messages, kept from its first Stream
 * Start until Stream Commit (replayed) or Stream Abort (dropped). PostgreSQL streams a
 * transaction only once it outgrew logical_decoding_work_mem (64 MB by default), so past
 * spill_bytes the records move to an unlinked temp file instead of growing the heap.
 * Records: [u32 len, host order][len bytes of the raw message]. Subtransactions are noted by
 * the offset of their first record, so ROLLBACK TO SAVEPOINT truncates there, as PostgreSQL's
 * own apply worker does (worker.c, subxact_info_add / stream_abort_internal).
 * Never touches the network; file errors are 58030 (53100 when the disk is full).
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

struct source_spool {
    am_buf_t mem;          /* records while small; unused once spilled */
    FILE *file;            /* all records once spilled */
    uint64_t size;         /* bytes of records written */
    size_t spill_bytes;    /* move to the file past this */
    uint32_t *sub_xids;    /* subtransactions, in the order of their first record */
    uint64_t *sub_offsets; /* ... and where that record starts */
    size_t n_sub;
    size_t cap_sub;
    uint64_t read_pos;
    am_buf_t rec; /* the record read last from the file */
};

source_spool_t *source__spool_new(size_t spill_bytes)
{
    source_spool_t *sp = am_xcalloc(1, sizeof *sp);
    am_buf_init(&sp->mem);
    am_buf_init(&sp->rec);
    sp->spill_bytes = spill_bytes;
    return sp;
}

void source__spool_free(source_spool_t *sp)
{
    if (!sp)
        return;
    if (sp->file && fclose(sp->file) != 0)
        am_log_warn("source", "could not close stream spool file");
    am_buf_destroy(&sp->mem);
    am_buf_destroy(&sp->rec);
    free(sp->sub_xids);
    free(sp->sub_offsets);
    free(sp);
}

bool source__spool_spilled(const source_spool_t *sp)
{
    return sp->file != NULL;
}

static void note_subxact(source_spool_t *sp, uint32_t subxid)
{
    /* changes come in runs per subtransaction: search from the newest */
    for (size_t i = sp->n_sub; i > 0; i--)
        if (sp->sub_xids[i - 1] == subxid)
            return;
    if (sp->n_sub == sp->cap_sub) {
        sp->cap_sub = sp->cap_sub ? sp->cap_sub * 2 : 8;
        sp->sub_xids = am_xrealloc(sp->sub_xids, sp->cap_sub * sizeof *sp->sub_xids);
        sp->sub_offsets = am_xrealloc(sp->sub_offsets, sp->cap_sub * sizeof *sp->sub_offsets);
    }
    sp->sub_xids[sp->n_sub] = subxid;
    sp->sub_offsets[sp->n_sub] = sp->size;
    sp->n_sub++;
}

static bool spill(source_spool_t *sp, am_err_t *err)
{
    sp->file = tmpfile();
    if (!sp->file)
        return am_err_errno(err, errno, "stream spool: could not create a temp file");
    if (sp->mem.len && fwrite(sp->mem.data, 1, sp->mem.len, sp->file) != sp->mem.len)
        return am_err_errno(err, errno, "stream spool: could not write the temp file");
    am_buf_destroy(&sp->mem);
    am_buf_init(&sp->mem);
    return true;
}

bool source__spool_append(source_spool_t *sp, uint32_t subxid, const uint8_t *msg, size_t len,
                          am_err_t *err)
{
    if (len > UINT32_MAX)
        return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "stream spool: message of %zu bytes",
                          len);
    uint32_t hdr = (uint32_t)len;
    if (!sp->file && sp->size + sizeof hdr + len > sp->spill_bytes && !spill(sp, err))
        return false;
    note_subxact(sp, subxid);
    if (sp->file) {
        if (fwrite(&hdr, sizeof hdr, 1, sp->file) != 1 || fwrite(msg, 1, len, sp->file) != len)
            return am_err_errno(err, errno, "stream spool: could not write the temp file");
    } else {
        am_buf_append(&sp->mem, &hdr, sizeof hdr);
        am_buf_append(&sp->mem, msg, len);
    }
    sp->size += sizeof hdr + len;
    return true;
}

static bool truncate_to(source_spool_t *sp, uint64_t offset, am_err_t *err)
{
    sp->size = offset;
    if (!sp->file) {
        sp->mem.len = (size_t)offset;
        if (sp->mem.data)
            sp->mem.data[sp->mem.len] = '\0'; /* am_buf_t's invariant */
        return true;
    }
    if (fflush(sp->file) != 0 || ftruncate(fileno(sp->file), (off_t)offset) != 0 ||
        fseeko(sp->file, (off_t)offset, SEEK_SET) != 0)
        return am_err_errno(err, errno, "stream spool: could not truncate the temp file");
    return true;
}

bool source__spool_abort_sub(source_spool_t *sp, uint32_t subxid, am_err_t *err)
{
    for (size_t i = 0; i < sp->n_sub; i++) {
        if (sp->sub_xids[i] != subxid)
            continue;
        /* later subtransactions started inside the aborted one: they go too */
        uint64_t offset = sp->sub_offsets[i];
        sp->n_sub = i;
        return truncate_to(sp, offset, err);
    }
    return true; /* it changed nothing we were sent */
}

bool source__spool_rewind(source_spool_t *sp, am_err_t *err)
{
    sp->read_pos = 0;
    if (sp->file && (fflush(sp->file) != 0 || fseeko(sp->file, 0, SEEK_SET) != 0))
        return am_err_errno(err, errno, "stream spool: could not rewind the temp file");
    return true;
}

bool source__spool_read(source_spool_t *sp, const uint8_t **msg, size_t *len, bool *got,
                        am_err_t *err)
{
    *got = false;
    if (sp->read_pos >= sp->size)
        return true;
    uint32_t hdr;
    if (!sp->file) {
        memcpy(&hdr, sp->mem.data + sp->read_pos, sizeof hdr);
        *msg = (const uint8_t *)sp->mem.data + sp->read_pos + sizeof hdr;
    } else {
        if (fread(&hdr, sizeof hdr, 1, sp->file) != 1)
            return am_err_errno(err, errno ? errno : EIO, "stream spool: short read");
        am_buf_reset(&sp->rec);
        am_buf_reserve(&sp->rec, hdr);
        if (hdr && fread(sp->rec.data, 1, hdr, sp->file) != hdr)
            return am_err_errno(err, errno ? errno : EIO, "stream spool: short read");
        sp->rec.len = hdr;
        *msg = (const uint8_t *)sp->rec.data;
    }
    *len = hdr;
    sp->read_pos += sizeof hdr + hdr;
    *got = true;
    return true;
}
