import { K8sbmError } from '../source/errors.js';
/**
 * Ask for a secret on the terminal without echoing it. Refuses when there is no terminal, so a
 * CI job fails clearly instead of hanging on a prompt nobody sees.
 */
export async function promptSecret(question, hintWhenNoTty) {
    const input = process.stdin;
    if (!input.isTTY) {
        throw new K8sbmError('K8SBM_NO_TTY', `${question.replace(/:\s*$/, '')}: no terminal to ask on`, { hint: hintWhenNoTty });
    }
    process.stderr.write(question);
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    try {
        return await new Promise((resolve, reject) => {
            let value = '';
            const onData = (chunk) => {
                for (const ch of chunk) {
                    if (ch === '\r' || ch === '\n' || ch === '\u0004') {
                        input.off('data', onData);
                        resolve(value);
                        return;
                    }
                    if (ch === '\u0003') {
                        input.off('data', onData);
                        reject(new K8sbmError('K8SBM_INTERRUPTED', 'interrupted at the prompt', { hint: 'run again and answer the prompt' }));
                        return;
                    }
                    if (ch === '\u007f' || ch === '\b')
                        value = value.slice(0, -1);
                    else
                        value += ch;
                }
            };
            input.on('data', onData);
        });
    }
    finally {
        input.setRawMode(false);
        input.pause();
        process.stderr.write('\n');
    }
}
//# sourceMappingURL=prompt.js.map