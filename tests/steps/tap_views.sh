#!/bin/sh
# Tap mode: the kernel host's own views.  arp and ifconfig of the kernel
# host, read over rtnetlink, against ip neigh, ip -s link and ip addr taken
# in the same namespace; diagram of a kernel socket from the transitions
# tcplab observed.  In a network namespace of its own (tap_common.inc).
set -u
. tests/steps/tap_common.inc
tap_scenarios views
