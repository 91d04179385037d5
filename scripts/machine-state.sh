#!/bin/sh
# Prints what the test suite must leave as it found it on the machine: every writable kernel.*,
# vm.* and fs.* setting (machine-wide: lab nodes get their own copies) and the machine's own
# nftables ruleset. .ci/run compares the output before and after the tests.
# Left out: values the kernel changes by itself (the last PID, the entropy pool, perf's sample
# rate, which it lowers when sampling takes too long).
for f in $(find /proc/sys/kernel /proc/sys/vm /proc/sys/fs -type f -perm -u+r -perm -u+w 2>/dev/null | sort); do
  case $f in */ns_last_pid|*/random/*|*/sched_domain/*|*/perf_event_max_sample_rate) continue ;; esac
  v=$(cat "$f" 2>/dev/null) || continue
  printf '%s = %s\n' "${f#/proc/sys/}" "$v"
done
echo '--- nft list ruleset'
if command -v nft >/dev/null 2>&1; then nft list ruleset 2>&1; else echo '(nft not installed)'; fi
