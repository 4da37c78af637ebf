import { fromUnixCron, instantsOf, isTimeZone, nextFireTimes, parseSchedule, ScheduleExpressionError } from '../../../core/schedules/expression';

/**
 * Schedule expressions with EventBridge Scheduler's rules, including its daylight saving time
 * behaviour: a wall time skipped by the spring-forward does not fire that day; one repeated by the
 * fall-back fires once.
 */
const iso = (ms: number[]) => ms.map((m) => new Date(m).toISOString());
const next = (expression: string, timeZone: string, after: string, count = 4, start = '2020-01-01T00:00:00Z') =>
  iso(nextFireTimes(parseSchedule(expression), { timeZone, start: Date.parse(start) }, Date.parse(after), count));

describe('cron expressions', () => {
  it.each([
    ['cron(0 10 * * ? *)', 'UTC', '2026-01-01T00:00:00Z', ['2026-01-01T10:00:00.000Z', '2026-01-02T10:00:00.000Z']],
    ['cron(15 12 ? * MON-FRI *)', 'UTC', '2026-01-02T13:00:00Z', ['2026-01-05T12:15:00.000Z', '2026-01-06T12:15:00.000Z']],
    ['cron(0/20 8 * * ? *)', 'UTC', '2026-01-01T08:05:00Z', ['2026-01-01T08:20:00.000Z', '2026-01-01T08:40:00.000Z']],
    ['cron(0 0 L * ? *)', 'UTC', '2026-01-01T00:00:00Z', ['2026-01-31T00:00:00.000Z', '2026-02-28T00:00:00.000Z']],
    ['cron(0 12 ? * MON#2 *)', 'UTC', '2026-01-01T00:00:00Z', ['2026-01-12T12:00:00.000Z', '2026-02-09T12:00:00.000Z']],
    ['cron(0 12 ? * 6L *)', 'UTC', '2026-01-01T00:00:00Z', ['2026-01-30T12:00:00.000Z', '2026-02-27T12:00:00.000Z']],
    // 2026-02-15 is a Sunday: the nearest weekday is Monday the 16th; 2026-03-01 (Sunday) → Monday the 2nd.
    ['cron(0 9 15W * ? *)', 'UTC', '2026-02-01T00:00:00Z', ['2026-02-16T09:00:00.000Z', '2026-03-16T09:00:00.000Z']],
    ['cron(0 9 LW * ? *)', 'UTC', '2026-05-01T00:00:00Z', ['2026-05-29T09:00:00.000Z', '2026-06-30T09:00:00.000Z']],
    ['cron(30 6 1 JAN,JUL ? 2027-2028)', 'UTC', '2026-06-01T00:00:00Z', ['2027-01-01T06:30:00.000Z', '2027-07-01T06:30:00.000Z']],
    ['cron(0 9 * * ? *)', 'Asia/Kolkata', '2026-01-01T00:00:00Z', ['2026-01-01T03:30:00.000Z', '2026-01-02T03:30:00.000Z']],
  ])('%s in %s after %s', (expression, zone, after, expected) => {
    expect(next(expression, zone, after, 2)).toEqual(expected);
  });

  it.each([
    ['cron(0 10 * * * *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 10 * * ?)', /6 fields/],
    ['cron(60 10 * * ? *)', /minutes: 60 is outside 0-59/],
    ['cron(0 10 ? * FUNDAY *)', /day-of-week/],
    ['cron(0 10 5-1 * ? *)', /runs backwards/],
    ['rate(0 minutes)', /positive/],
    ['rate(5 minute)', /plural/],
    ['rate(1 hours)', /singular/],
    ['rate(5 weeks)', /unit/],
    ['at(2026-02-30T10:00:00)', /not a real date/],
    ['every day', /cron\(…\), rate\(…\), at\(…\)/],
  ])('refuses %s', (expression, message) => {
    expect(() => parseSchedule(expression)).toThrow(ScheduleExpressionError);
    expect(() => parseSchedule(expression)).toThrow(message);
  });
});

