/* The lab's two hosts: the one place their names, addresses and MACs are
 * written down.  Both sit on one Ethernet, in one /16; each MAC is the
 * locally administered 02:00 followed by the host's IPv4 address.  The
 * stack configures its hosts from here, tap mode gives the kernel host its
 * address from here, the shell and the lab files name hosts from here. */
#ifndef TCPLAB_LAB_HOSTS_H
#define TCPLAB_LAB_HOSTS_H

#include <stdint.h>

/* X(INDEX, NAME, IPV4 ADDRESS, MAC) */
#define LAB_HOST_LIST(X)                                                         \
    X(0, "romeo", 0x0a0a0164, {0x02, 0x00, 0x0a, 0x0a, 0x01, 0x64}) /* 10.10.1.100 */ \
    X(1, "juliet", 0x0a0a0264, {0x02, 0x00, 0x0a, 0x0a, 0x02, 0x64}) /* 10.10.2.100 */

#define LAB_HOSTS      2          /* romeo (0) and juliet (1) */
#define LAB_PREFIX_LEN 16         /* 10.10.0.0/16 */

struct lab_host {
    const char *name;
    uint32_t addr;              /* host byte order */
    uint8_t mac[6];
};
extern const struct lab_host lab_hosts[LAB_HOSTS];

/* The host index for "romeo" / "juliet", or -1. */
int lab_host_index(const char *name);
/* "romeo", "juliet", or "?" for an index out of range. */
const char *lab_host_name(int idx);

#endif
