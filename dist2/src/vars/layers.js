/**
 * Variable levels we support, lowest precedence first, following Ansible's documented order
 * (https://docs.ansible.com/ansible/latest/playbook_guide/playbooks_variables.html).
 */
export const VAR_LEVELS = [
    'role_defaults',
    'inventory_file_group_vars', // [group:vars] / YAML group `vars:` (all first, then parents before children)
    'inventory_group_vars_all', // group_vars/all beside the inventory
    'playbook_group_vars_all', // group_vars/all beside the playbook
    'inventory_group_vars', // group_vars/GROUP beside the inventory
    'playbook_group_vars', // group_vars/GROUP beside the playbook
    'inventory_file_host_vars', // inline host vars in the inventory file
    'inventory_host_vars', // host_vars/HOST beside the inventory
    'playbook_host_vars', // host_vars/HOST beside the playbook
    'host_facts', // gathered facts (`facts`)
    'play_vars',
    'play_vars_files',
    'role_vars',
    'block_vars',
    'task_vars',
    'set_fact', // set_fact and register
    'role_params',
    'include_params',
    'extra_vars',
];
export function levelRank(level) {
    return VAR_LEVELS.indexOf(level);
}
//# sourceMappingURL=layers.js.map