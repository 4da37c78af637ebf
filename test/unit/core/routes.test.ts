import { permissions } from '../../../core/identity/policy';
import { handlerNames, matchRoute, routeFor, routes } from '../../../core/routes';

describe('route table', () => {
  it('has one route per method and path, each with a unique id', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(routes.length);
    expect(new Set(routes.map((r) => r.id)).size).toBe(routes.length);
  });

  it('names only known handlers and permissions, and only /health and the signed webhook route are public', () => {
    for (const r of routes) {
      expect(handlerNames).toContain(r.handler);
      if (r.permission !== 'public') expect(permissions).toContain(r.permission);
    }
    expect(routes.filter((r) => r.permission === 'public').map((r) => r.path)).toEqual(['/health', '/v1/hooks/{triggerId}']);
  });

  it('gives every handler at least one route', () => {
    for (const h of handlerNames) expect(routes.some((r) => r.handler === h)).toBe(true);
  });

  it.each([
    ['GET', '/v1/projects', 'listProjects', {}],
    ['POST', '/v1/projects', 'createProject', {}],
    ['GET', '/v1/projects/prj_1', 'getProject', { projectId: 'prj_1' }],
    ['PATCH', '/v1/projects/prj_1/', 'updateProject', { projectId: 'prj_1' }],
    ['DELETE', '/v1/projects/a%20b', 'deleteProject', { projectId: 'a b' }],
    ['GET', '/health', 'getHealth', {}],
  ])('matches %s %s to %s', (method, path, id, params) => {
    const m = matchRoute(method, path);

    expect(m).toEqual({ kind: 'match', route: expect.objectContaining({ id }) as unknown, pathParameters: params });
  });

  it('tells an unknown path from a known path with the wrong method', () => {
    expect(matchRoute('GET', '/v1/nothing')).toEqual({ kind: 'notFound' });
    expect(matchRoute('GET', '/v1/projects/prj_1/extra')).toEqual({ kind: 'notFound' });
    expect(matchRoute('PUT', '/v1/projects/prj_1')).toEqual({ kind: 'methodNotAllowed', allowed: ['GET', 'PATCH', 'DELETE'] });
  });

  it('finds the route API Gateway invoked from resource and method', () => {
    expect(routeFor('PATCH', '/v1/projects/{projectId}')?.id).toBe('updateProject');
    expect(routeFor('PUT', '/v1/projects/{projectId}')).toBeUndefined();
  });
});
