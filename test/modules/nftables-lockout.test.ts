/**
 * The static lockout check, on tables as the real nft parses them: each definition is loaded
 * into a throwaway network namespace (`unshare -n`, as the module does on a node) and its
 * `nft -j list table` is what the check reads. Needs root and nft, as the suite does.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { packetFromSshConnection, ruleTextsOf, sshAdmitted, type SshPacket } from '../../src/modules/network/nftables-lockout.js';

function parsed(body: string): { json: string; listing: string } {
  const script = 'nft -f - && nft list table inet k8sbm && echo "--- json" && nft -j list table inet k8sbm';
  const r = spawnSync('unshare', ['-n', 'sh', '-c', script], { input: `table inet k8sbm {\n${body}\n}\n`, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  const [listing, json] = r.stdout.split('--- json\n') as [string, string];
  return { json, listing };
}

function check(body: string, conn = '198.18.5.1 50000 198.18.5.11 22'): ReturnType<typeof sshAdmitted> {
  const { json, listing } = parsed(body);
  return sshAdmitted(json, packetFromSshConnection(conn)!, ruleTextsOf(listing));
}

const INPUT = 'chain input { type filter hook input priority filter; policy drop;';
const ADMIN = 'set admin_v4 { type ipv4_addr; flags interval; elements = { 198.18.5.0/24, 10.0.0.0/8 } }';

describe('nftables lockout check', () => {
  it('reads $SSH_CONNECTION: IPv4, IPv6, v4-mapped, and refuses what is not one', () => {
    const v4 = packetFromSshConnection('198.18.5.1 50000 198.18.5.11 22') as SshPacket;
    assert.equal(v4.version, 4);
    assert.equal(v4.dport, 22);
    assert.equal(packetFromSshConnection('2001:db8::1 50000 2001:db8::11 2222')?.version, 6);
    assert.equal(packetFromSshConnection('::ffff:10.0.0.1 5 ::ffff:10.0.0.2 22')?.version, 4);
    assert.equal(packetFromSshConnection(''), undefined);
    assert.equal(packetFromSshConnection('nonsense 1 2 x'), undefined);
  });

  it('SSH from an admin network accepted by a named set: admitted, naming the rule', () => {
    const v = check(`${ADMIN}\n${INPUT}\n ct state established,related accept\n iif lo accept\n tcp dport 22 ip saddr @admin_v4 accept\n}`);
    assert.deepEqual(v, { admitted: true, by: 'rule in chain input: tcp dport 22 ip saddr @admin_v4 accept' });
  });

  it('SSH from outside the admin networks: refused by the policy', () => {
    const v = check(`${ADMIN}\n${INPUT}\n ct state established,related accept\n tcp dport 22 ip saddr @admin_v4 accept\n}`, '192.0.2.9 40000 198.18.5.11 22');
    assert.equal(v.admitted, false);
    assert.match(v.by, /policy drop of chain input/);
  });

  it('established,related and loopback alone do not admit a new connection', () => {
    assert.equal(check(`${INPUT}\n ct state established,related accept\n iif lo accept\n}`).admitted, false);
  });

  it('sshd on another port: the rule for 22 does not count', () => {
    const v = check(`${INPUT}\n tcp dport 22 accept\n}`, '198.18.5.1 50000 198.18.5.11 2222');
    assert.equal(v.admitted, false);
  });

  it('a port range and an anonymous set of addresses', () => {
    assert.equal(check(`${INPUT}\n tcp dport 20-30 ip saddr { 198.18.5.1, 198.18.5.2 } accept\n}`).admitted, true);
    assert.equal(check(`${INPUT}\n tcp dport { 80, 443 } accept\n}`).admitted, false);
  });

  it('a drop before the accept wins, and names the rule', () => {
    const v = check(`${INPUT}\n tcp dport 22 ip saddr 198.18.5.1 drop\n tcp dport 22 accept\n}`);
    assert.deepEqual(v, { admitted: false, by: 'rule in chain input: tcp dport 22 ip saddr 198.18.5.1 drop' });
  });

  it('jump to a chain that accepts; a chain that returns falls back to the policy', () => {
    assert.equal(check(`chain ssh { tcp dport 22 accept; }\n${INPUT}\n jump ssh\n}`).admitted, true);
    assert.equal(check(`chain ssh { return; }\n${INPUT}\n jump ssh\n}`).admitted, false);
  });

  it('a rule it cannot evaluate: not relied on to accept, counted as a possible drop', () => {
    assert.equal(check(`${INPUT}\n meta mark 0x1 tcp dport 22 accept\n}`).admitted, false);
    const v = check(`chain input { type filter hook input priority filter; policy accept;\n meta mark 0x1 drop\n}`);
    assert.equal(v.admitted, false);
    assert.match(v.by, /may match/);
  });

  it('IPv6: ip saddr rules do not match it, an ip6 set does', () => {
    const conn = '2001:db8::5 50000 2001:db8::11 22';
    assert.equal(check(`${INPUT}\n tcp dport 22 ip saddr 198.18.5.0/24 accept\n}`, conn).admitted, false);
    assert.equal(check(`set admin_v6 { type ipv6_addr; flags interval; elements = { 2001:db8::/64 } }\n${INPUT}\n tcp dport 22 ip6 saddr @admin_v6 accept\n}`, conn).admitted, true);
  });

  it('policy accept without rules admits; a table without an input chain admits', () => {
    assert.equal(check('chain input { type filter hook input priority filter; policy accept; }').admitted, true);
    assert.equal(check('chain output { type filter hook output priority filter; policy drop; }').admitted, true);
  });
});