describe('daylight saving time', () => {
  it('America/New_York: 02:30 does not exist on 2026-03-08 and does not fire that day', () => {
    expect(next('cron(30 2 * * ? *)', 'America/New_York', '2026-03-06T12:00:00Z', 3)).toEqual([
      '2026-03-07T07:30:00.000Z', // EST
      '2026-03-09T06:30:00.000Z', // EDT; nothing on the 8th
      '2026-03-10T06:30:00.000Z',
    ]);
  });

  it('America/New_York: 01:30 happens twice on 2026-11-01 and fires once, at the first', () => {
    expect(next('cron(30 1 * * ? *)', 'America/New_York', '2026-10-30T12:00:00Z', 3)).toEqual([
      '2026-10-31T05:30:00.000Z',
      '2026-11-01T05:30:00.000Z', // 01:30 EDT; not again at 01:30 EST (06:30Z)
      '2026-11-02T06:30:00.000Z',
    ]);
    expect(next('cron(0/30 1 * * ? *)', 'America/New_York', '2026-11-01T04:00:00Z', 3)).toEqual(['2026-11-01T05:00:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:00:00.000Z']);
  });

  it('Europe/Berlin: 02:30 is skipped on 2026-03-29 and 02:30 fires once on 2026-10-25', () => {
    expect(next('cron(30 2 * * ? *)', 'Europe/Berlin', '2026-03-27T12:00:00Z', 3)).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
    expect(next('cron(30 2 * * ? *)', 'Europe/Berlin', '2026-10-24T12:00:00Z', 3)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z']);
  });

  it('hourly schedules keep to the wall clock across the change', () => {
    // New York, spring forward: 01:00 EST, then 03:00 EDT (02:00 does not exist).
    expect(next('cron(0 * * * ? *)', 'America/New_York', '2026-03-08T05:30:00Z', 3)).toEqual(['2026-03-08T06:00:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-08T08:00:00.000Z']);
  });

  it('knows which wall times exist once, twice or not at all', () => {
    expect(instantsOf({ year: 2026, month: 3, day: 8, hour: 2, minute: 30, second: 0 }, 'America/New_York')).toEqual([]);
    expect(iso(instantsOf({ year: 2026, month: 11, day: 1, hour: 1, minute: 30, second: 0 }, 'America/New_York'))).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z']);
    expect(iso(instantsOf({ year: 2026, month: 7, day: 1, hour: 12, minute: 0, second: 0 }, 'Europe/Berlin'))).toEqual(['2026-07-01T10:00:00.000Z']);
  });
});

describe('rate, at and Unix cron', () => {
  it('counts rates in elapsed time from the start, 24 h a day whatever the clock does', () => {
    expect(next('rate(1 day)', 'America/New_York', '2026-03-07T00:00:00Z', 3, '2026-03-06T15:00:00Z')).toEqual(['2026-03-07T15:00:00.000Z', '2026-03-08T15:00:00.000Z', '2026-03-09T15:00:00.000Z']);
    expect(next('rate(15 minutes)', 'UTC', '2026-01-01T00:20:00Z', 2, '2026-01-01T00:00:00Z')).toEqual(['2026-01-01T00:30:00.000Z', '2026-01-01T00:45:00.000Z']);
  });

  it('fires at() once at its wall time in the zone', () => {
    expect(next('at(2026-12-24T18:00:00)', 'Europe/Berlin', '2026-01-01T00:00:00Z', 3)).toEqual(['2026-12-24T17:00:00.000Z']);
    expect(next('at(2026-12-24T18:00:00)', 'Europe/Berlin', '2026-12-25T00:00:00Z', 3)).toEqual([]);
  });

  it('stops at the end of the window', () => {
    expect(iso(nextFireTimes(parseSchedule('cron(0 12 * * ? *)'), { timeZone: 'UTC', start: 0, end: Date.parse('2026-01-02T12:00:00Z') }, Date.parse('2026-01-01T00:00:00Z'), 5))).toEqual([
      '2026-01-01T12:00:00.000Z',
      '2026-01-02T12:00:00.000Z',
    ]);
  });

  it.each([
    ['*/5 * * * *', 'cron(0/5 * * * ? *)'],
    ['0 */6 */2 * *', 'cron(0 0/6 1/2 * ? *)'],
    ['0 9 * * 1-5', 'cron(0 9 ? * 2-6 *)'],
    ['0 9 * * 0,7', 'cron(0 9 ? * 1,1 *)'],
    ['30 2 1 * *', 'cron(30 2 1 * ? *)'],
  ])('converts the Unix cron %s to %s', (unix, eventBridge) => {
    expect(fromUnixCron(unix)).toBe(eventBridge);
    expect(parseSchedule(unix).expression).toBe(eventBridge);
  });

  it('refuses a Unix cron that names both day fields, and unknown time zones', () => {
    expect(() => fromUnixCron('0 9 1 * 1')).toThrow(/both a day of the month and a day of the week/);
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
