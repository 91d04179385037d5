import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { HOST_FACTS_SCRIPT, parseHostFacts, splitSections } from '../../src/facts/host.js';
import { HOST_FACT_SECTIONS } from '../../src/facts/host-script.js';
function installed(shell) {
    return spawnSync('sh', ['-c', `command -v ${shell}`], { encoding: 'utf8' }).status === 0;
}
// sh is always there; dash (Debian's /bin/sh) and busybox are the strict ones when present.
const shells = [['sh'], ['dash'], ['busybox', 'sh']].filter((argv) => installed(argv[0]));
describe('host facts script', () => {
    it('is checked against at least one POSIX shell', () => {
        assert.ok(shells.length >= 1);
    });
    for (const shell of shells) {
        const name = shell.join(' ');
        it(`parses with ${name} -n`, () => {
            const r = spawnSync(shell[0], [...shell.slice(1), '-n', '-c', HOST_FACTS_SCRIPT], { encoding: 'utf8' });
            assert.equal(r.stderr, '');
            assert.equal(r.status, 0);
        });
        it(`runs under ${name}: every section, exit 0, nothing on stderr`, () => {
            const r = spawnSync(shell[0], [...shell.slice(1), '-c', HOST_FACTS_SCRIPT], { encoding: 'utf8' });
            assert.equal(r.status, 0);
            assert.equal(r.stderr, '');
            assert.deepEqual([...splitSections(r.stdout).keys()], [...HOST_FACT_SECTIONS]);
            assert.equal(parseHostFacts(r.stdout).hostname, hostname());
        });
    }
    it('uses no bash-only syntax', () => {
        const bashisms = [/\[\[ /, /\$\(</, /^\s*function /m, / == /, /\blocal /, /echo -e/, /<<</, /\bsource /, /&>/, /\$\{[^}]*\/\//];
        for (const bashism of bashisms)
            assert.doesNotMatch(HOST_FACTS_SCRIPT, bashism);
    });
    it('prints the sections it declares, in order', () => {
        const printed = [...HOST_FACTS_SCRIPT.matchAll(/^s ([a-z0-9_]+)$/gm)].map((m) => m[1]);
        assert.deepEqual(printed, [...HOST_FACT_SECTIONS]);
    });
});
//# sourceMappingURL=facts-host-script.test.js.map