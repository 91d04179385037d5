/** Local test nodes: each a real sshd in its own network namespace on its own overlay root. */
export { labUp } from './up.js';
export { labDown } from './down.js';
export { labStatus } from './status.js';
export { loadLab, nodeRootPath, resolveLab } from './lab.js';
export { labPaths } from './state.js';
export { labDirFor, DEFAULT_LAB_NAME, DEFAULT_LAB_NODES, MAX_LAB_NODES } from './names.js';
export { checkLabPrerequisites, LAB_TOOLS } from './system.js';
export { LAB_SUDO_USER, LAB_SUDO_PASSWORD_USER, LAB_SUDO_PASSWORD } from './render.js';
//# sourceMappingURL=index.js.map