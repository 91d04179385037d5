import type { ExecResult } from '../transport/connection.js';
import { parseFileSections, systemFact, systemFactArgv, systemFactSections, type HostFile } from './system-files.js';
import { FactParseError } from './types.js';

/**
 * Kernel parameters: the running values of some keys (from /proc/sys) and the content of the
 * sysctl.d files that persist them, in one exec. The fact is host-wide (key ""): what a run knows
 * about the host's sysctl state grows as tasks ask for more keys, and in check mode a later task
 * sees what earlier ones predicted for every key and file they touched.
 */

export interface SysctlValue {
  /** Whitespace-normalised ("4096 87380 6291456"); absent when the key cannot be read (write-only). */
  readonly value?: string | undefined;
  /** The current user can write it (false on a read-only /proc/sys, e.g. a non-net key in a container). */
  readonly writable: boolean;
}

export interface SysctlFacts {
  /** By dotted key; null: the host has no such key. */
  readonly values: Readonly<Record<string, SysctlValue | null>>;
  /** sysctl.d files by path. */
  readonly files: Readonly<Record<string, HostFile>>;
}

export interface SysctlQuery {
  /** Dotted keys (see sysctlKeyName). */
  readonly keys: readonly string[];
  readonly files: readonly string[];
}

// One grep reads every value (a cat per key cost a process each, and a role reads dozens):
// `grep -H '' PATHS` prints PATH:LINE for each line, in the order of the paths. A key that
// gives no line that way (an empty file, a read error such as stable_secret's EIO when unset,
// a value grep takes for binary) is read on its own with cat, whose status tells them apart.
// dash's read would take a system call per byte, and some /proc/sys files answer only a read
// from their start: the values are split by the shell's field splitting instead.
const SYSCTL_SCRIPT = `echo '@@k8sbm sysctl 1'
n=0
while [ $# -gt 0 ] && [ "$1" != @@files ]; do
  k=$1 p=/proc/sys/$2; shift 2
  w=0; [ -w "$p" ] && w=1
  if [ -d "$p" ]; then printf '@@k8sbm dir %s\\n' "$k"
  elif [ ! -e "$p" ]; then printf '@@k8sbm missing %s\\n' "$k"
  else eval "k8sbm_k$n=\\$k k8sbm_p$n=\\$p k8sbm_w$n=\\$w"; n=$((n + 1))
  fi
done
shift
sysctl_values() {
  set --
  i=0
  while [ $i -lt $n ]; do eval "set -- \\"\\$@\\" \\"\\$k8sbm_p$i\\""; i=$((i + 1)); done
  [ $# -gt 0 ] || return 0
  all=$(grep -H '' -- "$@" 2>/dev/null)
  set -f; k8sbm_ifs=$IFS; IFS='
'; set -- $all; IFS=$k8sbm_ifs; set +f
  i=0 v= got=
  while [ $i -lt $n ]; do
    eval "k=\\$k8sbm_k$i p=\\$k8sbm_p$i w=\\$k8sbm_w$i"
    while [ $# -gt 0 ]; do
      case $1 in
        "$p":*) l=\${1#"$p:"}; if [ -n "$got" ]; then v="$v
$l"; else v=$l; fi; got=1; shift ;;
        *) break ;;
      esac
    done
    if [ -z "$got" ] && v=$(cat -- "$p" 2>/dev/null); then got=1; fi
    if [ -n "$got" ]; then printf '@@k8sbm value %s %s\\n%s\\n' "$k" "$w" "$v"
    else printf '@@k8sbm unreadable %s %s\\n' "$k" "$w"
    fi
    i=$((i + 1)) v= got=
  done
}
sysctl_values
read_files "$@"
`;

/**
 * The dotted name of a key, as sysctl(8) prints it. A key whose first separator is '/' is in
 * path form ("net/ipv4/conf/eth0.100/rp_filter"): sysctl swaps '.' and '/' to read it.
 */
export function sysctlKeyName(key: string): string {
  const first = /[./]/.exec(key)?.[0];
  return first === '/' ? swapSeparators(key) : key;
}

/** The path of a key under /proc/sys ("net.ipv4.conf.eth0/100.rp_filter" -> "net/ipv4/conf/eth0.100/rp_filter"). */
export function sysctlKeyPath(key: string): string {
  return swapSeparators(sysctlKeyName(key));
}

function swapSeparators(key: string): string {
  return key.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'));
}

/** Values compare as Linux reads them: whitespace-separated fields. */
export function normalizeSysctlValue(value: string): string {
  return value.trim().split(/\s+/).filter(Boolean).join(' ');
}

export function sysctlFactArgv(q: SysctlQuery): string[] {
  const args = q.keys.flatMap((k) => [sysctlKeyName(k), sysctlKeyPath(k)]);
  return systemFactArgv('sysctl', SYSCTL_SCRIPT, args, q.files);
}

/** Pure: the fact script's output -> the values of the keys asked and the files. */
export function parseSysctlFactOutput(res: ExecResult, q: SysctlQuery): SysctlFacts {
  const sections = systemFactSections(res, 'sysctl', 'kernel parameters');
  const values: Record<string, SysctlValue | null> = {};
  for (const s of sections) {
    const key = s.args[0] ?? '';
    switch (s.tag) {
      case 'missing':
      case 'dir':
        values[key] = null;
        break;
      case 'value':
        values[key] = { value: normalizeSysctlValue(s.body), writable: s.args[1] === '1' };
        break;
      case 'unreadable':
        values[key] = { writable: s.args[1] === '1' };
        break;
      default:
        break;
    }
  }
  for (const k of q.keys) {
    if (!(sysctlKeyName(k) in values)) throw new FactParseError('sysctl', `no answer for ${k}`);
  }
  return { values, files: parseFileSections(sections, q.files, res.stderr) };
}

export const sysctlFact = systemFact('sysctl', sysctlFactArgv, parseSysctlFactOutput, { query: 'keys', fact: 'values', nameOf: sysctlKeyName });
