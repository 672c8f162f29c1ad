/* Internal to the kernel host (kernel.c, kernel_obs.c). */
#ifndef TCPLAB_KERNEL_INT_H
#define TCPLAB_KERNEL_INT_H

#include "link/kernel.h"

struct ksock *ks_add(struct khost *k);
void ks_remove(struct khost *k, struct ksock *s);
/* Re-read a held socket: addresses, state, queues, TCP_INFO. */
void ks_refresh(struct ksock *s);
/* A watched connection without a descriptor, by cookie or by 4-tuple. */
struct ksock *ks_find_conn(struct khost *k, uint64_t cookie, uint32_t laddr, uint16_t lport,
                           uint32_t raddr, uint16_t rport);
/* Observe; a change of `s` is put down to `cause` (a call), unless that is
 * TCP_CAUSE_NONE. */
size_t kobserve(struct khost *k, tl_time now, struct ksock *s, enum tcp_cause cause);
void ktrace_add(struct khost *k, tl_time now, const struct ksock *s, int vfd,
                enum tcp_state old_state, enum tcp_state new_state, enum tcp_cause cause);

#endif
