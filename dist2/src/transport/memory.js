import { UnreachableError } from './connection.js';
export class MemoryConnection {
    host;
    responders;
    unreachable;
    calls = [];
    #connected = false;
    constructor(host, responders = [], unreachable) {
        this.host = host;
        this.responders = responders;
        this.unreachable = unreachable;
    }
    get execCount() { return this.calls.length; }
    async connect() {
        if (this.unreachable)
            throw new UnreachableError(this.host, this.unreachable);
        this.#connected = true;
    }
    async exec(req) {
        if (!this.#connected)
            await this.connect();
        this.calls.push(req);
        for (const r of this.responders) {
            const res = await r(req, this.host);
            if (res)
                return { code: 0, signal: null, stdout: '', stderr: '', ...res };
        }
        return { code: 127, signal: null, stdout: '', stderr: `memory connection: no responder for ${req.argv.join(' ')}` };
    }
    async close() { this.#connected = false; }
}
/** Convenience responder: match argv[0] (and optionally a predicate) and answer. */
export function respond(program, result) {
    return (req) => (req.argv[0] === program ? (typeof result === 'function' ? result(req) : result) : undefined);
}
//# sourceMappingURL=memory.js.map