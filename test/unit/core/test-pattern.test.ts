import { AppError } from '../../../core/errors';
import { TestPatternInput, testEventPattern } from '../../../core/events/test-pattern';

const event = {
  version: '0',
  id: 'evt_1',
  'detail-type': 'Run Completed',
  source: 'opsconductor.automation',
  account: '000000000000',
  time: '2026-11-25T10:00:00Z',
  region: 'local',
  resources: [],
  detail: { projectId: 'prj_1', run: { id: 'run_1' }, status: 'failed', counts: { failed: 2 } },
};

const run = (input: unknown) => testEventPattern(TestPatternInput.parse(input));
const failure = (input: unknown): AppError => {
  try {
    run(input);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
};

describe('testEventPattern', () => {
  it('matches a pattern and an event given as objects', () => {
    expect(run({ pattern: { source: ['opsconductor.automation'], detail: { status: ['failed'] } }, event })).toEqual({ match: true });
    expect(run({ pattern: { detail: { status: ['succeeded'] } }, event })).toEqual({ match: false });
  });

  it('takes both as JSON text, numbers compared as EventBridge compares them', () => {
    const result = run({ pattern: '{"detail":{"counts":{"failed":[{"numeric":[">=",2.0]}]}}}', event: JSON.stringify(event) });
    expect(result).toEqual({ match: true });
  });

  it('maps parameters from a matching event; a path that finds nothing is left out', () => {
    const result = run({
      pattern: { source: [{ prefix: 'opsconductor.' }] },
      event,
      inputMapping: { runId: '$.detail.run.id', failed: '$.detail.counts.failed', missing: '$.detail.nope', time: '$.time' },
    });
    expect(result).toEqual({ match: true, parameters: { runId: 'run_1', failed: 2, time: '2026-11-25T10:00:00Z' } });
  });

  it('gives no parameters when the pattern does not match', () => {
    expect(run({ pattern: { source: ['other'] }, event, inputMapping: { runId: '$.detail.run.id' } })).toEqual({ match: false });
  });

  it('answers 400 naming the offending member of an invalid pattern', () => {
    const e = failure({ pattern: { source: 'opsconductor.automation' }, event });
    expect(e.status).toBe(400);
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.message).toMatch(/^The event pattern is not valid\. \$\.source: /);
    expect(e.details).toEqual([{ location: 'body', path: 'pattern.source', message: expect.stringMatching(/must be an object or an array/) as unknown }]);
  });

  it.each([
    [{ pattern: '{"source": [', event }, /pattern is not valid JSON/],
    [{ pattern: '[1]', event }, /event pattern is not valid\. \$: Event pattern must be a JSON object/],
    [{ pattern: { source: ['x'] }, event: 'not json' }, /event is not valid JSON/],
    [{ pattern: { source: ['x'] }, event: '[1, 2]' }, /event must be a JSON object/],
  ])('refuses %j', (input, message) => {
    const e = failure(input);
    expect(e.status).toBe(400);
    expect(e.message).toMatch(message);
  });

  it('refuses a mapping path outside the supported subset at validation', () => {
    const parsed = TestPatternInput.safeParse({ pattern: {}, event, inputMapping: { x: '$.detail[*]' } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['inputMapping', 'x']);
  });
});
