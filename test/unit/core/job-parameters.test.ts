import { resolveRunParameters } from '../../../core/jobs/parameters';
import { Parameter } from '../../../core/jobs/schema';

const defined = [
  { name: 'package', type: 'string', required: true, regex: '[a-z]+' },
  { name: 'count', type: 'number', default: 3 },
  { name: 'force', type: 'boolean' },
  { name: 'channel', type: 'choice', allowed: ['stable', 'beta'], default: 'stable' },
  { name: 'token', type: 'string', secure: true },
].map((p) => Parameter.parse(p));

describe('run parameters', () => {
  it('fills defaults, turns values into strings and collects secure values', () => {
    const resolved = resolveRunParameters(defined, { package: 'nginx', force: true, token: 'CANARY-t0ken' });

    expect(resolved).toEqual({
      values: { package: 'nginx', count: '3', force: 'true', channel: 'stable', token: 'CANARY-t0ken' },
      secureValues: ['CANARY-t0ken'],
    });
  });

  it('names every bad parameter at once', () => {
    const attempt = () => resolveRunParameters(defined, { package: 'NGINX!', count: 'x', channel: 'nightly', extra: 1 });

    expect(attempt).toThrow('Some parameters do not fit the job.');
    try {
      attempt();
    } catch (e) {
      expect((e as { details: { path: string }[] }).details.map((d) => d.path).sort()).toEqual([
        'parameters.channel',
        'parameters.count',
        'parameters.extra',
        'parameters.package',
      ]);
    }
  });

  it('requires required parameters', () => {
    expect(() => resolveRunParameters(defined, {})).toThrow(/do not fit/);
  });
});
