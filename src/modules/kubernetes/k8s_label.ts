import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { fileFact } from '../../facts/file.js';
import { k8sObjectFact, type K8sObjectArg, type K8sObjectState, kubectlResourceType } from '../../facts/k8s.js';
import { FactError } from '../../facts/types.js';
import { CLUSTER_SCOPED_KINDS } from './k8s_apply-manifest.js';
import { defineModule, type Action, type Diff, type Effect, type Plan, type PlanContext } from '../types.js';

/**
 * Labels of existing objects (nodes, mostly) set or removed with `kubectl label`, after reading
 * each object (`kubectl get ... -o json`). Objects are not created here: an object that does not
 * exist is an error, except in check mode where an earlier play of the run creates it
 * (cluster_from_earlier_plays), with the labels that play gives it (labels_from_earlier_plays).
 */

// Kubernetes' own rules for label keys (an optional DNS-subdomain prefix, a name of 63 at most) and values.
const NAME = '[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const PREFIX = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const LABEL_KEY = `^(${PREFIX}/)?${NAME}$`;
const LABEL_VALUE = `^(${NAME})?$`;
const KEY_HINT = 'a label key is NAME or PREFIX/NAME: NAME of at most 63 letters, digits, "-", "_" or "." (beginning and ending alphanumeric), PREFIX a DNS name (node.kubernetes.io)';

const LabelValue = Type.Union([
  Type.String({ pattern: LABEL_VALUE, maxLength: 63, errorHint: 'a label value is empty, or at most 63 letters, digits, "-", "_" or "." beginning and ending alphanumeric' }),
  Type.Null(),
], { description: 'The value ("" for a label that is only present), or null: the label must be absent.' });

const LABELS_SHAPE = { type: 'object', propertyNames: { pattern: LABEL_KEY, maxLength: 317, errorHint: KEY_HINT } } as const;

const Labels = Type.Unsafe<Record<string, string | null>>({
  ...LABELS_SHAPE,
  description: 'The labels wanted: KEY: VALUE sets it ("" for a label that is only present), KEY: null removes it.',
  additionalProperties: LabelValue,
  minProperties: 1,
});

const CreatedLabels = Type.Unsafe<Record<string, string>>({
  ...LABELS_SHAPE,
  description: 'With cluster_from_earlier_plays: the labels the earlier play gives an object it creates (kubeadm: a control plane\'s node-role.kubernetes.io/control-plane and node.kubernetes.io/exclude-from-external-load-balancers), what check mode compares with where the object does not exist yet.',
  additionalProperties: Type.String({ pattern: LABEL_VALUE, maxLength: 63 }),
});

export const K8S_LABEL_SCHEMA = Type.Object({
  names: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Names of the objects to label (node names: kubeadm names a node after its inventory_hostname).' }),
  labels: Labels,
  kind: Type.Optional(Type.String({ minLength: 1, default: 'Node', description: 'Kind of the objects.' })),
  api_version: Type.Optional(Type.String({ minLength: 1, default: 'v1', description: 'apiVersion of the kind.' })),
  namespace: Type.Optional(Type.String({ minLength: 1, description: 'Namespace of namespaced objects (default: default). Not for nodes.' })),
  kubeconfig: Type.Optional(Type.String({ minLength: 1, default: '/etc/kubernetes/admin.conf', description: 'kubeconfig on the node that kubectl uses.' })),
  kubectl: Type.Optional(Type.String({ minLength: 1, default: 'kubectl', description: 'The kubectl program on the node (a name on PATH or a path).' })),
  cluster_from_earlier_plays: Type.Optional(Type.Boolean({
    default: false,
    description: 'The cluster and the objects come from earlier plays of the same run (kubeadm init and join): in check mode, where kubectl, the kubeconfig or an object is not there yet, the object is planned with labels_from_earlier_plays instead of failing. A run is not affected.',
  })),
  labels_from_earlier_plays: Type.Optional(CreatedLabels),
}, { additionalProperties: false });

export type K8sLabelParams = Static<typeof K8S_LABEL_SCHEMA>;

type LabelMap = Readonly<Record<string, string>>;

