#!/bin/sh
# Tap mode: ARP and ping from the kernel and to it; frames tcplab's stack
# does not handle (multicast, broadcast, IPv6) counted and summarised,
# never answered; the stack's timers firing while tcplab waits for input.
# Each scenario in a network namespace of its own (tap_common.inc).
set -u
. tests/steps/tap_common.inc
tap_scenarios basic timers
