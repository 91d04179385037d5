import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FactError, FactParseError } from '../../src/facts/types.js';
import { parseUriOutput, uriArgv, URI_SCRIPT } from '../../src/modules/network/uri-script.js';
import { uriRequestOf } from '../../src/modules/network/uri.js';
import { parseWaitForOutput, WAIT_FOR_SCRIPT, waitForArgv } from '../../src/modules/network/wait_for-script.js';
import { waitSpecOf } from '../../src/modules/network/wait_for.js';
/** The parsers of what the wait and request scripts print (the scripts themselves run in the lab e2e). */
const res = (stdout, stderr = '', code = 0) => ({ code, signal: null, stdout, stderr });
describe('wait_for: argv and output', () => {
    it('user data only as positional parameters after sh -s --', () => {
        const argv = waitForArgv(waitSpecOf({ path: '/tmp/a b; rm -rf /', search_regex: "'$(x)'" }));
        assert.deepEqual(argv, ['sh', '-s', '--', 'path', '127.0.0.1', '', 'present', '/tmp/a b; rm -rf /', "'$(x)'", '300', '0', '1', 'auto', '5']);
        assert.ok(!WAIT_FOR_SCRIPT.includes('/tmp/a b'));
    });
    it('key=value lines after the marker; login noise before it is ignored', () => {
        const o = parseWaitForOutput(res('motd line\nk8sbm-wait_for 1\ntool=nc\nresult=timeout\nelapsed_ms=5012\nchecks=6\nlast=Connection refused: x=y\n'));
        assert.deepEqual(o, { tool: 'nc', result: 'timeout', elapsedMs: 5012, checks: 6, last: 'Connection refused: x=y' });
    });
    it('a script that did not run is an error with its stderr, not a wait result', () => {
        assert.throws(() => parseWaitForOutput(res('', 'sh: 1: Syntax error', 2)), (e) => e instanceof FactError && /Syntax error/.test(e.message));
        assert.throws(() => parseWaitForOutput(res('k8sbm-wait_for 1\ntool=bash\n')), FactParseError);
    });
});
describe('uri: argv and output', () => {
    const end = (rc, ms) => `k8sbm-uri-end rc=${rc} elapsed_ms=${ms}\n`;
    it('defaults, and the body limit one past what is kept', () => {
        assert.deepEqual(uriArgv(uriRequestOf({ url: 'https://10.0.0.1:6443/readyz' })), ['sh', '-s', '--', 'https://10.0.0.1:6443/readyz', 'GET', '30', '1', '', '', '', '1048577', '0', 'auto']);
        assert.ok(URI_SCRIPT.includes('head -c "$limit"'));
    });
    it('curl: an interim 100 Continue, then the final status and its headers; HTTP/2 lines too', () => {
        const out = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/2 204 \r\nx-a: 1\r\n\r\n';
        const r = parseUriOutput(res(out, `k8sbm-uri 1\ntool=curl\n${end(0, 3)}`));
        assert.equal(r.status, 204);
        assert.deepEqual(r.headers, { 'x-a': '1' });
        assert.equal(r.body, '');
    });
    it('output (headers and body) longer than the limit comes back cut and marked', () => {
        const head = 'HTTP/1.1 200 OK\r\n\r\n';
        const r = parseUriOutput(res(`${head}${'x'.repeat(11)}`, `k8sbm-uri 1\ntool=python3\n${end(0, 1)}`), 20);
        assert.equal(r.truncated, true);
        assert.equal(r.body, 'x'.repeat(20 - head.length));
        const whole = parseUriOutput(res(`${head}${'x'.repeat(2)}`, `k8sbm-uri 1\ntool=python3\n${end(0, 1)}`), 30);
        assert.deepEqual([whole.truncated, whole.body], [false, 'xx']);
    });
    it('busybox-style wget: headers indented on stderr, its complaints kept apart', () => {
        const err = 'k8sbm-uri 1\ntool=wget\nConnecting to 127.0.0.1:8080 (127.0.0.1:8080)\n  HTTP/1.1 404 Not Found\n  Content-Type: text/plain\nwget: server returned error: HTTP/1.1 404 Not Found\n' + end(1, 7);
        const r = parseUriOutput(res('nope', err));
        assert.equal(r.status, 404);
        assert.deepEqual(r.headers, { 'content-type': 'text/plain' });
        assert.deepEqual(r.errors, ['Connecting to 127.0.0.1:8080 (127.0.0.1:8080)', 'wget: server returned error: HTTP/1.1 404 Not Found']);
        assert.equal(r.body, 'nope');
    });
    it('a script that did not finish is an error', () => {
        assert.throws(() => parseUriOutput(res('', 'k8sbm-uri 1\ntool=curl\n')), (e) => e instanceof FactError && e.code === 'K8SBM_FACT_FAILED');
    });
});
//# sourceMappingURL=wait_for-uri.test.js.map