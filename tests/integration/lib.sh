# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
#
# Helpers for the integration tests.  A test file is a bash script that
# sources this file, defines one function per test case and runs each with
# t_case:
#
#   . "$(dirname "$0")/lib.sh"
#   boots() {
#       assert_succeeds t_mgr create -n c1 -t busybox
#       ...
#   }
#   t_case "a busybox container boots" boots
#
# Every file gets its own throwaway container path, $T_PATH
# (/tmp/mgrtest.XXXXXX), and scratch directory, $T_WORK.  On exit, even
# after a failure, every container in $T_PATH is killed and destroyed and
# both directories are removed.  Files run as root, one at a time, from
# tests/run, which puts the build tree first in PATH.
#
# Each case runs in a subshell with errexit: the first failing command or
# assertion ends it.  It prints "ok - NAME", "not ok - NAME" (followed by
# the case's output as "# " lines) or "skip - NAME: why".
#
# T_FILTER (tests/run -k) is an extended regex; a case runs only when it
# matches its id, "integration/FILE/NAME", and so does T_SUBSET when set
# (the cases tests/run's VM section chooses).  With T_ID_PREFIX (the VM
# section sets "vm/") ids begin with it, and the result lines name the
# case by its id.

set -uo pipefail
export LC_ALL=C

T_FILE=$(basename "$0" .sh)
T_PATH=$(mktemp -d /tmp/mgrtest.XXXXXX) || exit 1
T_WORK=$(mktemp -d /tmp/mgrtest.work.XXXXXX) || exit 1
chmod 755 "$T_PATH"
T_FILTER=${T_FILTER:-}
T_SUBSET=${T_SUBSET:-}
T_ID_PREFIX=${T_ID_PREFIX:-}
T_PASSED=0 T_FAILED=0 T_SKIPPED=0
T_CLEANED=no
export T_PATH T_WORK

# New containers are unprivileged: they get their ids from a subuid and a
# subgid file of this file's own (MGR_SUBUID_FILE, MGR_SUBGID_FILE), not
# from the host's /etc/subuid.  A test file may export others.
if [[ -z ${MGR_SUBUID_FILE:-} ]]; then
	echo "root:5000000:100000000" >"$T_WORK/subid"
	export MGR_SUBUID_FILE=$T_WORK/subid MGR_SUBGID_FILE=$T_WORK/subid
fi

# t_use_test_cache: the distribution templates keep their rootfs caches in
# $MGR_TEST_CACHE, shared by a tests/run run (a directory of this file's
# own, removed at its end, when the file runs alone).
t_use_test_cache() {
	if [[ -z ${MGR_TEST_CACHE:-} ]]; then
		MGR_TEST_CACHE=$(mktemp -d /tmp/mgrtest-cache.XXXXXX) || exit 1
		trap 'rm -rf --one-file-system "$MGR_TEST_CACHE"; t_exit' EXIT
	fi
	mkdir -p "$MGR_TEST_CACHE"
	export MGR_TEST_CACHE MGR_CACHE_PATH=$MGR_TEST_CACHE
}

# For a container that must have only a loopback, whatever default.conf
# gives: t_mgr create ... -f "$T_LO_CONF".
T_LO_CONF=$T_WORK/loopback-only.conf
printf 'mgr.net =\nmgr.net.0.type = empty\n' >"$T_LO_CONF"

# Sanitizer reports (also those of daemonized monitors) go to files that
# each case checks afterwards.
for _v in ASAN_OPTIONS UBSAN_OPTIONS; do
	if [[ ${!_v:-} != *log_path=* ]]; then
		export "$_v=${!_v:+${!_v}:}log_path=$T_WORK/sanitizer"
	fi
done
unset _v

# What was under the runtime directory before this file ran.
T_RUNTIME_DIR=${T_RUNTIME_DIR:-/run/mgr}
find "$T_RUNTIME_DIR" -mindepth 1 2>/dev/null | sort >"$T_WORK/runtime.before"

# --- running tools ---------------------------------------------------------

# t_mgr TOOL ARGS...: mgr-TOOL -P $T_PATH ARGS..., remembering container
# names for the cleanup and leftover checks.
t_mgr() {
	local tool=$1 prev='' arg
	shift
	for arg in "$@"; do
		if [[ $prev == -n ]]; then
			echo "$arg" >>"$T_WORK/names"
		elif [[ $arg == --name=* ]]; then
			echo "${arg#--name=}" >>"$T_WORK/names"
		fi
		prev=$arg
	done
	"mgr-$tool" -P "$T_PATH" "$@"
}

