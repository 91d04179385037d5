/**
 * The `secret` filter: a value read at run time (a token a command printed) becomes a Secret,
 * prints as ***, and text made from it keeps the rest readable while the value itself is what
 * revealSecrets hands to modules and remembers for masking.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderValue } from '../../src/template/render.js';
import { isSecret, maskSecrets, revealSecrets } from '../../src/util/secret.js';

const out = { stdout: 'kubeadm join 10.0.0.1:8443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:00ff' };

describe('the secret filter', () => {
  it('marks a value taken from a registered output as a secret', () => {
    const v = renderValue("{{ out.stdout | regex_findall('--token ([a-z0-9.]+)') | first | secret }}", { out });
    assert.ok(isSecret(v));
    assert.equal(String(v), '***');
    assert.equal(JSON.stringify({ v }), '{"v":"***"}');
  });

  it('text made from it is a secret whose real value modules get, masking only the secret part', () => {
    const v = renderValue("kubeadm join --token {{ out.stdout | regex_findall('--token ([a-z0-9.]+)') | first | secret }} --node-name cp2", { out });
    assert.ok(isSecret(v));
    const sink = new Set<string>();
    assert.equal(revealSecrets(v, sink), 'kubeadm join --token abcdef.0123456789abcdef --node-name cp2');
    assert.equal(maskSecrets('run kubeadm join --token abcdef.0123456789abcdef --node-name cp2', sink), 'run kubeadm join --token *** --node-name cp2');
  });
});
