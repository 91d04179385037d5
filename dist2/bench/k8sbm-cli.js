// The k8sbm CLI of the same build as the benchmark (bin/k8sbm.js is this, for dist/).
import { main } from '../src/cli/main.js';
main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
//# sourceMappingURL=k8sbm-cli.js.map