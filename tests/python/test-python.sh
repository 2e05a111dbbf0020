#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The tests of the Python module (python/), run by make check: pytest over
# tests/python against the module and libmgr of the build tree, its result
# given as TAP.  They create real containers, so they need root.
#
# Environment: top_builddir and top_srcdir (as make check sets them),
# PYTHON (default /usr/bin/python3, which must have pytest), T_FILTER (an
# extended regex: only the tests whose id "python/test_file.py::test_name"
# matches), CC (to find libasan for a sanitizer build).

set -uo pipefail
export LC_ALL=C

if [[ $EUID -ne 0 ]]; then
	echo "1..0 # SKIP the Python API tests create containers: they need root"
	exit 0
fi

srcdir=$(cd "${top_srcdir:-.}" && pwd) || exit 1
builddir=$(cd "${top_builddir:-.}" && pwd) || exit 1
PYTHON=${PYTHON:-/usr/bin/python3}

# not_ok WHAT [DETAILS]: the whole run as one failed test.
not_ok() {
	echo "1..1"
	echo "not ok 1 - python: $1"
	[[ -z ${2:-} ]] || printf '# %s\n' "${2//$'\n'/$'\n'# }"
	exit 0
}

modules=("$builddir"/python/.libs/mgr*.so)
module=${modules[0]}
[[ -f $module ]] || not_ok "no module python/.libs/mgr*.so in $builddir"
"$PYTHON" -c 'import pytest' 2>/dev/null || not_ok "$PYTHON has no pytest"

work=$(mktemp -d /tmp/mgrtest.py.run.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT

# New containers are unprivileged: subordinate ids of the run's own, not
# the host's /etc/subuid.
if [[ -z ${MGR_SUBUID_FILE:-} ]]; then
	echo "root:4000000:100000000" >"$work/subid"
	export MGR_SUBUID_FILE=$work/subid MGR_SUBGID_FILE=$work/subid
fi

export PYTHONPATH=${module%/*}${PYTHONPATH:+:$PYTHONPATH}
export LD_LIBRARY_PATH=$builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PYTHONDONTWRITEBYTECODE=1

# A sanitizer build: the interpreter is not instrumented, so the runtime
# is preloaded.  Reports (also those of forked monitors) go to files in
# MGR_TEST_SANITIZER_DIR, which each test checks.  ldd's output is matched
# whole: "| grep -q" could end ldd by SIGPIPE, a failure under pipefail.
if [[ $(ldd "$module" 2>/dev/null) == *libasan* ]]; then
	asan=$(${CC:-gcc} -print-file-name=libasan.so)
	export LD_PRELOAD=$asan${LD_PRELOAD:+:$LD_PRELOAD}
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0:abort_on_error=1
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:halt_on_error=1
fi
for v in ASAN_OPTIONS UBSAN_OPTIONS; do
	[[ ${!v:-} == *log_path=* ]] || export "$v=${!v:+${!v}:}log_path=$work/sanitizer"
done
export MGR_TEST_SANITIZER_DIR=$work

export MGR_TEMPLATE_DIR=$srcdir/templates
export MGR_INIT_PATH=$builddir/mgr-init
export MGR_MONITOR_PATH=$builddir/mgr-monitord
export MGR_GLOBAL_CONFIG=$srcdir/config/default.conf
export MGR_CONFIG_DIR=$srcdir/config
export PATH=$builddir:$PATH
export T_FILTER=${T_FILTER:-}

# The output goes to a file, not a pipe: the monitors of containers a
# test left running would hold a pipe open.
xml=$work/junit.xml
"$PYTHON" -m pytest -p no:cacheprovider -v -c /dev/null \
	--rootdir="$srcdir/tests/python" -o junit_family=xunit1 \
	--junitxml="$xml" "$srcdir/tests/python" </dev/null >"$work/pytest.out" 2>&1
rc=$?
sed 's/^/# /' "$work/pytest.out"

reports=$(cat "$work"/sanitizer.* 2>/dev/null)
if [[ ! -s $xml ]] || [[ $rc -ne 0 && $rc -ne 1 && $rc -ne 5 ]]; then
	not_ok "pytest crashed (exit status $rc)" "$reports"
fi

"$PYTHON" - "$xml" <<'EOF' || not_ok "cannot read the JUnit XML of pytest"
import os, sys, xml.etree.ElementTree as ET

def comment(text):
    for line in (text or "").rstrip().splitlines():
        print("# " + line)

# One result per test: a failure of the test and an error of its
# teardown are two testcase elements.
results = {}
for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    where = case.get("file") or case.get("classname", "").replace(".", "/") + ".py"
    tid = f"python/{os.path.basename(where)}::{case.get('name')}"
    results.setdefault(tid, []).append(case)
if not results:
    print("1..0 # SKIP no test selected")
    sys.exit(0)
print(f"1..{len(results)}")
for k, (tid, cases) in enumerate(results.items(), 1):
    bad = [b for c in cases for b in c.findall("failure") + c.findall("error")]
    skipped = [s for c in cases for s in c.findall("skipped")]
    if bad:
        print(f"not ok {k} - {tid}")
        for b in bad:
            comment(b.text or b.get("message"))
    elif skipped:
        why = (skipped[0].get("message") or "").replace("#", "")
        print(f"ok {k} - {tid} # SKIP {why}")
    else:
        print(f"ok {k} - {tid}")
EOF
exit 0
