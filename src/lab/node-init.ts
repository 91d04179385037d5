/**
 * What runs inside a new node: a fixed script, its data passed as positional parameters (never
 * spliced into the text). It starts as PID 1 of the node's own PID, mount, UTS and IPC
 * namespaces, already inside the node's network namespace, builds the node's root and becomes
 * its sshd. Every mount is made in the node's private mount namespace: the machine sees none of
 * them, and they all vanish with the node's last process.
 *
 *   $1 node name   $2 scratch mount point   $3 authorized public key   $4 sshd_config
 *   $5 sudoers drop-in   $6 /etc/hosts   $7 opspw's sudo password   $8 machine id
 */
export const NODE_INIT_SCRIPT = `set -eu
umask 022
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
name=$1 scratch=$2 authkey=$3 sshd_config=$4 sudoers=$5 hosts=$6 password=$7 machine_id=$8

# eth0 already has the node's address; no default route: nothing outside the lab is reachable.
ip link set lo up
hostname "$name"

# The machine's root, read-only under a writable layer on a tmpfs of this node. Relative
# paths keep commas or colons of the lab directory out of the overlay options.
mount -t tmpfs -o mode=0755 k8sbm-node "$scratch"
cd "$scratch"
mkdir upper work root
mount -t overlay -o lowerdir=/,upperdir=upper,workdir=work k8sbm-node root
mount -t proc -o nosuid,nodev,noexec proc root/proc
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs root/sys
mount --rbind /dev root/dev
mount -t tmpfs -o mode=1777,nosuid,nodev shm root/dev/shm
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs root/tmp
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs root/run
# net.* is per network namespace, so it stays the kernel's own. kernel.*, vm.* and fs.* are
# the machine's: the node gets its own copy of them (regular files on this node's tmpfs), so
# sysctl -w and sysctl --system work there without touching the machine, and change nothing
# in the kernel. Back over the copies go the live files a copy would misrepresent: those the
# kernel keeps per UTS, IPC or PID namespace (the node has its own), and the read-only ones
# (counters and identities that move). Write-only ones (vm.drop_caches ...) have no copy.
mkdir live sysctl
mount --bind root/proc live
(cd live/sys && cp -r kernel vm fs ../../sysctl/ 2>/dev/null) || :
mount --bind root/proc/sys root/proc/sys
mount -o remount,bind,ro root/proc/sys
mount --bind root/proc/sys/net root/proc/sys/net
mount -o remount,bind,rw root/proc/sys/net
for tree in kernel vm fs; do mount --bind "sysctl/$tree" "root/proc/sys/$tree"; done
{
  (cd live/sys && find kernel vm fs -xdev -type f -perm -u=r ! -perm -u=w)
  for key in kernel/hostname kernel/domainname kernel/ns_last_pid kernel/sem \\
    kernel/shmmax kernel/shmall kernel/shmmni kernel/shm_rmid_forced \\
    kernel/msgmax kernel/msgmnb kernel/msgmni fs/mqueue/queues_max fs/mqueue/msg_max \\
    fs/mqueue/msgsize_max fs/mqueue/msg_default fs/mqueue/msgsize_default; do
    printf '%s\\n' "$key"
  done
} | while IFS= read -r key; do
  if [ -f "live/sys/$key" ] && [ -f "root/proc/sys/$key" ]; then mount --bind "live/sys/$key" "root/proc/sys/$key"; fi
done
cd root
pivot_root . .
umount -l .
cd /

# The node's own identity, written into its layer.
rm -f /etc/ssh/ssh_host_*
ssh-keygen -q -t ed25519 -N '' -C "root@$name" -f /etc/ssh/ssh_host_ed25519_key
printf '%s\\n' "$name" > /etc/hostname
printf '%s' "$hosts" > /etc/hosts
printf '%s\\n' "$machine_id" > /etc/machine-id
printf '%s' "$sshd_config" > /etc/ssh/sshd_config
printf '%s' "$sudoers" > /etc/sudoers.d/k8sbm-lab
chmod 0440 /etc/sudoers.d/k8sbm-lab

# ops: passwordless sudo; opspw: sudo asks for a password. "*" (not "!") keeps ops's key
# login open: sshd refuses accounts whose password field marks them locked.
if id -u ops >/dev/null 2>&1; then usermod --password '*' ops; else useradd --create-home --shell /bin/bash --password '*' ops; fi
if ! id -u opspw >/dev/null 2>&1; then useradd --create-home --shell /bin/bash opspw; fi
printf 'opspw:%s\\n' "$password" | chpasswd
for user in root ops opspw; do
  home=$(getent passwd "$user" | cut -d: -f6)
  mkdir -p "$home/.ssh"
  printf '%s\\n' "$authkey" > "$home/.ssh/authorized_keys"
  chmod 0700 "$home/.ssh"
  chmod 0600 "$home/.ssh/authorized_keys"
  chown -R "$user:" "$home/.ssh"
done

# Nodes share the machine's /root, and with it whatever the workstation's own shell start-up
# does (version managers can cost 100 ms per command). A server's root has Debian's plain
# start-up files: give the node's layer those.
cp /etc/skel/.bashrc /root/.bashrc 2>/dev/null || : > /root/.bashrc
cp /etc/skel/.profile /root/.profile 2>/dev/null || : > /root/.profile

mkdir -p /run/sshd /run/lock
exec /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config
`;

export interface NodeLaunch {
  readonly name: string;
  readonly netnsPath: string;
  readonly scratchDir: string;
  readonly authorizedKey: string;
  readonly sshdConfig: string;
  readonly sudoers: string;
  readonly etcHosts: string;
  readonly password: string;
  readonly machineId: string;
}

/** nsenter joins the node's network namespace; unshare makes the rest and forks PID 1. */
export function nodeLaunchArgv(tools: { nsenter: string; unshare: string }, n: NodeLaunch): string[] {
  return [
    tools.nsenter, `--net=${n.netnsPath}`, '--',
    tools.unshare, '--mount', '--uts', '--ipc', '--pid', '--fork', '--kill-child', '--propagation', 'private', '--',
    '/bin/sh', '-c', NODE_INIT_SCRIPT, 'k8sbm-node',
    n.name, n.scratchDir, n.authorizedKey, n.sshdConfig, n.sudoers, n.etcHosts, n.password, n.machineId,
  ];
}
