// The local IdP's directory: the demo people, their groups and their team. A corporate IdP keeps
// this in its own directory; the AWS side only ever sees what the assertion says.

export interface DirectoryUser {
  username: string;
  /** The NameID the IdP asserts (SAML:sub). Operators live in the operations directory. */
  nameId: string;
  /** Each group maps to one role (LocalIdP's "AWS app" configuration, idp.mapGroup). */
  groups: readonly string[];
  /** The `team` session tag (PrincipalTag:team), which the operator's ABAC grant decides on. */
  team?: string;
}

export const DEMO_USERS: readonly DirectoryUser[] = [
  { username: 'dana', nameId: 'dana@keyless.example', groups: ['developers'], team: 'ledger' },
  {
    username: 'omar',
    nameId: 'omar@ops.keyless.example',
    groups: ['developers', 'operators'],
    team: 'ledger',
  },
  { username: 'wes', nameId: 'wes@ops.keyless.example', groups: ['operators'], team: 'web' },
  // In no group: the IdP signs her in, but offers AWS no role.
  { username: 'nina', nameId: 'nina@keyless.example', groups: [] },
];

/** The group each model role is given to. */
export const GROUP_OF_ROLE = { developer: 'developers', operator: 'operators' } as const;
