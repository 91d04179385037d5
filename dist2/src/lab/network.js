import { existsSync } from 'node:fs';
import { K8sbmError } from '../source/errors.js';
import { subnetAt } from './names.js';
import { parseIpAddrJson, parseIpRouteJson, preferredSubnetIndex, subnetCandidates, usedSubnetIndexes } from './subnet.js';
import { mustRun, runCommand } from './system.js';
export function tool(tools, name) {
    const t = tools.get(name);
    if (!t)
        throw new Error(`tool ${name} was not looked up`);
    return t;
}
/** Locally administered unicast MAC from the lab id: 02:6b:38:<id>. */
export function bridgeMac(id) {
    return `02:6b:38:${id.match(/../g).join(':')}`;
}
export async function createBridge(tools, names) {
    const ip = tool(tools, 'ip');
    // A fixed address: a bridge otherwise takes the lowest MAC of its ports, which changes while
    // nodes are added and leaves the first nodes' ARP caches pointing at a stale address.
    await mustRun([ip, 'link', 'add', names.bridge, 'address', bridgeMac(names.id), 'type', 'bridge'], `creating bridge ${names.bridge}`);
    // No IPv6 link-local address: the lab speaks IPv4 on its /24 and nothing else from this side.
    await mustRun([ip, 'link', 'set', names.bridge, 'addrgenmode', 'none'], `configuring bridge ${names.bridge}`);
    await mustRun([ip, 'link', 'set', names.bridge, 'up'], `bringing up bridge ${names.bridge}`);
}
async function scanUsed(ip, exceptDev) {
    const addrs = parseIpAddrJson(await mustRun([ip, '-j', '-4', 'addr', 'show'], 'listing addresses'));
    const routes = parseIpRouteJson(await mustRun([ip, '-j', '-4', 'route', 'show'], 'listing routes'));
    return usedSubnetIndexes(addrs, routes, exceptDev);
}
/**
 * Claims a free /24 for the bridge without a lock: add the gateway address, then look again. Two
 * labs claiming the same subnet both add before they look, so at least one of them sees the other
 * and moves on; nobody keeps a subnet someone else also holds.
 */
export async function claimSubnet(tools, names) {
    const ip = tool(tools, 'ip');
    const tried = new Set();
    for (;;) {
        const used = await scanUsed(ip, names.bridge);
        const next = subnetCandidates(preferredSubnetIndex(names.id), new Set([...used, ...tried]))[0];
        if (next === undefined) {
            throw new K8sbmError('K8SBM_LAB_NO_SUBNET', 'no free /24 left in 198.18.0.0/15 for a new lab', {
                hint: 'list the labs with `ip -br addr | grep 198.1[89]` and take one down with `k8sbm lab down --name NAME`',
            });
        }
        tried.add(next);
        const subnet = subnetAt(next);
        await mustRun([ip, 'addr', 'add', `${subnet.gateway}/24`, 'dev', names.bridge], `adding ${subnet.gateway}/24 to ${names.bridge}`);
        if (!(await scanUsed(ip, names.bridge)).has(next))
            return subnet;
        await runCommand([ip, 'addr', 'del', `${subnet.gateway}/24`, 'dev', names.bridge]);
    }
}
export function netnsPath(name) {
    for (const dir of ['/run/netns', '/var/run/netns']) {
        const p = `${dir}/${name}`;
        if (existsSync(p))
            return p;
    }
    throw new Error(`network namespace ${name} has no file under /run/netns`);
}
/**
 * The node's namespace and its veth pair: the host end on the bridge, `eth0` inside with the
 * node's address. The address is up before the node starts, so the first readiness probe gets
 * an answer (refused, until sshd listens) instead of waiting out an unanswered ARP request.
 */
export async function createNodeLink(tools, bridge, netns, veth, cidr) {
    const ip = tool(tools, 'ip');
    await mustRun([ip, 'netns', 'add', netns], `creating network namespace ${netns}`);
    await mustRun([ip, 'link', 'add', veth, 'master', bridge, 'up', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns], `creating link ${veth}`);
    await mustRun([ip, 'link', 'set', veth, 'addrgenmode', 'none'], `configuring link ${veth}`);
    await mustRun([ip, '-n', netns, 'addr', 'add', cidr, 'dev', 'eth0'], `adding ${cidr} to ${netns}`);
    await mustRun([ip, '-n', netns, 'link', 'set', 'eth0', 'up'], `bringing up eth0 of ${netns}`);
}
export async function findLabLeftovers(tools, names) {
    const ip = tool(tools, 'ip');
    const ns = JSON.parse((await mustRun([ip, '-j', 'netns', 'list'], 'listing network namespaces')).trim() || '[]');
    const links = JSON.parse((await mustRun([ip, '-j', 'link', 'show'], 'listing links')).trim() || '[]');
    return {
        netns: ns.map((n) => n.name).filter((n) => n.startsWith(names.netnsPrefix)),
        links: links.map((l) => l.ifname).filter((n) => n.startsWith(names.vethPrefix)),
        bridge: links.some((l) => l.ifname === names.bridge),
    };
}
/** Every process whose network namespace is this one (the node's sshd, its sessions, its launcher). */
export async function netnsPids(tools, netns) {
    const r = await runCommand([tool(tools, 'ip'), 'netns', 'pids', netns]);
    if (r.code !== 0)
        return [];
    return r.stdout.split(/\s+/).filter(Boolean).map(Number).filter((n) => Number.isInteger(n) && n > 0);
}
/** Deleting a missing link or namespace is fine: `down` also cleans up after a half-up lab. */
export async function deleteLink(tools, link) {
    const r = await runCommand([tool(tools, 'ip'), 'link', 'del', link]);
    if (r.code !== 0 && !/Cannot find device|does not exist/.test(r.stderr))
        throw new K8sbmError('K8SBM_LAB_COMMAND_FAILED', `removing link ${link} failed: ${r.stderr.trim()}`, { hint: 'see `ip link show`' });
}
export async function deleteNetns(tools, netns) {
    const r = await runCommand([tool(tools, 'ip'), 'netns', 'del', netns]);
    if (r.code !== 0 && !/No such file|does not exist/.test(r.stderr))
        throw new K8sbmError('K8SBM_LAB_COMMAND_FAILED', `removing network namespace ${netns} failed: ${r.stderr.trim()}`, { hint: 'see `ip netns list` and `ip netns pids NAME`' });
}
//# sourceMappingURL=network.js.map