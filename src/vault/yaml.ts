import { readFileSync } from 'node:fs';
import { K8sbmError } from '../source/errors.js';
import { onlyDocument, parseYamlAllWith, YAML_1_2, type YamlDialect } from '../source/yaml.js';
import { isVaultText } from './format.js';
import { fileText, parseVaulted } from './files.js';
import { inlineVaultValue } from './keyring.js';

/** YAML 1.2 (playbooks, k8sbm's own files) with `!vault |` values: Secrets that open on first use. */
export const YAML_1_2_VAULT: YamlDialect = {
  ...YAML_1_2,
  scalar: (node, loc) => (node.tag === '!vault' ? inlineVaultValue(String(node.value ?? ''), loc()) : YAML_1_2.scalar(node, loc)),
};

/** One YAML 1.2 document that may hold `!vault |` values. */
export function parseYamlWithVault(text: string, file: string): unknown {
  return onlyDocument(parseYamlAllWith(text, file, YAML_1_2_VAULT), file);
}

/**
 * A YAML file's data. `vars`: the file holds variables, so it may be a vault file (its values
 * are then secrets); a playbook or task file may not (keep the secrets in vars, not the logic).
 */
export function readYamlFile(file: string, opts: { readonly vars?: boolean } = {}): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new K8sbmError('K8SBM_FILE_UNREADABLE', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      hint: 'check the path (relative paths are taken from the file that names them)',
    });
  }
  if (isVaultText(text)) {
    if (!opts.vars) {
      throw new K8sbmError('K8SBM_VAULT_NOT_VARS', `${file} is encrypted, but only variables may be`, {
        loc: { file, line: 1, col: 1 },
        hint: 'decrypt it (`k8sbm vault decrypt`) and keep the secrets in a vars file or as inline `!vault |` values',
      });
    }
    return parseVaulted(file, fileText(file, text).text, (t) => parseYamlWithVault(t, file));
  }
  return parseYamlWithVault(text, file);
}
