#!/bin/sh
# Live captures for the vectors (run by generate.sh as root); filled in below.
exit 0
