import { batchScript, newMarker, splitBatch } from '../transport/batch-script.js';
import type { ExecResult } from '../transport/connection.js';
import { FactError, FactParseError, factCommandFailed, failureReason, type FactDef, type ManyReads } from './types.js';

/**
 * What a cluster serves and holds, read with kubectl on a node. k8s_apply predicts both (objects
 * it applies, kinds its CRDs add), so in check mode a later task that needs a namespace or a CRD
 * an earlier task only planned still plans, instead of failing the way a dry run would.
 */

export interface KubectlTarget {
  /** The kubectl program on the node. */
  readonly kubectl: string;
  readonly kubeconfig: string;
}

export interface K8sKindArg extends KubectlTarget {
  readonly apiVersion: string;
  readonly kind: string;
}

export interface K8sKindState {
  readonly served: boolean;
}

export interface K8sObjectArg extends KubectlTarget {
  readonly apiVersion: string;
  readonly kind: string;
  /** '' for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
}

export interface K8sObjectState {
  readonly exists: boolean;
  readonly object?: Readonly<Record<string, unknown>> | undefined;
}

function groupVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** "kind.version.group" as kubectl takes it for a resource type ("namespace" for the core group). */
export function kubectlResourceType(apiVersion: string, kind: string): string {
  const { group, version } = groupVersion(apiVersion);
  return group === '' ? kind.toLowerCase() : `${kind.toLowerCase()}.${version}.${group}`;
}

const NOT_FOUND = /\bNotFound\b|the server could not find the requested resource/;

// kubectl's klog lines (E0102 ...) repeat what its last line says, less readably.
function failure(fact: string, what: string, res: ExecResult): FactError {
  return factCommandFailed(fact, `kubectl could not tell ${what}`, res, failureReason(res, (l) => !/^E\d{4} /.test(l), 2));
}

/** Pure: `kubectl get --raw /apis/GROUP/VERSION` (an APIResourceList) -> is the kind served. */
export function parseApiResourceList(res: ExecResult, arg: Pick<K8sKindArg, 'apiVersion' | 'kind'>): K8sKindState {
  const what = `whether ${arg.apiVersion} ${arg.kind} is served`;
  if (res.code !== 0) {
    if (NOT_FOUND.test(res.stderr)) return { served: false };
    throw failure('k8s_kind', what, res);
  }
  let list: unknown;
  try {
    list = JSON.parse(res.stdout);
  } catch {
    throw new FactParseError('k8s_kind', `not an API resource list: ${res.stdout.slice(0, 120)}`);
  }
  const resources = (list as { resources?: unknown }).resources;
  if (!Array.isArray(resources)) throw new FactParseError('k8s_kind', `no resources in the API resource list of ${arg.apiVersion}`);
  // Subresources (deployments/scale) share the kind of something else: only top-level names count.
  return { served: resources.some((r) => (r as { kind?: unknown }).kind === arg.kind && !String((r as { name?: unknown }).name ?? '').includes('/')) };
}

/** Pure: `kubectl get TYPE NAME -o json --ignore-not-found` -> the object, or that there is none. */
export function parseKubectlGet(res: ExecResult, arg: Pick<K8sObjectArg, 'kind' | 'namespace' | 'name'>): K8sObjectState {
  const what = `whether ${arg.kind} ${arg.namespace ? `${arg.namespace}/` : ''}${arg.name} exists`;
  if (res.code !== 0) throw failure('k8s_object', what, res);
  if (res.stdout.trim() === '') return { exists: false };
  try {
    return { exists: true, object: JSON.parse(res.stdout) as Record<string, unknown> };
  } catch {
    throw new FactParseError('k8s_object', `kubectl get printed something that is not JSON: ${res.stdout.slice(0, 120)}`);
  }
}

export const k8sKindFact: FactDef<K8sKindArg, K8sKindState> = {
  name: 'k8s_kind',
  key: (a) => `${a.kubeconfig} ${a.apiVersion} ${a.kind}`,
  argv: (a) => {
    const { group, version } = groupVersion(a.apiVersion);
    return [a.kubectl, '--kubeconfig', a.kubeconfig, 'get', '--raw', group === '' ? `/api/${version}` : `/apis/${group}/${version}`];
  },
  parse: parseApiResourceList,
};

/**
 * Many objects' reads in one command (read ahead together, FactDef.many): one `kubectl get TYPE
 * NAME... -o json --ignore-not-found` for every object of the same kubectl, kubeconfig, type and
 * namespace (a kubectl start costs the node more than the read: labelling three control planes
 * read them with three), each answer cut back out of the List by name. Reads of several such
 * groups run one after the other in one script.
 */
export function k8sObjectsMany(args: readonly K8sObjectArg[]): ManyReads {
  const groups = new Map<string, number[]>();
  args.forEach((a, i) => {
    const k = JSON.stringify([a.kubectl, a.kubeconfig, kubectlResourceType(a.apiVersion, a.kind), a.namespace]);
    const g = groups.get(k);
    if (g) g.push(i); else groups.set(k, [i]);
  });
  const members = [...groups.values()];
  const commands = members.map((of) => {
    const a = args[of[0]!]!;
    const names = [...new Set(of.map((i) => args[i]!.name))];
    return [a.kubectl, '--kubeconfig', a.kubeconfig, 'get', kubectlResourceType(a.apiVersion, a.kind), ...names,
      ...(a.namespace ? ['-n', a.namespace] : []), '-o', 'json', '--ignore-not-found'];
  });
  const cut = (res: ExecResult, of: readonly number[], out: (ExecResult | undefined)[]): void => {
    if (res.code !== 0 || res.signal !== null) { for (const i of of) out[i] = res; return; }
    let items: unknown[] = [];
    if (res.stdout.trim() !== '') {
      let parsed: unknown;
      try { parsed = JSON.parse(res.stdout); } catch { return; }
      const list = parsed as { kind?: unknown; items?: unknown };
      items = list.kind === 'List' && Array.isArray(list.items) ? list.items : [parsed];
    }
    for (const i of of) {
      const a = args[i]!;
      const found = items.find((o) => {
        const md = (o as { metadata?: { name?: unknown; namespace?: unknown } }).metadata;
        return md?.name === a.name && (a.namespace === '' || md.namespace === undefined || md.namespace === a.namespace);
      });
      out[i] = { code: 0, signal: null, stdout: found === undefined ? '' : JSON.stringify(found), stderr: res.stderr };
    }
  };
  const answers = (fill: (out: (ExecResult | undefined)[]) => void): (ExecResult | undefined)[] => {
    const out = new Array<ExecResult | undefined>(args.length).fill(undefined);
    fill(out);
    return out;
  };
  // One group (or a script too long): its kubectl alone; the other groups' reads, if any, go on their own.
  const marker = newMarker();
  const script = commands.length > 1 ? batchScript(commands, marker) : undefined;
  if (script === undefined) return { argv: commands[0]!, split: (res) => answers((out) => cut(res, members[0]!, out)) };
  // Several groups: one after the other in one script, framed as the facts read ahead are.
  return {
    argv: ['sh', '-c', script],
    split: (res) => answers((out) => splitBatch(res, commands.length, marker)?.forEach((part, k) => cut(part, members[k]!, out))),
  };
}

export const k8sObjectFact: FactDef<K8sObjectArg, K8sObjectState> = {
  name: 'k8s_object',
  key: (a) => `${a.kubeconfig} ${a.apiVersion} ${a.kind} ${a.namespace}/${a.name}`,
  argv: (a) => [
    a.kubectl, '--kubeconfig', a.kubeconfig, 'get', kubectlResourceType(a.apiVersion, a.kind), a.name,
    ...(a.namespace ? ['-n', a.namespace] : []), '-o', 'json', '--ignore-not-found',
  ],
  parse: parseKubectlGet,
  many: k8sObjectsMany,
};
