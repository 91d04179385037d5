import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';

const text = (description: string) => Type.Optional(Type.Union([Type.String(), Type.Null()], { description }));

/**
 * The inventory contract's values a cluster design is made of, each passed as a whole template
 * (`api_vip: "{{ api_vip }}"`), so a finding points at the operator's own line. Absent or null:
 * the check that needs it has nothing to check.
 */
export const ClusterDesignParams = Type.Object({
  ignore: Type.Optional(Type.Array(Type.String(), { description: 'Names of checks not to make (preflight_ignore).' })),
  groups: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()), { description: 'The inventory\'s groups and their hosts (`{{ groups }}`).' })),
  group_names: Type.Optional(Type.Array(Type.String(), { description: 'The groups of this host (`{{ group_names }}`).' })),
  api_vip: text('The API\'s virtual address.'),
  api_vip_cidr: text('The virtual address with its prefix; its network is the control planes\' segment.'),
  pod_cidr: text('The pods\' network.'),
  service_cidr: text('The services\' network.'),
  node_cidr: text('The network the nodes talk on.'),
  storage_cidr: text('The storage network.'),
  metallb_mode: text('l2 or bgp.'),
  metallb_pool: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String()), Type.Null()], { description: 'MetalLB\'s address pool(s): networks or first-last ranges.' })),
  keepalived_router_id: Type.Optional(Type.Union([Type.Integer(), Type.String(), Type.Null()], { description: 'The VRRP virtual_router_id of the API\'s virtual address.' })),
  keepalived_router_ids_taken: Type.Optional(Type.Array(Type.Union([Type.Integer(), Type.String()]), { description: 'virtual_router_ids other VRRP routers on the segment use.' })),
  kubernetes_version: text('The Kubernetes release asked for (kubeadm, the API server).'),
  kubelet_version: text('The kubelet release asked for.'),
  kubectl_version: text('The kubectl release asked for.'),
  addresses: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]), { description: 'This host\'s addresses by variable name (ansible_host, kubernetes_address ...), with or without a prefix.' })),
}, { additionalProperties: false });

export type ClusterDesignT = Static<typeof ClusterDesignParams>;
