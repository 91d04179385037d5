/**
 * JSON Schema of kubeadm's configuration file, API kubeadm.k8s.io/v1beta4 (Kubernetes 1.31+),
 * written from the upstream Go types (cmd/kubeadm/app/apis/kubeadm/v1beta4/types.go): every
 * struct is an object that refuses unknown fields, as kubeadm's strict decoding does, so a typo
 * in a template fails the plan instead of being dropped on the node. The kubelet's and
 * kube-proxy's documents that may travel in the same file are checked only where kubeadm's role
 * sets them (their types are large and owned by other components).
 */

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const bool: Schema = { type: 'boolean' };
const strings: Schema = { type: 'array', items: str };
/** A Go time.Duration as metav1.Duration writes it: "30s", "4m0s", "1h30m". */
const duration: Schema = { type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$' };
const port: Schema = { type: 'integer', minimum: 0, maximum: 65535 };
const obj = (properties: Record<string, Schema>, required: readonly string[] = []): Schema =>
  ({ type: 'object', properties, additionalProperties: false, ...(required.length ? { required } : {}) });

const typeMeta = (kind: string): Record<string, Schema> => ({
  apiVersion: { const: 'kubeadm.k8s.io/v1beta4' },
  kind: { const: kind },
});

/** v1beta4's flags: a list of name/value pairs (v1beta3's map form is refused). */
const arg = obj({ name: str, value: str }, ['name', 'value']);
const args: Schema = { type: 'array', items: arg };
const envVar = obj({ name: str, value: str, valueFrom: { type: 'object' } }, ['name']);
const envs: Schema = { type: 'array', items: envVar };
const hostPathMount = obj({
  name: str, hostPath: str, mountPath: str, readOnly: bool,
  pathType: { enum: ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'] },
}, ['name', 'hostPath', 'mountPath']);
const controlPlaneComponent: Record<string, Schema> = {
  extraArgs: args,
  extraVolumes: { type: 'array', items: hostPathMount },
  extraEnvs: envs,
};
const apiEndpoint = obj({ advertiseAddress: str, bindPort: port });
const taint = obj({ key: str, value: str, effect: { enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] }, timeAdded: str }, ['key', 'effect']);
const nodeRegistration = obj({
  name: str,
  criSocket: str,
  taints: { anyOf: [{ type: 'array', items: taint }, { type: 'null' }] },
  kubeletExtraArgs: args,
  ignorePreflightErrors: strings,
  imagePullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] },
  imagePullSerial: bool,
});
const bootstrapToken = obj({
  token: { type: 'string', pattern: '^[a-z0-9]{6}\\.[a-z0-9]{16}$' },
  description: str, ttl: duration, expires: str, usages: strings, groups: strings,
}, ['token']);
const patches = obj({ directory: str });
const timeouts = obj({
  controlPlaneComponentHealthCheck: duration, kubeletHealthCheck: duration, kubernetesAPICall: duration,
  etcdAPICall: duration, tlsBootstrap: duration, discovery: duration, upgradeManifests: duration,
});
const imageMeta: Record<string, Schema> = { imageRepository: str, imageTag: str };

const etcd: Schema = {
  ...obj({
    local: obj({ ...imageMeta, dataDir: str, extraArgs: args, extraEnvs: envs, serverCertSANs: strings, peerCertSANs: strings }),
    external: obj({ endpoints: strings, caFile: str, certFile: str, keyFile: str }, ['endpoints']),
  }),
  not: { required: ['local', 'external'] },
};

export const initConfiguration = obj({
  ...typeMeta('InitConfiguration'),
  bootstrapTokens: { type: 'array', items: bootstrapToken },
  dryRun: bool,
  nodeRegistration,
  localAPIEndpoint: apiEndpoint,
  certificateKey: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  skipPhases: strings,
  patches,
  timeouts,
}, ['apiVersion', 'kind']);

