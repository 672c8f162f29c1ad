/* Why a frame (or segment) was dropped.  One X-macro list generates the enum
 * and its names; every drop in the stack is counted under one of these. */
#ifndef TCPLAB_DROP_H
#define TCPLAB_DROP_H

#define DROP_REASONS(X)                                                   \
    X(NONE,             "not dropped")                                    \
    X(ETH_TRUNCATED,    "Ethernet frame shorter than its header")         \
    X(ETH_NOT_FOR_US,   "Ethernet destination is not this host")          \
    X(ETH_UNKNOWN_TYPE, "unhandled ethertype")                            \
    X(ARP_TRUNCATED,    "ARP packet truncated")                           \
    X(ARP_UNSUPPORTED,  "ARP not Ethernet/IPv4")                          \
    X(ARP_NOT_FOR_US,   "ARP for another address")                        \
    X(ARP_BAD_OP,       "ARP operation unknown")                          \
    X(IP_TRUNCATED,     "IPv4 header truncated")                          \
    X(IP_BAD_VERSION,   "IP version not 4")                               \
    X(IP_BAD_HLEN,      "IPv4 header length below 20")                    \
    X(IP_BAD_LEN,       "IPv4 total length wrong")                        \
    X(IP_BAD_CSUM,      "IPv4 header checksum wrong")                     \
    X(IP_NOT_FOR_US,    "IPv4 destination is not this host")              \
    X(IP_FRAGMENT,      "IPv4 fragment (no reassembly)")                  \
    X(IP_BAD_SRC,       "IPv4 source is broadcast, multicast or ours")    \
    X(IP_UNKNOWN_PROTO, "unhandled IP protocol")                          \
    X(ICMP_TRUNCATED,   "ICMP message truncated")                         \
    X(ICMP_BAD_CSUM,    "ICMP checksum wrong")                            \
    X(ICMP_UNHANDLED,   "ICMP type not handled")                          \
    X(UDP_TRUNCATED,    "UDP header truncated")                           \
    X(UDP_BAD_LEN,      "UDP length wrong")                               \
    X(UDP_BAD_CSUM,     "UDP checksum wrong")                             \
    X(UDP_NO_SOCKET,    "UDP port closed")                                \
    X(UDP_RCVBUF_FULL,  "UDP receive buffer full")                        \
    X(TCP_TRUNCATED,    "TCP header truncated")                           \
    X(TCP_BAD_HLEN,     "TCP data offset wrong")                          \
    X(TCP_BAD_CSUM,     "TCP checksum wrong")                             \
    X(TCP_BAD_OPTION,   "TCP option malformed")                           \
    X(TCP_NO_SOCKET,    "TCP port closed")                                \
    X(TCP_UNACCEPTABLE, "TCP segment outside the window")                 \
    X(TCP_BAD_ACK,      "TCP ACK of data not sent")                       \
    X(TCP_OLD_ACK,      "TCP ACK older than SND.UNA")                     \
    X(TCP_RST_INVALID,  "TCP RST outside the window")                     \
    X(TCP_RST_CHALLENGE,"TCP RST in window, not exact: challenge ACK")    \
    X(TCP_SYN_CHALLENGE,"TCP SYN in synchronized state: challenge ACK")   \
    X(TCP_NO_ACK,       "TCP segment without ACK")                        \
    X(TCP_LISTEN_BAD,   "TCP segment to LISTEN neither SYN nor RST")      \
    X(TCP_SYN_QUEUE_FULL,"TCP SYN queue or accept queue full")            \
    X(TCP_RCVBUF_FULL,  "TCP data beyond the receive buffer")             \
    X(TCP_OUT_OF_ORDER, "TCP data out of order, reassembly queue full")   \
    X(TCP_AFTER_FIN,    "TCP data after the peer's FIN")                  \
    X(TCP_PAWS,         "TCP timestamp older than TS.Recent (PAWS)")      \
    X(ARP_QUEUE_FULL,   "frame waiting for ARP dropped: queue full")      \
    X(ARP_UNRESOLVED,   "frame waiting for ARP dropped: no reply")

enum drop_reason {
#define DROP_ENUM(name, text) DROP_##name,
    DROP_REASONS(DROP_ENUM)
#undef DROP_ENUM
    DROP__COUNT
};

const char *drop_reason_name(enum drop_reason r);   /* "IP_BAD_CSUM" */
const char *drop_reason_text(enum drop_reason r);   /* "IPv4 header checksum wrong" */

#endif
