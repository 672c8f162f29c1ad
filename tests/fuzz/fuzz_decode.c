/* libFuzzer target: the tcpdump decoder on arbitrary frames.
 * Input: byte 0 selects the flags (-S -v -e -x/-X), byte 1 how many bytes
 * the frame was longer on the wire than captured, the rest is the frame.
 * The decoder must never crash nor read past the captured bytes (ASan). */
#include <stdint.h>
#include <stdio.h>

#include "decode/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null;
    if (!null)
        null = fopen("/dev/null", "w");
    if (size < 2 || !null)
        return 0;
    uint8_t f = data[0];
    struct decode_opts o = {
        .abs_seq = f & 1,
        .verbose = (f >> 1) & 3,
        .link = (f >> 3) & 1,
        .hex = (f >> 4) & 3,
        .tstamp = (f >> 6) & 1,
    };
    struct decoder *d = decoder_new(&o);
    if (!d)
        return 0;
    uint32_t caplen = (uint32_t)(size - 2);
    uint32_t len = caplen + data[1];
    struct timeval tv = {0, 0};
    /* twice: the second pass meets the relative-sequence table's entry */
    decode_frame(d, null, data + 2, caplen, len, tv);
    decode_frame(d, null, data + 2, caplen, len, tv);
    decoder_free(d);
    return 0;
}
