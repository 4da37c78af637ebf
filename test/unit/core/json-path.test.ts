import { evaluateJsonPath, parseJsonPath } from '../../../core/events/json-path';

const event = {
  'detail-type': 'Run Completed',
  detail: { run: { id: 'run_1', jobVersion: 3 }, hosts: [{ name: 'web-1' }, { name: 'web-2', tags: ['a'] }], 'odd key': true, empty: null },
};

describe('JSONPath subset', () => {
  it.each([
    ['$', event],
    ['$.detail.run.id', 'run_1'],
    ['$.detail.run.jobVersion', 3],
    ['$.detail.hosts[1].name', 'web-2'],
    ['$.detail.hosts[1].tags[0]', 'a'],
    ['$["detail-type"]', 'Run Completed'],
    ["$.detail['odd key']", true],
    ['$.detail.empty', null],
    ['$.detail.run', { id: 'run_1', jobVersion: 3 }],
  ])('%s finds its value', (path, expected) => {
    expect(evaluateJsonPath(event, path)).toEqual(expected);
  });

  it.each(['$.detail.missing', '$.detail.hosts[5].name', '$.detail.run.id.deeper', '$.detail.hosts.name', '$.detail.run[0]', '$.constructor', '$.detail.empty.x'])(
    '%s finds nothing',
    (path) => {
      expect(evaluateJsonPath(event, path)).toBeUndefined();
    },
  );

  it.each([
    ['detail.x', /starts with "\$"/],
    ['$.', /member name/],
    ['$..x', /member name/],
    ['$.a[*]', /\[<index>\]/],
    ['$.a[-1]', /\[<index>\]/],
    ['$.a b', /Unexpected " "/],
    ['$[?(@.x)]', /\[<index>\]/],
  ])('refuses %s', (path, message) => {
    const parsed = parseJsonPath(path);
    expect(Array.isArray(parsed)).toBe(false);
    expect((parsed as { error: string }).error).toMatch(message);
    expect(() => evaluateJsonPath(event, path)).toThrow(/Invalid path/);
  });

  it('parses steps', () => {
    expect(parseJsonPath('$.a["b.c"][2].d')).toEqual(['a', 'b.c', 2, 'd']);
  });
});
