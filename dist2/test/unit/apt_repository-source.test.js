import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filenameFromUri, parseSourceLine, renderDeb822, renderSourceLine, SourceError, withSignedBy, } from '../../src/modules/packages/apt_repository-source.js';
describe('apt source lines', () => {
    it('parses and renders a line with options, keeping their order', () => {
        const src = parseSourceLine('deb  [arch=amd64   trusted=yes]  https://example.org/debian bookworm main contrib ');
        assert.deepEqual(src, {
            type: 'deb', options: [['arch', 'amd64'], ['trusted', 'yes']], uri: 'https://example.org/debian', suite: 'bookworm', components: ['main', 'contrib'],
        });
        assert.equal(renderSourceLine(withSignedBy(src, '/etc/apt/keyrings/x.gpg')), 'deb [arch=amd64 trusted=yes signed-by=/etc/apt/keyrings/x.gpg] https://example.org/debian bookworm main contrib\n');
    });
    it('flat repositories have no components; dist suites need one', () => {
        assert.equal(renderSourceLine(parseSourceLine('deb https://pkgs.k8s.io/core:/stable:/v1.31/deb/ /')), 'deb https://pkgs.k8s.io/core:/stable:/v1.31/deb/ /\n');
        assert.throws(() => parseSourceLine('deb https://example.org/debian bookworm'), /needs at least one component/);
        assert.throws(() => parseSourceLine('deb https://example.org/debian ./ main'), /takes no components/);
        assert.throws(() => parseSourceLine('https://example.org/debian bookworm main'), SourceError);
        assert.throws(() => parseSourceLine('deb [arch] https://example.org/debian bookworm main'), /not key=value/);
    });
    it('keeps a matching signed-by and refuses a different one', () => {
        const src = parseSourceLine('deb [signed-by=/k.gpg] https://example.org/debian bookworm main');
        assert.equal(withSignedBy(src, '/k.gpg'), src);
        assert.throws(() => withSignedBy(src, '/other.gpg'), /signed-by=\/k.gpg/);
    });
    it('renders deb822 stanzas', () => {
        assert.equal(renderDeb822({ types: ['deb'], uris: ['https://a/'], suites: ['/'], components: [], architectures: [], signedBy: '/etc/apt/keyrings/a.gpg' }), 'Types: deb\nURIs: https://a/\nSuites: /\nSigned-By: /etc/apt/keyrings/a.gpg\n');
        assert.equal(renderDeb822({ types: ['deb'], uris: ['https://a/', 'https://b/'], suites: ['bookworm', 'bookworm-updates'], components: ['main'], architectures: ['amd64'] }), 'Types: deb\nURIs: https://a/ https://b/\nSuites: bookworm bookworm-updates\nComponents: main\nArchitectures: amd64\n');
    });
    it('names files after the repository address', () => {
        assert.equal(filenameFromUri('https://pkgs.k8s.io/core:/stable:/v1.31/deb/'), 'pkgs.k8s.io_core_stable_v1.31_deb');
        assert.equal(filenameFromUri('file:/srv/k8sbm-repo'), 'srv_k8sbm-repo');
        assert.equal(filenameFromUri('http://user:pw@mirror.example.org/debian'), 'mirror.example.org_debian');
    });
});
//# sourceMappingURL=apt_repository-source.test.js.map