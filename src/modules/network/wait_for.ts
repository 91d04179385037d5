import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { ExtendedRegex, Port, Seconds, StringEnum } from '../../schema/formats.js';
import { defineModule, type Plan } from '../types.js';
import { parseWaitForOutput, WAIT_FOR_SCRIPT, waitForArgv, type WaitOutcome, type WaitSpec, type WaitTool } from './wait_for-script.js';

const schema = Type.Object({
  port: Type.Optional(Port({ description: 'TCP port to wait for (on host), opened (state started) or closed (state stopped).' })),
  host: Type.Optional(Type.String({ minLength: 1, default: '127.0.0.1', description: 'Address or name the node connects to when waiting for a port; the check runs on the node itself.' })),
  path: Type.Optional(Type.String({ minLength: 1, description: 'File on the node to wait for: present (optionally holding a line that matches search_regex) or absent.' })),
  state: Type.Optional(StringEnum(['started', 'stopped', 'present', 'absent'], {
    description: 'With port: started (default, accepts connections) or stopped (refuses them). With path: present (default) or absent.',
  })),
  search_regex: Type.Optional(ExtendedRegex({ description: 'With path: wait until a line of the file matches this POSIX extended regular expression (grep -E).' })),
  timeout: Type.Optional(Seconds({ default: 300, description: 'Seconds to wait in all (delay included) before the task fails.' })),
  delay: Type.Optional(Seconds({ default: 0, description: 'Seconds to wait before the first check.' })),
  sleep: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 60, default: 1, description: 'Seconds between two checks (on the node; fractions allowed).' })),
  connect_timeout: Type.Optional(Seconds({ minimum: 1, default: 5, description: 'Seconds one connection attempt may take (a dropped SYN otherwise hangs for minutes).' })),
  msg: Type.Optional(Type.String({ minLength: 1, description: 'Message to fail with instead of the default one when the wait times out.' })),
}, {
  additionalProperties: false,
  oneOf: [{ required: ['port'] }, { required: ['path'] }],
  allOf: [
    { if: { required: ['port'] }, then: { properties: { state: { enum: ['started', 'stopped'] } } } },
    { if: { required: ['path'] }, then: { properties: { state: { enum: ['present', 'absent'] } } } },
    { if: { required: ['search_regex'] }, then: { required: ['path'], properties: { state: { const: 'present' } } } },
  ],
});

type WaitForParams = Static<typeof schema>;

/** The spec the script needs, with defaults filled in. */
export function waitSpecOf(p: WaitForParams, tool: WaitTool = 'auto'): WaitSpec {
  const what = p.port !== undefined ? 'port' : 'path';
  return {
    what,
    host: p.host ?? '127.0.0.1',
    port: p.port,
    state: p.state ?? (what === 'port' ? 'started' : 'present'),
    path: p.path,
    searchRegex: p.search_regex,
    timeout: p.timeout ?? 300,
    delay: p.delay ?? 0,
    sleep: p.sleep ?? 1,
    connectTimeout: p.connect_timeout ?? 5,
    tool,
  };
}

/** [what an ok says, what a timeout waited for]. */
const STATE_WORDS: Readonly<Record<WaitSpec['state'], readonly [string, string]>> = {
  started: ['open', 'to be open'],
  stopped: ['closed', 'to be closed'],
  present: ['present', 'to be present'],
  absent: ['absent', 'to be gone'],
};

function subjectOf(s: WaitSpec): string {
  return s.what === 'port' ? `port ${s.port} on ${s.host}` : s.path!;
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

/** Pure: the outcome of the wait -> ok with the reason, or a failure saying what was last seen. */
export function decideWaitFor(s: WaitSpec, o: WaitOutcome, msg?: string): Plan {
  const subject = subjectOf(s);
  const [done, wanted] = s.searchRegex !== undefined ? [`has a line matching /${s.searchRegex}/`, `to have a line matching /${s.searchRegex}/`] : STATE_WORDS[s.state];
  const result: Record<string, unknown> = {
    elapsed: Math.round(o.elapsedMs) / 1000,
    state: s.state,
    ...(s.what === 'port' ? { host: s.host, port: s.port } : { path: s.path }),
    ...(s.searchRegex !== undefined ? { search_regex: s.searchRegex } : {}),
    checks: o.checks,
    tool: o.tool,
    last: o.last,
  };
  if (o.result === 'ok') return { kind: 'ok', reason: `${subject} ${done} after ${secs(o.elapsedMs)}`, result };
  if (o.result === 'error') return { kind: 'fail', msg: `cannot wait for ${subject}: ${o.last}`, result };
  const seen = o.last === '' ? '' : ` (last check: ${o.last})`;
  const how = `${o.checks} check${o.checks === 1 ? '' : 's'}${s.what === 'port' ? ` with ${o.tool}` : ''}`;
  return {
    kind: 'fail',
    msg: msg ?? `timed out after ${s.timeout}s waiting for ${subject} ${wanted}${seen}; ${how}`,
    result,
  };
}

export const wait_for = defineModule({
  name: 'wait_for',
  waits: true,
  schema,
  doc: {
    summary: 'Waits on the node until a TCP port opens or closes, or a file appears (with a matching line) or goes away; never a change.',
    check: 'full',
    diff: 'none',
    example: `- name: the API server answers on the node
  wait_for: { port: 6443, timeout: 120 }

- name: kubelet wrote its config
  wait_for:
    path: /var/lib/kubelet/config.yaml
    search_regex: "^cgroupDriver: systemd"
    timeout: 60

- name: the old etcd is gone
  wait_for: { port: 2379, state: stopped, timeout: 30 }
`,
    notes: [
      'One exec, whatever the timeout: the loop runs on the node with its own deadline (a poll every `sleep` seconds).',
      'Ports are tried with bash (/dev/tcp), else nc -z, else python3, whichever the node has first; connect_timeout bounds one attempt.',
      'Check mode runs the wait too: it only reads, and a later task may rely on what it waited for. Add `when: not ansible_check_mode` to skip it there (e.g. when an earlier task only predicted the start of the service).',
      'The result (register) has elapsed (seconds), checks, tool and last (what the last check saw).',
    ],
  },
  async plan(ctx, p) {
    const spec = waitSpecOf(p);
    const res = await ctx.probe(waitForArgv(spec), { stdin: WAIT_FOR_SCRIPT });
    return decideWaitFor(spec, parseWaitForOutput(res), p.msg);
  },
});
