/**
 * JSON Schema (draft-07) of Ansible's YAML inventory as k8sbm reads it (src/inventory/):
 *   all:
 *     vars: {ansible_user: ops}
 *     children:
 *       control_plane:
 *         hosts:
 *           cp[1:3].example.org:
 *             ansible_host: 10.0.0.11
 * Printed by `k8sbm schema inventory` so editors check and complete inventories.
 */
const templated = { type: 'string', pattern: '\\{[{%]' };
/** Connection variables k8sbm reads; any other variable is allowed beside them. */
const CONNECTION_VARS = {
    ansible_host: { type: 'string', description: 'Address to connect to (default: the inventory name).' },
    ansible_ssh_host: { type: 'string', description: 'Older spelling of ansible_host.' },
    ansible_port: { anyOf: [{ type: 'integer', minimum: 1, maximum: 65535 }, { type: 'string', pattern: '^\\s*\\d+\\s*$' }, templated], description: 'SSH port (default 22).' },
    ansible_ssh_port: { anyOf: [{ type: 'integer', minimum: 1, maximum: 65535 }, { type: 'string', pattern: '^\\s*\\d+\\s*$' }], description: 'Older spelling of ansible_port.' },
    ansible_user: { type: 'string', description: 'SSH user.' },
    ansible_ssh_user: { type: 'string', description: 'Older spelling of ansible_user.' },
    ansible_ssh_private_key_file: { type: 'string', description: 'Private key file for SSH.' },
    ansible_private_key_file: { type: 'string', description: 'Another spelling of ansible_ssh_private_key_file.' },
    ansible_ssh_common_args: { type: 'string', description: 'Extra ssh options, e.g. "-o ProxyJump=bastion".' },
    ansible_connection: { enum: ['ssh', 'local', 'smart', 'paramiko', 'paramiko_ssh', 'ansible.builtin.ssh', 'ansible.builtin.local'], description: 'ssh (default) or local.' },
    ansible_become: { anyOf: [{ type: 'boolean' }, { type: 'string' }], description: 'Become root (or ansible_become_user) with sudo by default.' },
    ansible_become_user: { type: 'string', description: 'User to become (default root).' },
};
const vars = {
    type: ['object', 'null'],
    description: 'Variables (name: value).',
    properties: CONNECTION_VARS,
};
export const inventorySchema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'k8sbm YAML inventory',
    description: 'Groups at the top level (usually all:), each with hosts, children and vars.',
    type: 'object',
    additionalProperties: { $ref: '#/definitions/group' },
    definitions: {
        vars,
        host: { ...vars, description: 'Variables of this host (or nothing).' },
        group: {
            type: ['object', 'null'],
            properties: {
                hosts: {
                    anyOf: [{ type: 'object', additionalProperties: { $ref: '#/definitions/host' } }, { type: ['string', 'null'] }],
                    description: 'Hosts of the group: name (or range such as node[01:03]) -> its variables.',
                },
                children: {
                    anyOf: [{ type: 'object', additionalProperties: { $ref: '#/definitions/group' } }, { type: ['string', 'null'] }],
                    description: 'Groups inside this one.',
                },
                vars: { $ref: '#/definitions/vars' },
            },
            additionalProperties: false,
        },
    },
};
//# sourceMappingURL=inventory.js.map