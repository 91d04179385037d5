import { apt_repository } from './packages/apt_repository.js';
import { assert } from './control/assert.js';
import { cluster_design } from './control/cluster_design.js';
import { authorized_key } from './accounts/authorized_key.js';
import { blockinfile } from './files/blockinfile.js';
import { command } from './commands/command.js';
import { copy } from './files/copy.js';
import { debug } from './control/debug.js';
import { fail } from './control/fail.js';
import { fetch } from './files/fetch.js';
import { group } from './accounts/group.js';
import { hostname } from './system/hostname.js';
import { k8s_apply } from './kubernetes/k8s_apply.js';
import { k8s_label } from './kubernetes/k8s_label.js';
import { file } from './files/file.js';
import { lineinfile } from './files/lineinfile.js';
import { meta } from './control/meta.js';
import { modprobe } from './system/modprobe.js';
import { mount } from './system/mount.js';
import { packageModule } from './packages/package.js';
import { service } from './services/service.js';
import { set_fact } from './control/set_fact.js';
import { setup } from './control/setup.js';
import { shell } from './commands/shell.js';
import { slurp } from './files/slurp.js';
import { stat } from './files/stat.js';
import { sysctl } from './system/sysctl.js';
import { template } from './files/template.js';
import { uri } from './network/uri.js';
import { user } from './accounts/user.js';
import { wait_for } from './network/wait_for.js';
import { nftables } from './network/nftables.js';
import { network_config } from './network/network_config.js';
import type { AnyModule } from './types.js';

/** Every module by its YAML key. Module name = YAML key = file name = fixture folder. */
export const modules = {
  command, shell, copy, template, file, lineinfile, blockinfile, stat, slurp, fetch, debug, set_fact, assert, fail, meta, setup, cluster_design,
  user, group, authorized_key,
  // `package` is a reserved word in strict JavaScript: the binding has another name, the key does not.
  package: packageModule, apt_repository, service,
  sysctl, modprobe, mount, hostname,
  wait_for, uri, nftables, network_config, k8s_apply, k8s_label,
} as const satisfies Record<string, AnyModule>;

export type ModuleName = keyof typeof modules;

/** The module a play's implicit fact gathering (`gather_facts`) runs, as Ansible's `setup`. */
export const GATHER_FACTS_MODULE: ModuleName = 'setup';
