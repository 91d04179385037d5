import { defineModule } from '../types.js';
import { clusterDesignFindings } from './cluster-design.js';
import { ClusterDesignParams } from './cluster-design-spec.js';

/**
 * The cluster's design (quorums, the VIP, networks, VRRP ids, versions) checked before the play
 * touches any host: all of its work is the preflight hook (cluster-design.ts); the task itself
 * has nothing left to do.
 */
export const cluster_design = defineModule({
  name: 'cluster_design',
  doc: {
    summary: 'Checks the cluster\'s design across every host of the play before its first task; an error stops the run before anything is sent.',
    check: 'full',
    diff: 'none',
    example: `- name: the cluster's design
  cluster_design:
    ignore: "{{ preflight_ignore }}"
    groups: "{{ groups }}"
    group_names: "{{ group_names }}"
    api_vip: "{{ api_vip }}"
    api_vip_cidr: "{{ api_vip_cidr }}"
    pod_cidr: "{{ pod_cidr }}"
    service_cidr: "{{ service_cidr }}"
    kubernetes_version: "{{ kubernetes_version }}"
    addresses:
      ansible_host: "{{ ansible_host | default(None) }}"
`,
    notes: [
      'Pass each value as a whole template ("{{ api_vip }}"): a finding then points at the inventory line that gave it.',
      'The checks, their risks and their names for ignore: [the preflight role](preflight.md), the one caller.',
      'The version a cluster runs comes from the kube_apiserver_version fact, so the play gathers facts (with become: the manifest is root\'s).',
    ],
  },
  schema: ClusterDesignParams,
  controllerOnly: true,
  preflight: clusterDesignFindings,
  async plan() {
    return { kind: 'ok', reason: 'design checked before the play' };
  },
});
