/* Raw bytes as text: the -x and -X dumps, tcpdump's default printer for
 * payloads nobody decodes, and single characters of RST text.
 * tcpdump 4.99.3 print-ascii.c and util-print.c; format in
 * shared/docs/tcpdump-format.md §9 and §8.5. */
#include <string.h>

#include "decode/decode_int.h"

#define BYTES_PER_LINE 16
#define HEX_COLUMNS 40          /* 8 groups of " xxxx" */

/* -X shows 0x21..0x7e as themselves; everything else, space included, as '.' */
static char printable(uint8_t c)
{
    return c > 0x20 && c < 0x7f ? (char)c : '.';
}

/* Bytes past snapend are not dumped; like tcpdump, say so with " [|proto]". */
static uint32_t clamp(const struct nd *nd, uint32_t off, uint32_t len, bool *cut)
{
    uint32_t avail = nd_avail(nd, off);
    *cut = len > avail;
    return *cut ? avail : len;
}

void nd_hex_dump(struct nd *nd, uint32_t off, uint32_t len)
{
    nd_hex_dump_ident(nd, "\n\t", off, len);
}

void nd_hex_dump_ident(struct nd *nd, const char *ident, uint32_t off, uint32_t len)
{
    bool cut;
    len = clamp(nd, off, len, &cut);
    for (uint32_t i = 0; i < len; i += 2) {
        if (i % BYTES_PER_LINE == 0)
            nd_print(nd, "%s0x%04x: ", ident, i);
        if (i + 1 < len)
            nd_print(nd, " %02x%02x", nd->pkt[off + i], nd->pkt[off + i + 1]);
        else
            nd_print(nd, " %02x", nd->pkt[off + i]);
    }
    if (cut)
        nd_print_trunc(nd);
}

void nd_hex_ascii_dump(struct nd *nd, uint32_t off, uint32_t len)
{
    bool cut;
    len = clamp(nd, off, len, &cut);
    for (uint32_t line = 0; line < len; line += BYTES_PER_LINE) {
        char hex[HEX_COLUMNS + 1], text[BYTES_PER_LINE + 1];
        size_t h = 0, t = 0;
        for (uint32_t i = line; i < len && i < line + BYTES_PER_LINE; i += 2) {
            uint8_t a = nd->pkt[off + i];
            text[t++] = printable(a);
            if (i + 1 < len) {
                uint8_t b = nd->pkt[off + i + 1];
                h += (size_t)snprintf(hex + h, sizeof(hex) - h, " %02x%02x", a, b);
                text[t++] = printable(b);
            } else {
                h += (size_t)snprintf(hex + h, sizeof(hex) - h, " %02x", a);
            }
        }
        text[t] = '\0';
        nd_print(nd, "\n\t0x%04x: %-*s  %s", line, HEX_COLUMNS, hex, text);
    }
    if (cut)
        nd_print_trunc(nd);
}

void nd_default_print(struct nd *nd, uint32_t off, uint32_t len)
{
    nd_hex_ascii_dump(nd, off, len);
}

void nd_print_char(struct nd *nd, uint8_t c)
{
    if (c & 0x80) {
        nd_print(nd, "M-");
        c &= 0x7f;
    }
    if (c < 0x20 || c == 0x7f)
        nd_print(nd, "^%c", c ^ 0x40);
    else
        nd_print(nd, "%c", c);
}

void nd_unknown_data(struct nd *nd, uint32_t off, const char *ident, uint32_t len)
{
    if (off > nd->snapend) {
        nd_print(nd, "%sDissector error: print_unknown_data called with pointer past end of packet",
                 ident);
        return;
    }
    if (nd_avail(nd, off) < len)
        len = nd_avail(nd, off);
    nd_hex_dump_ident(nd, ident, off, len);
}
