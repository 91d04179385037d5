import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseHostnameFactOutput } from '../../src/facts/hostname.js';
import { hostnameFromFile, loopbackNames, setLoopbackName } from '../../src/modules/system/hostname-files.js';
import { fixture } from '../helpers/paths.js';
describe('/etc/hostname', () => {
    it('the first name that is not a comment', () => {
        assert.equal(hostnameFromFile('node01\n'), 'node01');
        assert.equal(hostnameFromFile('# set by the installer\n\n  cp-1  # here\nother\n'), 'cp-1');
        assert.equal(hostnameFromFile('# nothing\n'), undefined);
        assert.equal(hostnameFromFile(''), undefined);
    });
});
describe('the 127.0.1.1 line of /etc/hosts', () => {
    const hosts = '127.0.0.1\tlocalhost\n10.0.0.11\tnode01\n\n# IPv6\n::1     localhost ip6-localhost\n';
    it('full name first, then the short one', () => {
        assert.deepEqual(loopbackNames('cp-1.k8s.example'), ['cp-1.k8s.example', 'cp-1']);
        assert.deepEqual(loopbackNames('cp-1'), ['cp-1']);
    });
    it('is inserted after the last 127.0.0.1 line, everything else byte for byte', () => {
        assert.equal(setLoopbackName(hosts, 'cp-1'), '127.0.0.1\tlocalhost\n127.0.1.1\tcp-1\n10.0.0.11\tnode01\n\n# IPv6\n::1     localhost ip6-localhost\n');
    });
    it('an existing line is rewritten only when its names differ (spacing and comments do not count)', () => {
        const text = '127.0.0.1 localhost\n127.0.1.1   cp-1.k8s.example\tcp-1   # k8sbm\n';
        assert.equal(setLoopbackName(text, 'cp-1.k8s.example'), text);
        assert.equal(setLoopbackName(text, 'cp-2'), '127.0.0.1 localhost\n127.0.1.1\tcp-2\n');
    });
    it('a commented-out 127.0.1.1 line is not the line; no 127.0.0.1 line means appending', () => {
        assert.equal(setLoopbackName('#127.0.1.1 old\n::1 localhost', 'n1'), '#127.0.1.1 old\n::1 localhost\n127.0.1.1\tn1\n');
        assert.equal(setLoopbackName('', 'n1'), '127.0.1.1\tn1\n');
    });
});
/** Output of the fact's script captured on a lab node (`k8sbm lab`). */
describe('hostname fact on a lab node', () => {
    const ok = (stdout) => ({ code: 0, signal: null, stdout, stderr: '' });
    it('the node\'s own name, no systemd, its /etc/hostname and /etc/hosts', () => {
        const f = parseHostnameFactOutput(ok(readFileSync(fixture('facts', 'hostname', 'lab-node.stdout'), 'utf8')), { files: ['/etc/hostname', '/etc/hosts'] });
        assert.equal(f.current, 'node01');
        assert.equal(f.systemd, false);
        assert.equal(f.files['/etc/hostname'].text, 'node01\n');
        assert.match(f.files['/etc/hosts'].text, /^127\.0\.0\.1\tlocalhost\n[\d.]+\tnode01\n/);
    });
});
//# sourceMappingURL=hostname-files.test.js.map