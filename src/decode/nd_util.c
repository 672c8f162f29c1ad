/* Helpers shared by the printers: addresses as text (always numeric, -n)
 * and the Internet checksum (RFC 1071) with tcpdump's "should be" value. */
#include "decode/decode_int.h"

void nd_print_ipaddr(struct nd *nd, uint32_t off)
{
    if (!nd_ttest(nd, off, 4))
        nd_trunc(nd);
    const uint8_t *a = nd->pkt + off;
    nd_print(nd, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

void nd_print_macaddr(struct nd *nd, uint32_t off)
{
    if (!nd_ttest(nd, off, 6))
        nd_trunc(nd);
    const uint8_t *m = nd->pkt + off;
    nd_print(nd, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

uint32_t nd_sum(const struct nd *nd, uint32_t off, uint32_t len, uint32_t initial)
{
    uint64_t sum = initial;
    const uint8_t *p = nd->pkt + off;
    uint32_t i = 0;
    for (; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (i < len)
        sum += (uint32_t)p[i] << 8;
    while (sum >> 32)
        sum = (sum & 0xffffffffu) + (sum >> 32);
    return (uint32_t)sum;
}

uint16_t nd_cksum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)(~sum & 0xffff);
}

/* tcpdump's in_cksum_shouldbe: `computed` is the complemented sum over
 * everything including the stored field, so stored + computed (one's
 * complement, end-around carry) is the negated sum of everything else,
 * i.e. the right field value (RFC 1624 §3). */
uint16_t nd_cksum_shouldbe(uint16_t stored, uint16_t computed)
{
    uint32_t shouldbe = (uint32_t)stored + computed;
    shouldbe = (shouldbe & 0xffff) + (shouldbe >> 16);
    shouldbe = (shouldbe & 0xffff) + (shouldbe >> 16);
    return (uint16_t)shouldbe;
}

/* An IPv6 address as tcpdump's addrtostr6 writes it (RFC 4291 §2.2 text
 * form): lower-case hex words, the longest run of two or more zero words
 * (the first of equal runs) as "::", and the last 32 bits dotted for
 * IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) addresses. */
void nd_print_ip6addr(struct nd *nd, uint32_t off)
{
    if (!nd_ttest(nd, off, 16))
        nd_trunc(nd);
    nd_print_ip6bytes(nd, nd->pkt + off);
}

void nd_print_ip6bytes(struct nd *nd, const uint8_t a[16])
{
    uint16_t w[8];
    int best = -1, best_len = 0, cur = -1, cur_len = 0;
    for (int i = 0; i < 8; i++) {
        w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
        if (w[i] == 0) {
            if (cur == -1) {
                cur = i;
                cur_len = 0;
            }
            cur_len++;
        } else if (cur != -1) {
            if (best == -1 || cur_len > best_len) {
                best = cur;
                best_len = cur_len;
            }
            cur = -1;
        }
    }
    if (cur != -1 && (best == -1 || cur_len > best_len)) {
        best = cur;
        best_len = cur_len;
    }
    if (best != -1 && best_len < 2)
        best = -1;
    for (int i = 0; i < 8; i++) {
        if (best != -1 && i >= best && i < best + best_len) {
            if (i == best)
                nd_print(nd, ":");
            continue;
        }
        if (i != 0)
            nd_print(nd, ":");
        if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
            nd_print(nd, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
            return;
        }
        nd_print(nd, "%x", w[i]);
    }
    if (best != -1 && best + best_len == 8)
        nd_print(nd, ":");
}

/* prefix then the address, printed only once the address is known to be
 * captured: tcpdump reads its arguments before it prints anything. */
void nd_print_ip6addr_after(struct nd *nd, const char *prefix, uint32_t off)
{
    if (!nd_ttest(nd, off, 16))
        nd_trunc(nd);
    nd_print(nd, "%s", prefix);
    nd_print_ip6addr(nd, off);
}
