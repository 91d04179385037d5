import { apt_repository } from './apt_repository.js';
import { assert } from './assert.js';
import { authorized_key } from './authorized_key.js';
import { blockinfile } from './blockinfile.js';
import { command } from './command.js';
import { copy } from './copy.js';
import { debug } from './debug.js';
import { fail } from './fail.js';
import { fetch } from './fetch.js';
import { group } from './group.js';
import { hostname } from './hostname.js';
import { k8s_apply } from './k8s_apply.js';
import { file } from './file.js';
import { lineinfile } from './lineinfile.js';
import { meta } from './meta.js';
import { modprobe } from './modprobe.js';
import { mount } from './mount.js';
import { packageModule } from './package.js';
import { service } from './service.js';
import { set_fact } from './set_fact.js';
import { setup } from './setup.js';
import { shell } from './shell.js';
import { slurp } from './slurp.js';
import { stat } from './stat.js';
import { sysctl } from './sysctl.js';
import { template } from './template.js';
import { uri } from './uri.js';
import { user } from './user.js';
import { wait_for } from './wait_for.js';
import type { AnyModule } from './types.js';

/** Every module by its YAML key. Module name = YAML key = file name = fixture folder. */
export const modules = {
  command, shell, copy, template, file, lineinfile, blockinfile, stat, slurp, fetch, debug, set_fact, assert, fail, meta, setup,
  user, group, authorized_key,
  // `package` is a reserved word in strict JavaScript: the binding has another name, the key does not.
  package: packageModule, apt_repository, service,
  sysctl, modprobe, mount, hostname,
  wait_for, uri, k8s_apply,
} as const satisfies Record<string, AnyModule>;

export type ModuleName = keyof typeof modules;
