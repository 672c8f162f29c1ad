/* The TAP device of tap mode, and the set-up around it: a private network
 * namespace (--netns), the kernel side's address and MAC, and giving up
 * the privileges that only this set-up needs.
 *
 * Set-up code: every function returns 0 (or a descriptor) or a negative
 * errno, and names the system call that failed through *call, so the
 * caller can say "ioctl(TUNSETIFF): Operation not permitted". */
#ifndef TCPLAB_TAP_H
#define TCPLAB_TAP_H

#include <stdbool.h>
#include <stdint.h>

#include "wire/eth.h"

#define TAP_DEFAULT_NAME "tcplab0"
#define TAP_NAME_MAX     16        /* IFNAMSIZ */

/* Create the TAP interface `name` (or attach to an existing persistent
 * one), without packet information, non-blocking.  *created tells whether
 * it is ours: a TAP we created goes away when its descriptor closes. */
int tap_open(const char *name, bool *created, const char **call);
/* The same, for --offload if `offload`: frames behind a virtio-net header
 * (IFF_VNET_HDR) and the kernel's GRO on what is written (IFF_NAPI). */
int tap_open_mode(const char *name, bool offload, bool *created, const char **call);
/* --offload after tap_open_flags: the header's size and the offloads the
 * kernel may use (checksum, TSO over IPv4 and IPv6). */
int tap_set_offload(int fd, const char **call);

/* Give the kernel's side of the interface the kernel host's MAC and
 * address/prefix, switch IPv6 off on it (no router solicitations, no
 * neighbour discovery to wade through) and bring it up. */
int tap_configure(const char *name, const uint8_t mac[ETH_ALEN], uint32_t addr, int prefix_len,
                  const char **call);

/* An existing TAP already set up as tap_configure would (its address,
 * up): a persistent TAP made for a user, usable without privileges. */
bool tap_is_configured(const char *name, uint32_t addr);

/* Move this process into a new network namespace of its own and bring up
 * its loopback interface. */
int tap_private_netns(const char **call);

/* Give up root: to the user who ran sudo (SUDO_UID, SUDO_GID) if there is
 * one, else keep the user and drop every capability.  *who says which. */
int tap_drop_privileges(char *who, size_t cap, const char **call);

#endif
