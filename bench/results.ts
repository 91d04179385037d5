import type { MachineInfo, Versions } from './environment.js';
import type { RecapCounts, SshdSessionCounts } from './parse.js';
import type { Phase, Tool } from './tools.js';

/** The raw measurements of one benchmark invocation, as written to bench/results/*.json. */

export interface PhaseRun {
  readonly tool: Tool;
  readonly phase: Phase;
  readonly rep: number;
  readonly wallMs: number;
  /** ru_maxrss of the tool's process tree as wait4 reports it (largest single process), KiB. */
  readonly maxRssKb: number;
  /** CPU of the tool and every process it waited for (Ansible's forks and their ssh clients). */
  readonly userS: number;
  readonly sysS: number;
  readonly exitCode: number | null;
  /** Recap counts summed over the hosts, and how many hosts the recap listed. */
  readonly recapHosts: number;
  readonly recapTotals: RecapCounts;
  /** Execs per host as k8sbm's recap reports them (k8sbm only). */
  readonly reportedExecs?: Readonly<Record<string, number>> | undefined;
  /** What each node's sshd logged during the phase. */
  readonly sshd: Readonly<Record<string, SshdSessionCounts>>;
  /** CPU seconds spent on the nodes (sshd and everything it ran), all nodes together. */
  readonly nodeCpuS: number;
  readonly nodeCpuIncomplete: boolean;
  /** CPU of Ansible's detached ControlMaster ssh processes (0 for k8sbm: its ssh runs in-process). */
  readonly sshMasterCpuS: number;
  /** Busy CPU time of the whole machine over the phase (all cores), and the 1-minute load before it. */
  readonly machineBusyS: number;
  readonly loadAvg1: number;
  /**
   * First apply only: SHA-256 over what the scenario left on the first node (files.ts: type,
   * mode, owner, content of every managed path). Every tool's must be the same in a repetition.
   */
  readonly managedFilesSha256?: string | undefined;
}

/** The tools a result measured: files written before the `tools` field measured k8sbm and Ansible. */
export function toolsOf(r: Pick<BenchResult, 'tools'>): readonly Tool[] {
  return r.tools ?? ['k8sbm', 'ansible'];
}

/** CPU the tool used on the controller: its process tree plus detached ssh masters. */
export function controllerCpuS(r: PhaseRun): number {
  return r.userS + r.sysS + r.sshMasterCpuS;
}

/** Busy CPU not accounted to the tool or the nodes: other work on the machine during the phase. */
export function otherCpuS(r: PhaseRun): number {
  return Math.max(0, r.machineBusyS - controllerCpuS(r) - r.nodeCpuS);
}

export interface BenchResult {
  readonly scenario: string;
  readonly tasks: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  readonly versions: Versions;
  readonly nodes: number;
  readonly reps: number;
  /** The tools measured, k8sbm first (absent in files written before pyinfra was measured: k8sbm and Ansible). */
  readonly tools?: readonly Tool[] | undefined;
  readonly settings: {
    readonly k8sbm: readonly string[];
    readonly ansible?: readonly string[] | undefined;
    readonly ansibleCfg?: string | undefined;
    readonly pyinfra?: readonly string[] | undefined;
  };
  /** Lab start-up per tool and repetition (not part of any timed phase). */
  readonly labUpMs: readonly number[];
  readonly runs: readonly PhaseRun[];
}
