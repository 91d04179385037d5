import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { selectHosts, type Inventory } from '../inventory/index.js';
import type { Playbook, RoleInstance } from '../playbook/model.js';
import { readYamlFile } from '../vault/yaml.js';
import type { VarLayer } from '../vars/layers.js';

/**
 * Play-level layers for `k8sbm vars HOST PLAYBOOK`: role defaults and vars, play vars and the
 * vars_files that can be named without running anything (templated names are left out).
 */
export function playLayersForHost(pb: Playbook, inventory: Inventory, host: string): VarLayer[] {
  const layers: VarLayer[] = [];
  const addRole = (r: RoleInstance): void => {
    for (const d of r.dependencies) addRole(d);
    layers.push(r.defaults, r.vars);
  };
  for (const play of pb.plays) {
    if (!selectHosts(inventory, play.hosts).hosts.includes(host)) continue;
    for (const r of play.roles) addRole(r);
    if (Object.keys(play.vars).length) layers.push({ level: 'play_vars', name: `play "${play.name}" vars`, vars: play.vars, loc: play.loc });
    for (const entry of play.varsFiles) {
      const first = (Array.isArray(entry) ? entry : [entry]).map((f) => (isAbsolute(f) ? f : resolve(play.baseDir, f))).find((f) => !f.includes('{{') && existsSync(f));
      if (!first) continue;
      const data = readYamlFile(first, { vars: true });
      if (data && typeof data === 'object' && !Array.isArray(data)) layers.push({ level: 'play_vars_files', name: first, vars: data as Record<string, unknown>, loc: { file: first, line: 1, col: 1 } });
    }
  }
  return layers;
}
