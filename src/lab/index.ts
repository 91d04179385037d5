/** Local test nodes: each a real sshd in its own network namespace on its own overlay root. */
export { labUp, type LabUpOptions, type LabUpResult } from './up.js';
export { labDown, type LabDownResult } from './down.js';
export { labStatus, type LabStatus, type LabNodeStatus, type LabCondition } from './status.js';
export { loadLab, nodeRootPath, resolveLab, type Lab, type LabNode, type LabRef } from './lab.js';
export { labPaths, type LabPaths } from './state.js';
export { labDirFor, DEFAULT_LAB_NAME, DEFAULT_LAB_NODES, MAX_LAB_NODES } from './names.js';
export { checkLabPrerequisites, LAB_TOOLS, type PlatformFacts } from './system.js';
export { LAB_SUDO_USER, LAB_SUDO_PASSWORD_USER, LAB_SUDO_PASSWORD, type SshdLogLevel } from './render.js';