interface Target {
  readonly name: string;
  /** The labels now; for an object an earlier play creates, the labels it will be created with. */
  readonly labels: LabelMap;
  /** The object as read (undefined: not there yet). */
  readonly object?: Readonly<Record<string, unknown>> | undefined;
  /** Set when the object does not exist yet: why it is planned anyway. */
  readonly fromEarlierPlay?: string | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (xs: readonly string[]): string => (xs.length <= 4 ? xs.join(', ') : `${xs.slice(0, 4).join(', ')} and ${xs.length - 4} more`);

function labelsOf(o: Readonly<Record<string, unknown>> | undefined): LabelMap {
  const md = o?.metadata;
  const labels = isRecord(md) ? md.labels : undefined;
  return isRecord(labels) ? Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])) : {};
}

/** Pure: the labels an object ends with, and the kubectl label arguments that get it there. */
export function decideLabels(current: LabelMap, wanted: Readonly<Record<string, string | null>>): { after: LabelMap; args: string[] } {
  const after: Record<string, string> = { ...current };
  const args: string[] = [];
  for (const [k, v] of Object.entries(wanted)) {
    if (v === null) {
      if (k in after) { delete after[k]; args.push(`${k}-`); }
    } else if (after[k] !== v) {
      after[k] = v;
      args.push(`${k}=${v}`);
    }
  }
  return { after, args };
}

/** "KEY absent", "KEY=VALUE" (KEY present, for ""), for messages. */
function describeWanted(wanted: Readonly<Record<string, string | null>>): string {
  return Object.entries(wanted).map(([k, v]) => (v === null ? `${k} absent` : v === '' ? `${k} present` : `${k}=${v}`)).join(', ');
}

function sorted(labels: LabelMap): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** kubectl or the kubeconfig is missing on the node: why (undefined: both are there). */
async function clusterAbsent(ctx: PlanContext, kubectl: string, kubeconfig: string): Promise<string | undefined> {
  const found = await ctx.probe(['sh', '-c', 'command -v "$1" >/dev/null 2>&1', 'k8sbm-kubectl', kubectl]);
  if (found.code !== 0) return `${kubectl} is not installed on ${ctx.host} yet`;
  if (!(await ctx.fact(fileFact, kubeconfig)).exists) return `${kubeconfig} does not exist on ${ctx.host} yet`;
  return undefined;
}

async function readTargets(ctx: PlanContext, p: K8sLabelParams, arg: (name: string) => K8sObjectArg): Promise<Target[] | Plan> {
  const early = ctx.check && p.cluster_from_earlier_plays === true;
  const created = p.labels_from_earlier_plays ?? {};
  const out: Target[] = [];
  // Every object is asked for before any answer is awaited: read ahead, they go to the node as
  // one kubectl get (k8sObjectsMany); the answers are then taken in order, as one by one.
  const reads = await Promise.all(p.names.map((name) => ctx.fact(k8sObjectFact, arg(name))
    .then((state): { state: K8sObjectState } | { error: unknown } => ({ state }), (error: unknown) => ({ error }))));
  for (const [i, name] of p.names.entries()) {
    const read = reads[i]!;
    let state: K8sObjectState;
    if ('state' in read) {
      state = read.state;
    } else {
      const e = read.error;
      if (!(e instanceof FactError) || !early) throw e;
      const absent = await clusterAbsent(ctx, arg(name).kubectl, arg(name).kubeconfig);
      if (absent === undefined) throw e;
      // No cluster yet: every object comes from the earlier play.
      return p.names.map((n) => ({ name: n, labels: created, fromEarlierPlay: absent }));
    }
    if (state.exists) { out.push({ name, labels: labelsOf(state.object), object: state.object }); continue; }
    if (!early) {
      const kind = p.kind ?? 'Node';
      return {
        kind: 'fail',
        msg: `${kind} ${name} does not exist, so it cannot be labelled${kind === 'Node' ? ' (a node exists once kubeadm init or join has run on it, under its node name)' : ''}`,
        result: { missing: name },
      };
    }
    out.push({ name, labels: created, fromEarlierPlay: `${p.kind ?? 'Node'} ${name} does not exist yet` });
  }
  return out;
}

