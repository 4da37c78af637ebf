import { decide, permissions, roleInProject } from '../../../core/identity/policy';
import type { Principal, ProjectRole } from '../../../core/identity/principal';

const admin: Principal = { type: 'user', sub: 's1', username: 'root', groups: ['admins'] };
const user: Principal = { type: 'user', sub: 's2', username: 'ann', groups: [] };
const key = (role: 'operator' | 'viewer', projectId = 'prj_A'): Principal => ({ type: 'apiKey', keyId: 'key_1', name: 'ci', projectId, role });

describe('roleInProject', () => {
  it.each([
    ['a global admin, without membership', admin, undefined, 'admin'],
    ['a user, from their membership', user, 'operator', 'operator'],
    ['a user without membership', user, undefined, undefined],
    ['a key, in its own project', key('viewer'), undefined, 'viewer'],
  ] as const)('%s', (_what, principal, membership, expected) => {
    expect(roleInProject(principal, 'prj_A', membership)).toBe(expected);
  });

  it('gives a key no role in another project, whatever a membership says', () => {
    expect(roleInProject(key('operator', 'prj_B'), 'prj_A', 'admin')).toBeUndefined();
  });
});

describe('decide', () => {
  const roles: (ProjectRole | undefined)[] = [undefined, 'viewer', 'operator', 'admin'];

  it.each([
    // permission, minimum role that is allowed
    ['project:read', 'viewer'],
    ['members:read', 'viewer'],
    ['project:update', 'admin'],
    ['members:manage', 'admin'],
    ['apiKeys:read', 'admin'],
    ['apiKeys:manage', 'admin'],
  ] as const)('%s needs at least %s; no role at all is a 404', (permission, min) => {
    const rank = { viewer: 1, operator: 2, admin: 3 };
    for (const role of roles) {
      const d = decide(user, permission, { role });
      if (role === undefined) expect(d).toEqual({ effect: 'deny', reason: 'notFound' });
      else if (rank[role] >= rank[min]) expect(d).toEqual({ effect: 'allow', role });
      else expect(d).toEqual({ effect: 'deny', reason: 'forbidden' });
    }
  });

  it('keeps deleting a project for global admins, even from project admins', () => {
    expect(decide(user, 'project:delete', { role: 'admin' })).toEqual({ effect: 'deny', reason: 'forbidden' });
    expect(decide(admin, 'project:delete', { role: 'admin' })).toEqual({ effect: 'allow', role: 'admin' });
  });

  it.each(['projects:create', 'users:read', 'users:manage', 'settings:manage'] as const)('%s is for global admins only', (permission) => {
    expect(decide(admin, permission)).toEqual({ effect: 'allow' });
    expect(decide(user, permission)).toEqual({ effect: 'deny', reason: 'forbidden' });
    expect(decide(key('operator'), permission)).toEqual({ effect: 'deny', reason: 'forbidden' });
  });

  it.each(['me:read', 'projects:list', 'settings:read'] as const)('%s is for everyone signed in', (permission) => {
    for (const p of [admin, user, key('viewer')]) expect(decide(p, permission)).toEqual({ effect: 'allow' });
  });

  it('has a rule for every permission', () => {
    for (const p of permissions) expect(() => decide(admin, p, { role: 'admin' })).not.toThrow();
  });
});
