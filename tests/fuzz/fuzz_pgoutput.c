/*
 * tests/fuzz/fuzz_pgoutput.c: a sequence of pgoutput messages into one decoder
 * (source_decoder_decode, then source_decoder_next while a streamed transaction replays).
 * Input: messages as [u32 big-endian length][bytes], repeated; a short or overlong tail is fed
 * as one last message. Each message decodes or fails with a SQLSTATE and a one-line message;
 * nothing crashes, leaks or reads outside what it was given. Streamed transactions spill to a
 * temp file past 4 kB, so the file path is fuzzed too. An input of odd length is read as a
 * binary stream's ('b' columns decoded as binary COPY fields, other types' relations refused).
 * Corpus: tests/fuzz/corpus/pgoutput/ (postgres.md §2 captures, recorded PostgreSQL 15 sessions).
 */
#include <stdint.h>
#include <string.h>

#include "source/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink_sum; /* keeps the value reads from being optimised away */

/* Touches every byte a change points to, so ASan sees any out-of-bounds pointer. */
static void touch_change(const source_change_t *ch)
{
    uint64_t sum = 0;
    const am_value_t *tuples[2] = {ch->old_vals, ch->new_vals};
    for (int t = 0; t < 2; t++) {
        if (!tuples[t])
            continue;
        AM_ASSERT(ch->rel != NULL);
        for (size_t i = 0; i < ch->rel->n_cols; i++) {
            const am_value_t *v = &tuples[t][i];
            sum += v->kind + (uint64_t)v->i;
            for (uint32_t j = 0; v->kind == AM_VALUE_PRESENT && v->s && j < v->len; j++)
                sum += (uint8_t)v->s[j];
        }
    }
    for (size_t i = 0; i < ch->n_truncate; i++)
        sum += ch->truncate_relids[i];
    if (ch->rel)
        sum += strlen(ch->rel->schema) + strlen(ch->rel->name) + ch->rel->n_cols;
    sink_sum += sum;
}

static void check_error(const am_err_t *err)
{
    AM_ASSERT(strlen(err->sqlstate) == 5);
    AM_ASSERT(err->msg[0] != '\0');
    AM_ASSERT(memchr(err->msg, '\n', strlen(err->msg)) == NULL);
}

static void feed(source_decoder_t *dec, const uint8_t *msg, size_t len)
{
    source_change_t ch;
    am_err_t err = {0};
    if (!source_decoder_decode(dec, msg, len, &ch, &err)) {
        check_error(&err);
        return;
    }
    touch_change(&ch);
    while (source_decoder_pending(dec)) {
        am_err_t next_err = {0};
        if (!source_decoder_next(dec, &ch, &next_err)) {
            check_error(&next_err);
            AM_ASSERT(!source_decoder_pending(dec));
            return;
        }
        touch_change(&ch);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    source_decoder_t *dec = source_decoder_new();
    source_decoder_set_spill_bytes(dec, 4096);
    source_decoder_set_binary(dec, size % 2 == 1);
    size_t pos = 0;
    while (pos < size) {
        size_t left = size - pos;
        uint32_t len = left >= 4 ? (uint32_t)data[pos] << 24 | (uint32_t)data[pos + 1] << 16 |
                                       (uint32_t)data[pos + 2] << 8 | data[pos + 3]
                                 : 0;
        if (left < 4 || len > left - 4) {
            feed(dec, data + pos, left);
            break;
        }
        feed(dec, data + pos + 4, len);
        pos += 4 + len;
    }
    source_decoder_free(dec);
    return 0;
}
