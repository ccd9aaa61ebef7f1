#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The VM's disk: an empty FAT12 volume (its root directory has a fixed
# place, so mounting and listing it use no cluster chain: fat_cache,
# whose constructor is the other init_once, stays unused until a file's
# data is).
#   vm-files.sh OUT_DIR
set -euo pipefail

mkfs.vfat -C "$1/fat12.img" 1024 > /dev/null
