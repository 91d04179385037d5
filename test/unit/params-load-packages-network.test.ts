import { describe, it } from 'node:test';
import { loadGoodParams } from '../helpers/param-cases.js';

/**
 * The other side of the bad-param cases of the packages, services, network and kubernetes
 * families: the same params with good values, or with values known only per host, load.
 */
const load = loadGoodParams;

describe('good params load', () => {
  it('package: a pin with present, latest without one, a dnf-looking name with use: auto (the host decides), purge on apt', () => {
    load('package', ['name: [jq, kubelet=1.31.2-1.1]', 'state: present', 'hold: true']);
    load('package', ['name: [jq, kubelet]', 'state: latest', 'hold: true']);
    load('package', ['name: kubernetes-cni-1.5.1', 'state: latest']);
    load('package', ['name: podman', 'state: absent', 'use: apt', 'purge: true', 'hold: false']);
    load('package', ['name: "kubelet={{ v }}"', 'state: "{{ s }}"']);
  });

  it('apt_repository: one-line and deb822 sources, absent by name, a signed-by the line and the param agree on', () => {
    load('apt_repository', ['repo: deb [signed-by=/etc/apt/keyrings/a.gpg] https://example.org/debian bookworm main', 'signed_by: /etc/apt/keyrings/a.gpg']);
    load('apt_repository', ['name: kubernetes', 'uris: https://pkgs.k8s.io/core:/stable:/v1.31/deb/', 'suites: /', 'key_url: https://pkgs.k8s.io/core:/stable:/v1.31/deb/Release.key']);
    load('apt_repository', ['name: kubernetes', 'state: absent']);
    load('apt_repository', ['uris: [file:/srv/repo]', 'suites: [stable, testing]', 'components: main contrib', 'key_url: file:///srv/repo/key.asc']);
    load('apt_repository', ['repo: "{{ line }}"', 'key_content: "{{ key }}"', 'signed_by: /etc/apt/keyrings/a.gpg']);
  });
  it('service: a template unit instance', () => {
    load('service', ['name: getty@tty1.service', 'state: started', 'enabled: true']);
  });
  it('wait_for and uri: expressions grep -E and JavaScript take, URLs with their scheme', () => {
    load('wait_for', ['path: /var/log/app.log', 'search_regex: "^ready after [[:digit:]]+ s$"']);
    load('uri', ['url: https://127.0.0.1:6443/healthz', 'body_regex: "^\\\\s*ok$"', 'status_code: [200, 204]']);
    load('wait_for', ['path: /x', 'search_regex: "{{ re }}"']);
    load('uri', ['url: "{{ api }}/healthz"', 'body_regex: "{{ re }}"']);
  });
  it('k8s_apply: objects in the task\'s namespace, a v1 List, a custom kind, values known after rendering', () => {
    load('k8s_apply', ['namespace: kube-public', 'definition: [{ apiVersion: v1, kind: ConfigMap, metadata: { name: info, namespace: kube-public } }]']);
    load('k8s_apply', ['definition: { apiVersion: v1, kind: List, items: [] }']);
    // Whether a custom kind is namespaced is its CRD's to say: plan judges it.
    load('k8s_apply', ['namespace: default', 'definition: { apiVersion: example.com/v1, kind: Widget, metadata: { name: w, namespace: other } }']);
    load('k8s_apply', ['namespace: "{{ ns }}"', 'definition: { apiVersion: v1, kind: ConfigMap, metadata: { name: "{{ n }}", namespace: kube-public } }']);
    load('k8s_apply', ['namespace: default', 'definition: { apiVersion: v1, kind: ConfigMap, metadata: { name: info, namespace: "{{ ns }}" } }']);
  });
});