export const clusterConfiguration = obj({
  ...typeMeta('ClusterConfiguration'),
  etcd,
  networking: obj({ serviceSubnet: str, podSubnet: str, dnsDomain: str }),
  kubernetesVersion: str,
  controlPlaneEndpoint: str,
  apiServer: obj({ ...controlPlaneComponent, certSANs: strings }),
  controllerManager: obj(controlPlaneComponent),
  scheduler: obj(controlPlaneComponent),
  dns: obj({ ...imageMeta, disabled: bool }),
  proxy: obj({ disabled: bool }),
  certificatesDir: str,
  imageRepository: str,
  featureGates: { type: 'object', additionalProperties: bool },
  clusterName: str,
  encryptionAlgorithm: { enum: ['RSA-2048', 'RSA-3072', 'RSA-4096', 'ECDSA-P256', 'ECDSA-P384'] },
  certificateValidityPeriod: duration,
  caCertificateValidityPeriod: duration,
}, ['apiVersion', 'kind']);

export const joinConfiguration = obj({
  ...typeMeta('JoinConfiguration'),
  dryRun: bool,
  nodeRegistration,
  caCertPath: str,
  discovery: obj({
    bootstrapToken: obj({ token: str, apiServerEndpoint: str, caCertHashes: strings, unsafeSkipCAVerification: bool }, ['token']),
    file: obj({ kubeConfigPath: str }, ['kubeConfigPath']),
    tlsBootstrapToken: str,
  }),
  controlPlane: obj({ localAPIEndpoint: apiEndpoint, certificateKey: { type: 'string', pattern: '^[0-9a-f]{64}$' } }),
  skipPhases: strings,
  patches,
  timeouts,
}, ['apiVersion', 'kind']);

export const resetConfiguration = obj({
  ...typeMeta('ResetConfiguration'),
  cleanupTmpDir: bool, certificatesDir: str, criSocket: str, dryRun: bool, force: bool,
  ignorePreflightErrors: strings, skipPhases: strings, unmountFlags: strings,
}, ['apiVersion', 'kind']);

export const upgradeConfiguration = obj({
  ...typeMeta('UpgradeConfiguration'),
  apply: { type: 'object' }, diff: { type: 'object' }, node: { type: 'object' }, plan: { type: 'object' }, timeouts,
}, ['apiVersion', 'kind']);

/** Only what the kubeadm role sets is checked; the rest of the kubelet's type is its own. */
export const kubeletConfiguration: Schema = {
  type: 'object',
  properties: {
    apiVersion: { const: 'kubelet.config.k8s.io/v1beta1' },
    kind: { const: 'KubeletConfiguration' },
    cgroupDriver: { enum: ['systemd', 'cgroupfs'] },
  },
  required: ['apiVersion', 'kind'],
};

export const kubeProxyConfiguration: Schema = {
  type: 'object',
  properties: { apiVersion: { const: 'kubeproxy.config.k8s.io/v1alpha1' }, kind: { const: 'KubeProxyConfiguration' }, mode: { enum: ['', 'iptables', 'ipvs', 'nftables'] } },
  required: ['apiVersion', 'kind'],
};

/** The documents a kubeadm --config file may hold, by "apiVersion kind". */
export const KUBEADM_V1BETA4_DOCUMENTS: Readonly<Record<string, Schema>> = {
  'kubeadm.k8s.io/v1beta4 InitConfiguration': initConfiguration,
  'kubeadm.k8s.io/v1beta4 ClusterConfiguration': clusterConfiguration,
  'kubeadm.k8s.io/v1beta4 JoinConfiguration': joinConfiguration,
  'kubeadm.k8s.io/v1beta4 ResetConfiguration': resetConfiguration,
  'kubeadm.k8s.io/v1beta4 UpgradeConfiguration': upgradeConfiguration,
  'kubelet.config.k8s.io/v1beta1 KubeletConfiguration': kubeletConfiguration,
  'kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration': kubeProxyConfiguration,
};
