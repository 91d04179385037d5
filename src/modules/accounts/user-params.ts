import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { AbsolutePath, NameOrId, StringEnum } from '../../schema/formats.js';
import { AccountId, AccountName } from './group.js';

/** The user module's params: the schema is the type (UserParams), shared by its plan and its decisions. */

/** A field of /etc/passwd: no ":" (the separator) and no line break. */
const PASSWD_FIELD = '^[^:\\n]*$';

/**
 * What /etc/shadow takes as a hash: crypt(3) output ("$6$salt$hash", "$y$..."), a 13-character
 * DES hash, "*" (no password login), each optionally locked by leading "!"; or "!" alone.
 */
const CRYPTED = '^!*(?:\\*|\\$[A-Za-z0-9]+\\$[^\\s:]+|[./0-9A-Za-z]{13})?$';

export const userSchema = Type.Object({
  name: AccountName({ description: 'The login name (letters, digits, _ . -; at most 32 characters).' }),
  uid: Type.Optional(AccountId({
    description: 'The numeric user id; an existing user with another uid is renumbered (usermod -u, which also re-owns the home). Unset: the host picks one.',
  })),
  group: Type.Optional(NameOrId({
    description: 'Primary group, by name or gid; it must exist (or be created by an earlier group task). ' +
      'Unset: a group named after the user (USERGROUPS_ENAB), as useradd does.',
  })),
  groups: Type.Optional(Type.Union([Type.Array(NameOrId()), Type.String()], {
    description: 'Supplementary groups (a list, or one comma-separated string). With append: false the user ends up in exactly these; [] removes it from all of them.',
  })),
  append: Type.Optional(Type.Boolean({ default: false, description: 'true: add the user to `groups` and leave its other memberships alone.' })),
  shell: Type.Optional(Type.String({
    minLength: 1,
    pattern: PASSWD_FIELD,
    description: 'Login shell, e.g. /bin/bash. Unset on a new user: useradd\'s default.',
    errorHint: 'the shell\'s path, e.g. /bin/bash: no ":" (it separates the fields of /etc/passwd), one line',
  })),
  home: Type.Optional(AbsolutePath({
    pattern: PASSWD_FIELD,
    description: 'Home directory (absolute). Changing it on an existing user does not move the old one (usermod -d).',
    errorHint: 'the whole path from /, e.g. "/home/deploy": no ":" (it separates the fields of /etc/passwd), one line',
  })),
  create_home: Type.Optional(Type.Boolean({
    default: true,
    description: 'Create the home directory from /etc/skel when creating the user, or when an existing user\'s home is missing.',
  })),
  comment: Type.Optional(Type.String({
    pattern: PASSWD_FIELD,
    description: 'The GECOS field (full name), e.g. "Jane Doe".',
    errorHint: 'a full name such as "Jane Doe": no ":" (it separates the fields of /etc/passwd), one line',
  })),
  system: Type.Optional(Type.Boolean({
    default: false,
    description: 'Create a system account (useradd -r: a uid from the system range). Has no effect on an existing user.',
  })),
  password: Type.Optional(Type.String({
    description: 'The crypted password hash for /etc/shadow (e.g. from `openssl passwd -6`), never clear text. Treated as a secret: ' +
      'it is compared on the host by digest, handed to chpasswd on stdin, and never shown in output or diffs.',
    // The value is never quoted: the messages say what is wrong with it without it.
    allOf: [
      {
        minLength: 1,
        errorMessage: 'password is empty: that would allow logging in without one',
        errorHint: 'to disable password logins use password_lock: true or password: "*"',
      },
      {
        pattern: CRYPTED,
        errorMessage: 'password must be a crypted hash, not the clear text; its value is not shown',
        errorHint: 'the output of `openssl passwd -6` or `mkpasswd -m sha-512` (starting with $6$, $y$, ...), e.g. from a vault variable',
      },
    ],
  })),
  password_lock: Type.Optional(Type.Boolean({
    description: 'true: lock the password (usermod -L, a "!" before the hash); false: unlock it. Key logins keep working only where sshd uses PAM.',
  })),
  update_password: Type.Optional(StringEnum(['always', 'on_create'], {
    default: 'always',
    description: 'on_create: set `password` only when creating the user, never change it later.',
  })),
  state: Type.Optional(StringEnum(['present', 'absent'], {
    default: 'present',
    description: 'present: the account exists as described; absent: it is removed (userdel).',
  })),
  remove: Type.Optional(Type.Boolean({ default: false, description: 'With state: absent, also remove the home directory and mail spool (userdel -r).' })),
}, { additionalProperties: false });

export type UserParams = Static<typeof userSchema>;