# t_ct_with [--privileged] NAME KEY=VALUE...: a busybox container with
# only a loopback and the config lines mgr.KEY = VALUE; unprivileged (the
# default) unless --privileged.
t_ct_with() {
	local opts=() name kv
	[[ $1 != --privileged ]] || { opts=(--privileged); shift; }
	name=$1
	shift
	assert_succeeds t_mgr create -n "$name" -t busybox -f "$T_LO_CONF" "${opts[@]}"
	for kv in "$@"; do
		echo "mgr.${kv%%=*} = ${kv#*=}" >>"$T_PATH/$name/config"
	done
}

# in_ct NAME CMD...: run a command inside the running container NAME.
in_ct() {
	local name=$1 pid
	shift
	pid=$(t_mgr info -n "$name" -p -H)
	nsenter -t "$pid" -a "$@"
}

# Names of the containers this file used or that exist in $T_PATH.
# systemd_running NAME: until systemd in the container says "running" (a
# minute at most), failing with the failed units otherwise.
systemd_running() {
	local state=""
	for _ in $(seq 120); do
		state=$(in_ct "$1" systemctl is-system-running --wait 2>/dev/null || true)
		[[ $state == running || $state == degraded ]] && break
		sleep 0.5
	done
	assert_eq running "$state" "systemd's state in $1 (failed units: $(in_ct "$1" systemctl --failed --no-legend 2>&1))"
}

