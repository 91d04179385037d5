# Benchmark scenario for pyinfra 3: harden.yml, task by task, for `pyinfra INVENTORY harden_pyinfra.py`.
#
# The same 29 tasks (33 steps), in the same order, writing the same files with the same modes:
# the benchmark compares the files all three tools leave on a node byte for byte. The templates
# are the files under templates/ that k8sbm and Ansible read; their variables are harden.yml's
# `vars`, which the benchmark passes to every host of the inventory it writes as host data
# `scenario_vars` (so the three tools cannot drift apart), plus `inventory_hostname`.
#
# Ansible-isms and how they are expressed here:
# - `creates:` (shell, command): a File fact read while pyinfra prepares the operations, the usual
#   pyinfra guard (`if not host.get_fact(File, ...)`); the operation is not added when the file is
#   there, so a converged run and a dry run show no change for it.
# - `copy: force: false` (write only when the file is missing): the same guard.
# - `lineinfile: regexp, line`: files.line(line=REGEXP, replace=LINE), which replaces the matching
#   lines or appends LINE when none matches.
# - `copy: content`: files.put of a StringIO.
import os
from io import StringIO

from pyinfra import host
from pyinfra.facts.files import File
from pyinfra.operations import files, server

HERE = os.path.dirname(os.path.abspath(__file__))
V = dict(host.data.get("scenario_vars"))
V["inventory_hostname"] = host.name
CONF_DIR = V["conf_dir"]


def template(name, src, dest, mode):
    files.template(name=name, src=os.path.join(HERE, "templates", src), dest=dest, mode=mode, **V)


def content(name, dest, text, mode):
    files.put(name=name, src=StringIO(text), dest=dest, mode=mode)


def lineinfile(name, path, regexp, line):
    files.line(name=name, path=path, line=regexp, replace=line)


files.directory(name="configuration directory", path=CONF_DIR, mode="750")
for item in ["/etc/sysctl.d", "/etc/modprobe.d", "/etc/modules-load.d", "/etc/security/limits.d", "/etc/systemd/journald.conf.d"]:
    files.directory(name=f"drop-in directories ({item})", path=item, mode="755")
template("network sysctls", "60-net.conf", "/etc/sysctl.d/60-net.conf", "644")
template("kernel sysctls", "61-kernel.conf", "/etc/sysctl.d/61-kernel.conf", "644")
template("memory sysctls", "62-vm.conf", "/etc/sysctl.d/62-vm.conf", "644")
if not host.get_fact(File, path=f"{CONF_DIR}/.sysctl-applied"):
    server.shell(
        name="apply network sysctls once",
        commands=[f"sysctl -q -p /etc/sysctl.d/60-net.conf && touch {CONF_DIR}/.sysctl-applied"],
    )
content("modules loaded at boot", "/etc/modules-load.d/k8s.conf", "overlay\nbr_netfilter\n", "644")
content(
    "rare protocols disabled",
    "/etc/modprobe.d/k8sbm-blacklist.conf",
    "install dccp /bin/false\ninstall sctp /bin/false\ninstall rds /bin/false\ninstall tipc /bin/false\n",
    "644",
)
template("login banner", "issue.net", "/etc/issue.net", "644")
template("audit rules", "audit.rules", f"{CONF_DIR}/audit.rules", "600")
template("node environment", "node.env", f"{CONF_DIR}/node.env", "644")
lineinfile("password max age", "/etc/login.defs", "^PASS_MAX_DAYS", "PASS_MAX_DAYS\t90")
lineinfile("password min age", "/etc/login.defs", "^PASS_MIN_DAYS", "PASS_MIN_DAYS\t1")
lineinfile("password warning", "/etc/login.defs", "^PASS_WARN_AGE", "PASS_WARN_AGE\t14")
lineinfile("default umask", "/etc/login.defs", "^UMASK", "UMASK\t\t027")
LIMITS = "/etc/security/limits.d/90-k8s.conf"
if not host.get_fact(File, path=LIMITS):
    content("limits file", LIMITS, f"# Managed by {V['managed_by']}\n", "644")
lineinfile("open files soft limit", LIMITS, r"^\* soft nofile", "* soft nofile 1048576")
lineinfile("open files hard limit", LIMITS, r"^\* hard nofile", "* hard nofile 1048576")
lineinfile("core dumps off", LIMITS, r"^\* hard core", "* hard core 0")
files.directory(name="cron directory locked down", path=f"{CONF_DIR}/cron", mode="700")
files.directory(name="scripts directory", path=f"{CONF_DIR}/bin", mode="755")
content("health script", f"{CONF_DIR}/bin/health", "#!/bin/sh\nexec true\n", "755")
files.directory(name="state directory", path="/var/lib/k8sbm-bench", mode="700")
content("node identity file", "/var/lib/k8sbm-bench/identity", f"{host.name}\n", "600")
content("journald limits", "/etc/systemd/journald.conf.d/k8sbm.conf", "[Journal]\nSystemMaxUse=1G\nCompress=yes\n", "644")
content("sshd banner setting file", f"{CONF_DIR}/sshd-banner.conf", "Banner /etc/issue.net\n", "644")
files.file(name="audit rules are private", path=f"{CONF_DIR}/audit.rules", mode="600")
if not host.get_fact(File, path=f"{CONF_DIR}/.initialised"):
    server.shell(name="one-time initialisation", commands=[f"touch {CONF_DIR}/.initialised"])
files.link(name="link to the current configuration", path="/var/lib/k8sbm-bench/current", target=CONF_DIR)
