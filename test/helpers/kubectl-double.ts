import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Responder } from '../../src/transport/memory.js';
import { repoRoot } from './paths.js';

/**
 * kubectl on a memory connection's hosts is the TEST DOUBLE test/doubles/kubectl, run on this
 * machine with its state, call log and journal in dir (the kubeconfig it wants: dir/admin.conf).
 * Other programs are left to the next responder.
 */
export interface KubectlDouble {
  readonly responder: Responder;
  readonly kubeconfig: string;
  readonly state: string;
  readonly log: string;
  readonly journal: string;
  /** What the double logged (one argv per call) and journaled (one entry per diff, apply, label ...). */
  calls(): string[][];
  entries(): Record<string, unknown>[];
  /** Stores an object as the double keeps it (a Node as kubeadm leaves it, say). */
  store(o: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): void;
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

export function kubectlDouble(dir: string, env: Readonly<Record<string, string>> = {}): KubectlDouble {
  const d = { kubeconfig: join(dir, 'admin.conf'), state: join(dir, 'state'), log: join(dir, 'kubectl-double.log'), journal: join(dir, 'kubectl-double.journal') };
  writeFileSync(d.kubeconfig, '# read by the kubectl test double only\n');
  const base = { ...process.env, K8SBM_KUBECTL_DOUBLE_STATE: d.state, K8SBM_KUBECTL_DOUBLE_LOG: d.log, K8SBM_KUBECTL_DOUBLE_JOURNAL: d.journal, ...env };
  const responder: Responder = (req) => {
    let argv = [...req.argv];
    const set: Record<string, string> = {};
    if (argv[0] === 'env') {
      argv = argv.slice(1);
      while (argv.length && /^[A-Z_]+=/.test(argv[0]!)) { const [k, ...v] = argv.shift()!.split('='); set[k!] = v.join('='); }
    }
    if (argv[0] !== 'kubectl') return undefined;
    const r = spawnSync('python3', [join(repoRoot, 'test', 'doubles', 'kubectl'), ...argv.slice(1)], { input: req.stdin ?? '', env: { ...base, ...set }, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return {
    ...d,
    responder,
    calls: () => lines(d.log).map((l) => JSON.parse(l) as string[]),
    entries: () => lines(d.journal).map((l) => JSON.parse(l) as Record<string, unknown>),
    store(o) {
      const [group] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : [''];
      const file = join(d.state, 'objects', group || 'core', o.kind, o.metadata.namespace ?? '_cluster', `${o.metadata.name}.json`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(o, null, 2)}\n`);
    },
  };
}