t_names() {
	{
		cat "$T_WORK/names" 2>/dev/null
		local d
		for d in "$T_PATH"/*/; do
			[[ -d $d ]] && basename "$d"
		done
	} | sort -u
}

# --- cases -------------------------------------------------------------------

t_case() {
	local name=$1 func=$2 rc why id
	shift 2
	id=${T_ID_PREFIX}integration/$T_FILE/$name
	if [[ -n $T_FILTER && ! $id =~ $T_FILTER ]] || [[ -n $T_SUBSET && ! $id =~ $T_SUBSET ]]; then
		return 0
	fi
	[[ -z $T_ID_PREFIX ]] || name=$id
	rm -f "$T_WORK/skip" "$T_WORK/case.log"
	(
		set -eE
		trap 't_err_trap "$BASH_COMMAND" "$LINENO" "$?"' ERR
		cd "$T_WORK"
		"$func" "$@"
	) </dev/null >"$T_WORK/case.log" 2>&1
	rc=$?
	if t_sanitizer_reports >>"$T_WORK/case.log"; then
		rc=1
	fi
	if [[ $rc -eq 77 && -f $T_WORK/skip ]]; then
		why=$(cat "$T_WORK/skip")
		echo "skip - $name: $why"
		T_SKIPPED=$((T_SKIPPED + 1))
	elif [[ $rc -eq 0 ]]; then
		echo "ok - $name"
		T_PASSED=$((T_PASSED + 1))
	else
		echo "not ok - $name"
		sed 's/^/# /' "$T_WORK/case.log"
		T_FAILED=$((T_FAILED + 1))
	fi
}

t_err_trap() {
	echo "failed (exit $3) at line $2: $1" >&2
}

# t_skip WHY: end the current case as skipped (from the case's own shell,
# not from inside $(...) or a pipeline).
t_skip() {
	echo "$*" >"$T_WORK/skip"
	exit 77
}

# Prints and removes sanitizer reports; true if there were any.
t_sanitizer_reports() {
	local f found=1
	for f in "$T_WORK"/sanitizer.*; do
		[[ -f $f ]] || continue
		echo "sanitizer report $(basename "$f"):"
		cat "$f"
		rm -f "$f"
		found=0
	done
	return $found
}

# "cmd | t_grep ARGS": grep -q over the whole of cmd's output.  A bare
# "| grep -q" stops reading at the first match and can end cmd by SIGPIPE,
# which pipefail turns into a failure of the whole pipeline.
t_grep() {
	local input
	input=$(cat)
	grep -q "$@" <<<"$input"
}

# --- assertions ----------------------------------------------------------------
# Each ends the case on failure.  T_OUT and T_RC keep the output (stdout and
# stderr together) and exit status of the last assert_succeeds/assert_fails.

t_fail() {
	echo "$*" >&2
	exit 1
}

assert_eq() {
	[[ $1 == "$2" ]] || t_fail "${3:-assert_eq}: expected \"$1\", got \"$2\""
}

assert_contains() {
	[[ $1 == *"$2"* ]] || t_fail "${3:-assert_contains}: \"$2\" not found in:
$1"
}

assert_not_contains() {
	[[ $1 != *"$2"* ]] || t_fail "${3:-assert_not_contains}: \"$2\" found in:
$1"
}

# assert_succeeds CMD ARGS...: CMD must exit 0.
assert_succeeds() {
	T_RC=0
	T_OUT=$("$@" 2>&1) || T_RC=$?
	[[ $T_RC -eq 0 ]] || t_fail "command failed (exit $T_RC): $*
$T_OUT"
}

# assert_fails [-e TEXT] CMD ARGS...: CMD must fail cleanly (exit 1..125,
# not a crash) and, with -e, its stderr must contain TEXT.
assert_fails() {
	local text='' err
	if [[ $1 == -e ]]; then
		text=$2
		shift 2
	fi
	err=$T_WORK/assert.stderr
	T_RC=0
	T_OUT=$("$@" 2>"$err") || T_RC=$?
	T_OUT+=$(cat "$err")
	if [[ $T_RC -eq 0 ]]; then
		t_fail "command succeeded but should have failed: $*
$T_OUT"
	elif [[ $T_RC -gt 125 ]]; then
		t_fail "command crashed or could not run (exit $T_RC): $*
$T_OUT"
	elif [[ -n $text ]] && ! grep -qF -- "$text" "$err"; then
		t_fail "command failed as expected but its stderr lacks \"$text\": $*
$T_OUT"
	fi
}

# --- leftovers -----------------------------------------------------------------

# The processes that still have something to do with $T_PATH or containers
# NAMES: root, cwd, an open file or the command line under $T_PATH.  One
# find and one grep over the processes there were when it began (its own
# come later), not a readlink per link: cheap also where starting a
# program is slow (tests/run's VM section).
t_leftover_pids() {
	local me=$BASHPID procs pid target name
	local -A wanted=()
	for name in "$@"; do wanted[$name]=1; done
	procs=(/proc/[0-9]*)
	{
		find "${procs[@]/%//root}" "${procs[@]/%//cwd}" "${procs[@]/%//fd/}" -maxdepth 1 \
			-lname "$T_PATH/*" -printf '%p %l\n' 2>/dev/null |
			while read -r pid target; do
				# With NAMES, what another container holds (its running
				# monitor's log, say) is not theirs.
				name=${target#"$T_PATH"/}
				name=${name%%/*}
				if [[ $# -gt 0 && -d $T_PATH/$name && -z ${wanted[$name]:-} ]]; then
					continue
				fi
				pid=${pid#/proc/}
				echo "${pid%%/*}"
			done
		# The pattern from a file: grep's own command line must not match.
		grep -l -F -f <(echo "$T_PATH/") "${procs[@]/%//cmdline}" 2>/dev/null | cut -d/ -f3
	} | sort -u -n | grep -v -x -e "$$" -e "$me" || true
}

# Cgroup directories of containers NAMES, on every hierarchy.
t_leftover_cgroups() {
	local name
	for name in "$@"; do
		find /sys/fs/cgroup -maxdepth 4 -type d -name "mgr.payload.$name" 2>/dev/null
	done
}

# assert_no_leftovers [NAMES...]: nothing is left of $T_PATH's containers
# (default: every container this file used): no mounts, cgroups, processes,
# sockets or runtime files.
assert_no_leftovers() {
	local names=("$@") found=() line pid
	[[ ${#names[@]} -gt 0 ]] || mapfile -t names < <(t_names)

	while read -r line; do
		found+=("mount: $line")
	done < <(grep -F -e "$T_PATH" "${names[@]/#/-emgr.payload.}" /proc/self/mountinfo || true)
	while read -r line; do
		found+=("cgroup: $line")
	done < <(t_leftover_cgroups "${names[@]}")
	while read -r pid; do
		found+=("process $pid: $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")")
	done < <(t_leftover_pids "${names[@]}")
	while read -r line; do
		found+=("socket: $line")
	done < <(grep -F "$T_PATH" /proc/net/unix || true)
	while read -r line; do
		found+=("runtime file: $line")
	done < <(t_leftover_runtime "${names[@]}")
	while read -r line; do
		found+=("loop device: $line")
	done < <(t_leftover_loops)

	[[ ${#found[@]} -eq 0 ]] || t_fail "leftovers of $T_PATH:
$(printf '  %s\n' "${found[@]}")"
}

# Files that appeared under the runtime directory for containers NAMES.
t_leftover_runtime() {
	local name
	[[ -d $T_RUNTIME_DIR ]] || return 0
	find "$T_RUNTIME_DIR" -mindepth 1 2>/dev/null | sort |
		comm -13 "$T_WORK/runtime.before" - |
		while read -r line; do
			for name in "$@"; do
				case ${line##*/} in
				"$name"|"$name".*) echo "$line" ;;
				esac
			done
		done
}

