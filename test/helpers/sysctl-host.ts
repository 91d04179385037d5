import { FILES_SEPARATOR } from '../../src/facts/system-files.js';
import type { ExecRequest } from '../../src/transport/connection.js';

/**
 * A pretend host that answers the sysctl fact script the way a real one prints: enough to watch
 * round trips and check-mode predictions across tasks without a kernel. `reads` records the keys
 * and files of every fact read, in order.
 */
export function fakeSysctlHost(values: Record<string, string>, files: Record<string, string>) {
  const reads: string[][] = [];
  const answer = (req: ExecRequest) => {
    if (req.argv[3] !== 'k8sbm-sysctl') return undefined;
    const args = req.argv.slice(7);
    const sep = args.indexOf(FILES_SEPARATOR);
    const keys = args.slice(0, sep).filter((_, i) => i % 2 === 0);
    const paths = args.slice(sep + 1);
    reads.push([...keys, ...paths]);
    const out = ['@@k8sbm sysctl 1'];
    for (const k of keys) out.push(k in values ? `@@k8sbm value ${k} 1\n${values[k]}` : `@@k8sbm missing ${k}`);
    paths.forEach((p, i) => {
      out.push(`@@k8sbm file ${i}`, 'k8sbm-file 1', 'parent=1');
      const text = files[p];
      if (text === undefined) out.push('exists=0', 'ancestor=/etc');
      else out.push(`stat=81a4 0 0 ${Buffer.byteLength(text)} root:root`, 'sha256=x', 'content=', Buffer.from(text).toString('base64'));
      out.push('@@k8sbm file-rc 0');
    });
    return { stdout: `${out.join('\n')}\n` };
  };
  return { reads, answer };
}
