import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { K8sbmError } from '../source/errors.js';
/**
 * Names and addresses of a lab, derived from its directory alone, so `down` can find every
 * namespace and link of a lab even when its state file never got written (a half-up lab).
 */
/** Nodes get .11, .12, ... of the lab's /24; .250 is the last one handed out. */
export const FIRST_NODE_HOST = 11;
export const MAX_LAB_NODES = 240;
export const DEFAULT_LAB_NODES = 3;
export const DEFAULT_LAB_NAME = 'default';
/** The first nodes form the control plane; the rest are workers. */
export const CONTROL_PLANE_SIZE = 3;
/** RFC 2544 benchmarking range 198.18.0.0/15: 512 /24 subnets, one per lab. */
export const LAB_RANGE = { first: ipv4ToInt('198.18.0.0'), prefix: 15, subnets: 512 };
const LAB_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
export function validateLabName(name) {
    if (!LAB_NAME.test(name) || name.includes('..')) {
        throw new K8sbmError('K8SBM_LAB_NAME_INVALID', `invalid lab name ${JSON.stringify(name)}`, {
            hint: 'use 1 to 32 letters, digits, "-", "_" or ".", starting with a letter or digit (e.g. --name ci-1)',
        });
    }
    return name;
}
export function validateNodeCount(n) {
    if (!Number.isInteger(n) || n < 1 || n > MAX_LAB_NODES) {
        throw new K8sbmError('K8SBM_LAB_NODES_INVALID', `--nodes must be a whole number from 1 to ${MAX_LAB_NODES}, got ${n}`, {
            hint: `one lab is one /24: at most ${MAX_LAB_NODES} nodes (e.g. --nodes 3)`,
        });
    }
    return n;
}
/** `<cwd>/.k8sbm/lab/<name>` unless a directory is given. */
export function labDirFor(name, cwd = process.cwd(), dir) {
    return dir ? resolve(cwd, dir) : resolve(cwd, '.k8sbm', 'lab', name);
}
/** Six hex digits of the directory's hash: short enough for 15-character interface names. */
export function labIdOf(dir) {
    return createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 6);
}
export function labNamesOf(id) {
    return { id, bridge: `k8sbm-${id}`, netnsPrefix: `k8sbm-${id}-`, vethPrefix: `kb-${id}-` };
}
/** 1-based: node01, node02, ..., node100. */
export function nodeName(index) {
    return `node${String(index).padStart(2, '0')}`;
}
export function netnsName(names, index) {
    return `${names.netnsPrefix}${nodeName(index)}`;
}
/** Host end of a node's veth pair: `kb-<id>-01` (at most 13 characters). */
export function vethName(names, index) {
    return `${names.vethPrefix}${String(index).padStart(2, '0')}`;
}
export function nodeGroup(index) {
    return index <= CONTROL_PLANE_SIZE ? 'control_plane' : 'workers';
}
export function subnetAt(index) {
    if (!Number.isInteger(index) || index < 0 || index >= LAB_RANGE.subnets)
        throw new RangeError(`subnet index ${index}`);
    const base = LAB_RANGE.first + index * 256;
    return { index, cidr: `${intToIpv4(base)}/24`, network: intToIpv4(base), gateway: intToIpv4(base + 1), prefix: 24 };
}
/** Index of the /24 a CIDR such as 198.18.7.0/24 names, or undefined outside the lab range. */
export function subnetIndexOf(cidr) {
    const [addr, len] = cidr.split('/');
    if (!addr || len !== '24')
        return undefined;
    const n = ipv4ToInt(addr);
    const index = (n - LAB_RANGE.first) / 256;
    return Number.isInteger(index) && index >= 0 && index < LAB_RANGE.subnets ? index : undefined;
}
export function nodeAddress(subnet, index) {
    return intToIpv4(ipv4ToInt(subnet.network) + FIRST_NODE_HOST - 1 + index);
}
export function ipv4ToInt(address) {
    const parts = address.split('.');
    if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255))
        throw new RangeError(`not an IPv4 address: ${address}`);
    return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}
export function intToIpv4(n) {
    return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
//# sourceMappingURL=names.js.map