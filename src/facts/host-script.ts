/**
 * The one POSIX sh script that gathers a host's basic facts in a single exec. It prints named
 * sections (`@@k8sbm:NAME@@` on a line of its own) and never fails: every probe swallows its
 * errors, so a missing tool leaves its section empty and the parser falls back to defaults.
 *
 * The script holds no user data; it is a constant, passed as argv ['sh', '-c', HOST_FACTS_SCRIPT].
 */

/** Section names, in the order the script prints them. */
export const HOST_FACT_SECTIONS = [
  'hostname', 'fqdn', 'os_release', 'release_files', 'uname', 'cpu', 'meminfo',
  'ip_addr', 'route4', 'route6', 'init', 'pkg', 'virt', 'cgroup', 'root_mount', 'user', 'kube_apiserver', 'end',
] as const;

export type HostFactSection = (typeof HOST_FACT_SECTIONS)[number];

export const SECTION_MARKER = /^@@k8sbm:([a-z0-9_]+)@@$/;

// Kept readable on purpose: this text is what runs on every host, and what a reviewer audits.
// - PATH gets the sbin dirs appended because non-interactive SSH sessions of ordinary users
//   often lack them, and `ip` lives there on Debian and RHEL.
// - OMP_* would make `nproc` report fewer CPUs than the host has.
// - `hostname -f` resolves the name and can hang on broken DNS, hence `timeout` when present.
// - The root mount is found with `read` rather than awk so that a host without awk still answers.
export const HOST_FACTS_SCRIPT = `
LC_ALL=C; export LC_ALL
PATH="\${PATH:-/usr/bin:/bin}:/usr/local/sbin:/usr/sbin:/sbin"; export PATH
unset OMP_NUM_THREADS OMP_THREAD_LIMIT
s() { printf '\\n@@k8sbm:%s@@\\n' "$1"; }
have() { command -v "$1" >/dev/null 2>&1; }

s hostname
hostname 2>/dev/null || cat /proc/sys/kernel/hostname 2>/dev/null || uname -n 2>/dev/null

s fqdn
if have hostname; then
  if have timeout; then timeout 5 hostname -f 2>/dev/null; else hostname -f 2>/dev/null; fi
fi

s os_release
cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null

s release_files
for f in /etc/redhat-release /etc/debian_version /etc/alpine-release /etc/SuSE-release /etc/arch-release /etc/gentoo-release; do
  if [ -r "$f" ]; then l=''; IFS= read -r l < "$f"; printf '%s\\t%s\\n' "$f" "$l"; fi
done

s uname
printf 'sysname=%s\\n' "$(uname -s 2>/dev/null)"
printf 'release=%s\\n' "$(uname -r 2>/dev/null)"
printf 'machine=%s\\n' "$(uname -m 2>/dev/null)"
printf 'version=%s\\n' "$(uname -v 2>/dev/null)"

s cpu
if have nproc; then printf 'nproc=%s\\n' "$(nproc 2>/dev/null)"; fi
if [ -r /proc/cpuinfo ]; then
  printf 'processors=%s\\n' "$(grep -c '^processor' /proc/cpuinfo 2>/dev/null)"
  grep -m 1 -E '^(model name|Model|Hardware|cpu model)[[:space:]]*:' /proc/cpuinfo 2>/dev/null
fi

s meminfo
cat /proc/meminfo 2>/dev/null

s ip_addr
if have ip; then ip -j -d addr show 2>/dev/null; fi

s route4
if have ip; then ip -j -4 route show default 2>/dev/null; fi

s route6
if have ip; then ip -j -6 route show default 2>/dev/null; fi

s init
printf 'comm=%s\\n' "$(cat /proc/1/comm 2>/dev/null)"
if [ -d /run/systemd/system ]; then echo 'run_systemd=1'; fi
if [ -e /run/openrc/softlevel ] || have openrc-run; then echo 'openrc=1'; fi

s pkg
for p in apt-get dnf yum zypper apk pacman; do if have "$p"; then echo "$p"; fi; done

s virt
if have systemd-detect-virt; then printf 'detect=%s\\n' "$(systemd-detect-virt 2>/dev/null)"; fi
if [ -e /.dockerenv ]; then echo 'dockerenv=1'; fi
if [ -e /run/.containerenv ]; then echo 'containerenv=1'; fi
if [ -r /run/systemd/container ]; then printf 'systemd_container=%s\\n' "$(cat /run/systemd/container 2>/dev/null)"; fi
if [ -r /sys/class/dmi/id/sys_vendor ]; then printf 'dmi_vendor=%s\\n' "$(cat /sys/class/dmi/id/sys_vendor 2>/dev/null)"; fi
if [ -r /sys/class/dmi/id/product_name ]; then printf 'dmi_product=%s\\n' "$(cat /sys/class/dmi/id/product_name 2>/dev/null)"; fi
if grep -q '^flags.* hypervisor' /proc/cpuinfo 2>/dev/null; then echo 'hypervisor=1'; fi

s cgroup
cat /proc/1/cgroup 2>/dev/null

s root_mount
root=''
if [ -r /proc/self/mountinfo ]; then
  while read -r a b c d mp rest; do
    if [ "$mp" = / ]; then root="$a $b $c $d $mp $rest"; fi
  done < /proc/self/mountinfo
fi
printf '%s\\n' "$root"

s user
printf 'uid=%s\\n' "$(id -u 2>/dev/null)"
printf 'name=%s\\n' "$(id -un 2>/dev/null)"

s kube_apiserver
if [ -r /etc/kubernetes/manifests/kube-apiserver.yaml ]; then grep -m 1 'image:' /etc/kubernetes/manifests/kube-apiserver.yaml 2>/dev/null; fi

s end
exit 0
`;