export const k8s_label = defineModule({
  name: 'k8s_label',
  schema: K8S_LABEL_SCHEMA,
  doc: {
    summary: 'Sets or removes labels of existing Kubernetes objects (nodes by default) with kubectl label on a node, after reading each object.',
    check: 'full',
    diff: 'state',
    example: `- name: control planes may announce MetalLB's addresses
  k8s_label:
    names: "{{ groups['control_plane'] }}"
    labels: { node.kubernetes.io/exclude-from-external-load-balancers: null }
  delegate_to: "{{ groups['control_plane'][0] }}"
  run_once: true

- name: rack labels of the workers
  k8s_label:
    names: [worker1, worker2]
    labels: { topology.kubernetes.io/zone: rack1 }
`,
    notes: [
      'Plan reads every object (`kubectl get TYPE NAME -o json`; read ahead, one `kubectl get TYPE NAME... -o json` for all of them): labels already as wanted are ok with the reason; otherwise a change whose --diff shows each object\'s labels before and after, applied with one `kubectl label TYPE NAME KEY=VALUE|KEY- --overwrite` per object that changes. Only the labels named are touched.',
      'An object that does not exist fails the task: labels are not a way to create objects.',
      'On fresh nodes an earlier play of the same run installs kubectl and creates the cluster and its nodes: with cluster_from_earlier_plays, check mode plans an object that is not there yet (or every object, where kubectl or the kubeconfig is missing) as created with labels_from_earlier_plays, so plan predicts what the run does.',
    ],
  },
  async plan(ctx, p) {
    const kubectl = p.kubectl ?? 'kubectl';
    const kubeconfig = p.kubeconfig ?? '/etc/kubernetes/admin.conf';
    const apiVersion = p.api_version ?? 'v1';
    const kind = p.kind ?? 'Node';
    const namespace = CLUSTER_SCOPED_KINDS.has(kind) ? '' : p.namespace ?? 'default';
    const arg = (name: string): K8sObjectArg => ({ kubectl, kubeconfig, apiVersion, kind, namespace, name });
    const targets = await readTargets(ctx, p, arg);
    if (!Array.isArray(targets)) return targets;
    const type = kubectlResourceType(apiVersion, kind);
    const label = (n: string): string => `${kind} ${namespace ? `${namespace}/` : ''}${n}`;
    const earlier = [...new Set(targets.flatMap((t) => (t.fromEarlierPlay ? [t.fromEarlierPlay] : [])))];
    const them = targets.filter((t) => t.fromEarlierPlay).length === 1 ? 'it' : 'them';
    const because = earlier.length ? `${earlier.join('; ')}: compared with the labels the earlier play gives ${them}` : undefined;
    const diffs: Diff[] = [];
    const actions: Action[] = [];
    const effects: Effect[] = [];
    const changed: string[] = [];
    for (const t of targets) {
      const { after, args } = decideLabels(t.labels, p.labels);
      if (args.length === 0) continue;
      changed.push(t.name);
      diffs.push({ kind: 'state', subject: `${label(t.name)} labels`, before: sorted(t.labels), after: sorted(after) });
      const setting = args.some((a) => !a.endsWith('-'));
      actions.push({ kind: 'exec', argv: [kubectl, '--kubeconfig', kubeconfig, 'label', type, t.name, ...(namespace ? ['-n', namespace] : []), ...args, ...(setting ? ['--overwrite'] : [])] });
      const base = t.object ?? { apiVersion, kind, metadata: { name: t.name, ...(namespace ? { namespace } : {}) } };
      const md = isRecord(base.metadata) ? base.metadata : {};
      effects.push({ fact: k8sObjectFact.name, key: k8sObjectFact.key(arg(t.name)), value: { exists: true, object: { ...base, metadata: { ...md, labels: after } } } });
    }
    const names = targets.map((t) => t.name);
    if (changed.length === 0) {
      return { kind: 'ok', reason: `${describeWanted(p.labels)}: already so on ${kind} ${list(names)}${because ? ` (${because})` : ''}`, result: { names, changed: [] } };
    }
    const unchanged = names.filter((n) => !changed.includes(n));
    const notes = [...(unchanged.length ? [`already so on ${list(unchanged)}`] : []), ...(because ? [because] : [])];
    return {
      kind: 'change',
      summary: `label ${kind} ${list(changed)}: ${describeWanted(p.labels)}${notes.length ? ` (${notes.join('; ')})` : ''}`,
      diffs,
      actions,
      effects,
      result: { names, changed },
    };
  },
});
