import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { arch, cpus, hostname, networkInterfaces, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hostFacts } from '../../src/facts/host.js';
import { LocalConnection } from '../../src/transport/local.js';
import { tempDir } from '../helpers/temp.js';
const DEB_ARCH_BY_NODE = { x64: 'amd64', arm64: 'arm64', ppc64: 'ppc64el', s390x: 's390x', riscv64: 'riscv64' };
describe('host facts gathered on this machine through LocalConnection', async () => {
    const conn = new LocalConnection('localhost');
    const res = await conn.exec({ argv: hostFacts.argv(undefined) });
    const f = hostFacts.parse(res, undefined);
    it('costs exactly one exec and succeeds quietly', () => {
        assert.equal(conn.execCount, 1);
        assert.equal(res.code, 0);
        assert.equal(res.stderr, '');
    });
    it('agrees with what node sees', () => {
        assert.equal(f.hostname, hostname());
        assert.equal(f.cpu.count, cpus().length);
        const totalMb = totalmem() / 1024 / 1024;
        assert.ok(Math.abs(f.memory.total_mb - totalMb) <= totalMb * 0.1, `${f.memory.total_mb} vs ${totalMb}`);
        assert.ok(f.memory.available_mb > 0 && f.memory.available_mb <= f.memory.total_mb);
        assert.equal(f.kernel.release, release());
        assert.equal(f.kernel.name, 'Linux');
        const expectedArch = DEB_ARCH_BY_NODE[arch()];
        if (expectedArch)
            assert.equal(f.deb_architecture, expectedArch);
    });
    it('reports every non-loopback address node reports', () => {
        for (const [name, addrs] of Object.entries(networkInterfaces())) {
            for (const a of addrs ?? []) {
                if (a.internal)
                    continue;
                const iface = f.interfaces[name];
                assert.ok(iface, `interface ${name} missing`);
                const list = a.family === 'IPv4' ? iface.ipv4 : iface.ipv6;
                assert.ok(list.some((x) => x.address === a.address.split('%')[0]), `${a.address} on ${name}`);
            }
        }
    });
    it('the default address belongs to the default interface', () => {
        for (const d of [f.default_ipv4, f.default_ipv6]) {
            if (!d)
                continue;
            const iface = f.interfaces[d.interface];
            assert.ok(iface, `default interface ${d.interface} missing`);
            if (d.address)
                assert.ok([...iface.ipv4, ...iface.ipv6].some((a) => a.address === d.address));
        }
    });
    it('knows the OS and the user', () => {
        assert.notEqual(f.os.distribution, '');
        assert.notEqual(f.os.family, 'unknown');
        assert.equal(f.user.uid, process.getuid?.() ?? f.user.uid);
    });
});
describe('host facts script degrades when tools fail', async () => {
    // Stand-ins that behave like a busybox `ip` without JSON, a broken `hostname` and absent
    // answers from nproc and systemd-detect-virt. They shadow the real ones through PATH.
    const bin = tempDir('facts-bin', { after });
    const fake = (name, body) => {
        writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
        chmodSync(join(bin, name), 0o755);
    };
    fake('ip', 'echo "ip: invalid option -- j" >&2; exit 1');
    fake('hostname', 'echo "hostname: command failed" >&2; exit 1');
    fake('nproc', 'exit 1');
    fake('systemd-detect-virt', 'exit 1');
    const conn = new LocalConnection('localhost');
    const res = await conn.exec({ argv: hostFacts.argv(undefined), env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` } });
    const f = hostFacts.parse(res, undefined);
    it('still answers, with nothing on stderr', () => {
        assert.equal(res.code, 0);
        assert.equal(res.stderr, '');
    });
    it('no JSON from ip: no interfaces, no default route', () => {
        assert.deepEqual(f.interfaces, {});
        assert.equal(f.default_ipv4, null);
        assert.equal(f.default_ipv6, null);
    });
    it('falls back for host name and CPU count', () => {
        assert.equal(f.hostname, hostname());
        assert.equal(f.fqdn, hostname());
        assert.equal(f.cpu.count, cpus().length);
        assert.notEqual(f.virtualization.type, '');
    });
});
//# sourceMappingURL=facts-local.test.js.map