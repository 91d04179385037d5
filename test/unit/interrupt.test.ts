import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeStop, handleInterrupts, STOP_WAIT_MS, type InterruptIo, type StopSignal } from '../../src/cli/interrupt.js';
import type { HostStopOutcome } from '../../src/transport/factory.js';

/** Signals delivered by hand, writes and exits recorded. */
function fakeIo() {
  const handlers = new Map<StopSignal, () => void>();
  const log: string[] = [];
  const exits: number[] = [];
  const io: InterruptIo = {
    write: (text) => { log.push(text); },
    exit: (code) => { exits.push(code); },
    on: (sig, f) => { handlers.set(sig, f); },
    off: (sig) => { handlers.delete(sig); },
  };
  return { io, log, exits, send: (sig: StopSignal) => handlers.get(sig)!(), handlers };
}

function hooks(outcome: HostStopOutcome[] = [{ host: 'node01', running: 1, unconfirmed: 0 }]) {
  const calls: string[] = [];
  let release: () => void = () => {};
  const stopped = new Promise<void>((r) => { release = r; });
  return {
    calls,
    release,
    hooks: {
      running: 'tasks',
      finishRunning: () => { calls.push('finish'); },
      mute: () => { calls.push('mute'); },
      stopCommands: async (waitMs: number) => { calls.push(`stop ${waitMs}`); await stopped; return outcome; },
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('handleInterrupts', () => {
  it('first Ctrl-C: starts nothing new and lets what runs finish; the second stops it and exits 130', async () => {
    const f = fakeIo();
    const h = hooks();
    const handling = handleInterrupts(h.hooks, f.io);
    f.send('SIGINT');
    assert.deepEqual(h.calls, ['finish']);
    assert.match(f.log.join(''), /interrupted: finishing running tasks, starting no new ones \(Ctrl-C again to stop them and quit\)/);
    f.send('SIGINT');
    assert.deepEqual(h.calls, ['finish', 'finish', 'mute', `stop ${STOP_WAIT_MS}`]);
    let settled = false;
    void handling.settled().then(() => { settled = true; });
    h.release();
    await tick();
    assert.deepEqual(f.exits, [130]);
    assert.equal(settled, false, 'the command does not end the process under the stop');
    assert.match(f.log.join(''), /interrupted again: stopping the commands still running[^]*stopped 1 command \(node01\)/);
  });

  it('SIGTERM and SIGHUP stop at once, 143 and 129; a further signal while stopping exits at once', async () => {
    for (const [sig, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
      const f = fakeIo();
      const h = hooks();
      handleInterrupts(h.hooks, f.io);
      f.send(sig);
      f.send('SIGINT');
      assert.deepEqual(f.exits, [130], 'the second signal did not wait for the stop');
      h.release();
      await tick();
      assert.deepEqual(f.exits, [130, code]);
    }
  });

  it('settles at once and removes its handlers when nothing was stopped', async () => {
    const f = fakeIo();
    const handling = handleInterrupts(hooks().hooks, f.io);
    await handling.settled();
    handling.dispose();
    assert.equal(f.handlers.size, 0);
  });
});

describe('describeStop', () => {
  it('counts the commands stopped, names the hosts, and the ones not seen ending', () => {
    assert.equal(describeStop([], 5000), 'no command was running\n');
    assert.equal(describeStop([{ host: 'a', running: 2, unconfirmed: 0 }, { host: 'b', running: 1, unconfirmed: 0 }], 5000), 'stopped 3 commands (a, b)\n');
    assert.equal(describeStop([{ host: 'a', running: 1, unconfirmed: 0 }, { host: 'b', running: 2, unconfirmed: 2 }], 5000),
      'stopped 1 command (a)\nb: 2 commands not seen ending within 5s; the host stops them when the connection closes\n');
  });
});
