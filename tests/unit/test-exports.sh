#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# libmgr exports its public API (mgr_*) and nothing else, and every
# function declared in mgr.h is exported.
lib=${top_builddir:-.}/.libs/libmgr.so
header=${top_srcdir:-.}/src/include/mgr/mgr.h
echo "1..2"
symbols=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRW]$/ {print $3}' | sed 's/@.*//')
extra=$(echo "$symbols" | grep -v '^mgr_')
if [ -z "$extra" ]; then
	echo "ok 1 - only mgr_* symbols are exported"
else
	echo "not ok 1 - exported beyond the API: $(echo $extra)"
fi
missing=""
for f in $(grep -oE '\bmgr_[a-z_]+\(' "$header" | tr -d '(' | sort -u); do
	echo "$symbols" | grep -qx "$f" || missing="$missing $f"
done
if [ -z "$missing" ]; then
	echo "ok 2 - every function in mgr.h is exported"
else
	echo "not ok 2 - declared but not exported:$missing"
fi
