#!/bin/sh
# Tap mode with --offload (tcplab plays a NIC with checksum and TCP
# segmentation offload): 64 MiB each way, SHA-256 compared, the kernel's
# GSO in use both ways, and every frame tcplab decodes a wire segment of at
# most the MSS.  In a network namespace of its own (tap_common.inc); exit
# 77 (SKIP) when not root or without /dev/net/tun.
set -u
. tests/steps/tap_common.inc
tap_scenarios offload
