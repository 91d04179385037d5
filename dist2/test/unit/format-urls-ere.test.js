import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { FORMATS } from '../../src/schema/formats.js';
import { extendedRegexProblem } from '../../src/util/posix-regex.js';
/** grep -E's own verdict: exit 2 means it refused the expression. */
function grepRefuses(re) {
    const r = spawnSync('grep', ['-E', '-q', '-e', re], { input: 'x\n' });
    assert.notEqual(r.status, null, `grep did not run: ${String(r.error)}`);
    return r.status === 2;
}
// ASCII only: ranges beyond ASCII are ordered by the node's locale, and left to grep there.
const EXPRESSIONS = [
    '^cgroupDriver: systemd', '[^[:space:]]+', '[[:alpha:]]{2,3}$', 'a{,3}', 'x{1,}', 'x{,}{2}', 'a{32767}', '(a)(b)\\2\\1', '((a)\\2)',
    '()', '(|a)', 'a||b', 'a**', '^*', '{1}', '*a', '+a', 'a)', 'a{1', 'a{1,2', 'a{1a}', 'a{ 1}', '\\{', '[{]', '\\d', '(?:a)',
    '[]a]', '[^]a]', '[]-a]', '[a-]', '[-a]', '[--a]', '[!--]', '[a-a]', '[%--]', '[\\]', '[[.a.]]', '[[=a=]]', '[[.a.]-z]',
    '[[.-.]-z]', '[a-[.z.]]', '[[.].]-a]', '[[:alpha:][:digit:]]',
    '(a', '((a)', '[a', '[[:alpha:]', '[[.', '[[:foo:]]', '[:alpha:]', 'a{2,1}', 'a{}', 'a{32768}', 'a{1,32768}', '\\', 'a\\',
    '(a)\\2', '\\1', '(a\\1)', '((a)\\1)', '[z-a]', '[z-[.a.]]', '[[:alpha:]-z]', '[a-[:alpha:]]', '[a-c-e]', '[[.ab.]]', '[[=ab=]]', '[[..]]',
];
describe('extended regular expressions (wait_for search_regex)', () => {
    it('refuses exactly what grep -E refuses', () => {
        const disagree = EXPRESSIONS.filter((re) => grepRefuses(re) !== (extendedRegexProblem(re) !== undefined));
        assert.deepEqual(disagree, []);
        assert.ok(EXPRESSIONS.filter(grepRefuses).length >= 20, 'the corpus holds refusals too');
    });
    it('says what is wrong', () => {
        assert.equal(FORMATS['extended-regex'].problem('(a'), 'is not an extended regular expression grep -E takes (unmatched ()');
        assert.equal(extendedRegexProblem('[[:digits:]]'), '[:digits:] is not a character class (alnum, alpha, blank, cntrl, digit, graph, lower, print, punct, space, upper, xdigit)');
        assert.equal(extendedRegexProblem('[:space:]'), 'a character class is written inside brackets: [[:space:]], not [:space:]');
        assert.equal(extendedRegexProblem('(a)\\2'), 'back reference \\2 names a group that is not there (yet)');
        assert.equal(extendedRegexProblem('[z-a]'), 'invalid range z-a (its end comes before its start)');
    });
});
describe('URLs', () => {
    it('http-url: http:// or https:// with a host', () => {
        const p = FORMATS['http-url'].problem;
        for (const u of ['https://127.0.0.1:6443/healthz', 'http://[::1]:8080/', 'HTTPS://example.org'])
            assert.equal(p(u), undefined, u);
        assert.equal(p('127.0.0.1:6443/healthz'), 'is not a URL (no http:// or https:// in front)');
        assert.equal(p('localhost:6443/healthz'), 'is not a URL (no http:// or https:// in front)');
        assert.equal(p('ftp://example.org/x'), 'has the scheme ftp://, where http:// or https:// is needed');
        assert.equal(p('http://exa mple.org/'), 'is not a valid URL');
        assert.equal(p('http://'), 'is not a valid URL');
    });
    it('download-url: also ftp:// and file:// (which needs no host)', () => {
        const p = FORMATS['download-url'].problem;
        for (const u of ['file:///srv/repo/key.asc', 'ftp://mirror/key', 'https://pkgs.k8s.io/core:/stable:/v1.31/deb/Release.key'])
            assert.equal(p(u), undefined, u);
        assert.equal(p('/tmp/key.asc'), 'is not a URL (no http:// or https:// or ftp:// or file:// in front)');
        assert.equal(p('scp://host/key'), 'has the scheme scp://, where http:// or https:// or ftp:// or file:// is needed');
    });
});
//# sourceMappingURL=format-urls-ere.test.js.map