# --- block devices ---------------------------------------------------------------

# t_loop_device SIZE: a new loop device over a sparse file of SIZE (as
# truncate takes it) in $T_WORK; prints its name.  Whatever is on it (a
# mount, an LVM volume group) goes with it at cleanup.
t_loop_device() {
	local file dev
	file=$(mktemp "$T_WORK/disk.XXXXXX")
	truncate -s "$1" "$file"
	dev=$(losetup --find --show "$file")
	echo "$dev" >>"$T_WORK/loop-devices"
	echo "$dev"
}

# Loop devices mgr attached for images under $T_PATH (each must go with
# the mount it was made for).
t_leftover_loops() {
	losetup --noheadings --output NAME,BACK-FILE 2>/dev/null | grep -F "$T_PATH/" || true
}

# Undo t_loop_device: unmount, remove volume groups, detach.
t_loop_devices_release() {
	local dev mnt vg
	[[ -f $T_WORK/loop-devices ]] || return 0
	while read -r dev; do
		while read -r mnt; do
			umount -l "$mnt" 2>/dev/null
		done < <(findmnt -rn -S "$dev" -o TARGET 2>/dev/null)
		for vg in $(pvs --noheadings -o vg_name "$dev" 2>/dev/null); do
			vgchange -an "$vg" >/dev/null 2>&1
			vgremove -ff "$vg" >/dev/null 2>&1
		done
		pvremove -ff -y "$dev" >/dev/null 2>&1
		losetup -d "$dev" 2>/dev/null
	done <"$T_WORK/loop-devices"
	rm -f "$T_WORK/loop-devices"
}

# --- cleanup ---------------------------------------------------------------------

# Stop and destroy through the tools, then make sure by force: kill what is
# left in the containers' cgroups or under $T_PATH, remove the cgroups,
# unmount, delete.  Reports what it could not clean as a failed case.
t_cleanup() {
	local names name dir pid mnt line
	[[ $T_CLEANED == yes ]] && return 0
	T_CLEANED=yes
	mapfile -t names < <(t_names)

	for name in "${names[@]}"; do
		[[ -f $T_PATH/$name/config ]] || continue
		timeout 20 "mgr-stop" -P "$T_PATH" -n "$name" -k >/dev/null 2>&1
		timeout 20 "mgr-destroy" -P "$T_PATH" -n "$name" -f >/dev/null 2>&1
	done

	for dir in $(t_leftover_cgroups "${names[@]}"); do
		[[ -f $dir/freezer.state ]] && echo THAWED >"$dir/freezer.state" 2>/dev/null
		[[ -f $dir/cgroup.freeze ]] && echo 0 >"$dir/cgroup.freeze" 2>/dev/null
		if [[ -f $dir/cgroup.kill ]]; then
			echo 1 >"$dir/cgroup.kill" 2>/dev/null
		fi
		find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null |
			while read -r pid; do kill -9 "$pid" 2>/dev/null; done
	done
	for pid in $(t_leftover_pids); do
		kill -9 "$pid" 2>/dev/null
	done
	sleep 0.2
	for dir in $(t_leftover_cgroups "${names[@]}"); do
		find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
	done

	# Deepest mount points first.
	awk -v p="$T_PATH/" 'index($5, p) == 1 { print length($5), $5 }' /proc/self/mountinfo |
		sort -rn | while read -r _ mnt; do
			umount -l "$mnt" 2>/dev/null
		done

	t_loop_devices_release
	while read -r line; do
		losetup -d "${line%% *}" 2>/dev/null
	done < <(t_leftover_loops)

	if grep -qF "$T_PATH/" /proc/self/mountinfo; then
		echo "not ok - $T_FILE: cleanup: mounts left under $T_PATH, not deleting it"
		T_FAILED=$((T_FAILED + 1))
	else
		rm -rf --one-file-system "$T_PATH"
	fi
	if t_sanitizer_reports >"$T_WORK/cleanup.log"; then
		echo "not ok - $T_FILE: sanitizer reports after the last case"
		sed 's/^/# /' "$T_WORK/cleanup.log"
		T_FAILED=$((T_FAILED + 1))
	fi
	rm -rf "$T_WORK"
}

t_exit() {
	t_cleanup
	echo "# $T_FILE: $T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
	[[ $T_FAILED -eq 0 ]] || exit 1
}

trap 't_exit' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
