/**
 * Schedule expressions as EventBridge Scheduler reads them, evaluated here so the local scheduler
 * fires at the same instants as Scheduler does on AWS:
 *
 * - `cron(minutes hours day-of-month month day-of-week year)`: `*`, `,`, `-`, `/`; `?` in one of
 *   the two day fields; `L` (last day of the month, or `5L` the last Thursday), `W` (`15W` the
 *   weekday nearest the 15th, `LW` the last weekday), `#` (`MON#2` the second Monday); months
 *   `JAN`–`DEC`, days `SUN`–`SAT` = 1–7.
 * - `rate(n minute|minutes|hour|hours|day|days)`: every n units of elapsed time from the start
 *   (a day is 24 hours, whatever the clock does).
 * - `at(yyyy-mm-ddThh:mm:ss)`: once, at that wall time.
 * - A 5-field Unix cron (`m h dom mon dow`, Sunday 0 or 7) is accepted and converted to `cron(…)`.
 *
 * Wall times are in the schedule's IANA time zone. Daylight saving time as Scheduler documents it:
 * a time that does not exist on the spring-forward day does not fire that day; a time that occurs
 * twice on the fall-back day fires once, at its first occurrence.
 */

export class ScheduleExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleExpressionError';
  }
}

const fail = (message: string): never => {
  throw new ScheduleExpressionError(message);
};

// ---------------------------------------------------------------------------------------------
// Time zones: wall time ↔ instant through Intl (the ICU time zone data Node ships)

interface Wall {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterOf = (timeZone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
};

export const isTimeZone = (timeZone: string): boolean => {
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
};

export const wallTimeOf = (instant: number, timeZone: string): Wall => {
  const parts = Object.fromEntries(formatterOf(timeZone).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) };
};

const asUtc = (w: Wall) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/**
 * The instants at which the zone's clock shows `wall`: none (skipped by a spring-forward), one, or
 * two (repeated by a fall-back), in order.
 */
export const instantsOf = (wall: Wall, timeZone: string): number[] => {
  const naive = asUtc(wall);
  const found = new Set<number>();
  // Offsets anywhere in the world lie within ±14 h; try the offsets in force around this time.
  for (const probe of [naive - 14 * 3_600_000, naive - 3 * 3_600_000, naive, naive + 3 * 3_600_000, naive + 14 * 3_600_000]) {
    const offset = asUtc(wallTimeOf(probe, timeZone)) - Math.floor(probe / 1000) * 1000;
    const candidate = naive - offset;
    if (asUtc(wallTimeOf(candidate, timeZone)) === naive) found.add(candidate);
  }
  return [...found].sort((a, b) => a - b);
};

// ---------------------------------------------------------------------------------------------
// Parsing

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** A field's allowed values as a set, from `*`, lists, ranges and steps. */
const numbersOf = (field: string, name: string, min: number, max: number, names: readonly string[] = [], nameBase = 1): Set<number> => {
  const value = (text: string): number => {
    const upper = text.toUpperCase();
    const named = names.indexOf(upper);
    if (named >= 0) return named + nameBase;
    if (!/^\d+$/.test(text)) fail(`${name}: '${text}' is not a number${names.length > 0 ? ` or a name (${names.join(', ')})` : ''}`);
    const n = Number(text);
    if (n < min || n > max) fail(`${name}: ${String(n)} is outside ${String(min)}-${String(max)}`);
    return n;
  };
  const out = new Set<number>();
  for (const part of field.split(',')) {
    if (part === '') fail(`${name}: empty list item`);
    const [range = '', stepText, ...extra] = part.split('/');
    if (extra.length > 0) fail(`${name}: '${part}' has more than one '/'`);
    const step = stepText === undefined ? 1 : value(stepText);
    if (step < 1) fail(`${name}: the step must be at least 1`);
    let from: number;
    let to: number;
    if (range === '*') {
      from = min;
      to = max;
    } else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      from = value(a);
      to = value(b);
      if (from > to) fail(`${name}: range ${range} runs backwards`);
    } else {
      from = value(range);
      to = stepText === undefined ? from : max;
    }
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
};

type DayRule =
  | { kind: 'any' }
  | { kind: 'set'; values: Set<number> }
  | { kind: 'last' } // L in day-of-month
  | { kind: 'lastWeekday' } // LW
  | { kind: 'nearestWeekday'; day: number } // 15W
  | { kind: 'lastOfWeekday'; weekday: number } // 5L in day-of-week
  | { kind: 'nthWeekday'; weekday: number; nth: number }; // MON#2

interface CronSpec {
  minutes: Set<number>;
  hours: Set<number>;
  dayOfMonth: DayRule;
  months: Set<number>;
  dayOfWeek: DayRule;
  years: Set<number>;
}

const dayOfMonthRule = (field: string): DayRule => {
  if (field === '?') return { kind: 'any' };
  if (field === 'L') return { kind: 'last' };
  if (field === 'LW') return { kind: 'lastWeekday' };
  const w = /^(\d{1,2})W$/.exec(field);
  if (w) {
    const day = Number(w[1]);
    if (day < 1 || day > 31) fail(`day-of-month: ${String(day)}W is outside 1-31`);
    return { kind: 'nearestWeekday', day };
  }
  return { kind: 'set', values: numbersOf(field, 'day-of-month', 1, 31) };
};

const weekdayOf = (text: string): number => {
  const named = DAYS.indexOf(text.toUpperCase());
  if (named >= 0) return named + 1;
  if (!/^[1-7]$/.test(text)) fail(`day-of-week: '${text}' is not 1-7 or SUN-SAT`);
  return Number(text);
};

const dayOfWeekRule = (field: string): DayRule => {
  if (field === '?') return { kind: 'any' };
  const last = /^(\w+)L$/.exec(field);
  if (last?.[1] !== undefined) return { kind: 'lastOfWeekday', weekday: weekdayOf(last[1]) };
  if (field === 'L') return { kind: 'set', values: new Set([7]) };
  const nth = /^(\w+)#([1-5])$/.exec(field);
  if (nth?.[1] !== undefined) return { kind: 'nthWeekday', weekday: weekdayOf(nth[1]), nth: Number(nth[2]) };
  return { kind: 'set', values: numbersOf(field, 'day-of-week', 1, 7, DAYS) };
};

const parseCron = (body: string): CronSpec => {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) fail(`cron() takes 6 fields (minutes hours day-of-month month day-of-week year), not ${String(fields.length)}`);
  const [min = '', hour = '', dom = '', month = '', dow = '', year = ''] = fields;
  if ((dom === '?') === (dow === '?')) fail("exactly one of day-of-month and day-of-week must be '?'");
  return {
    minutes: numbersOf(min, 'minutes', 0, 59),
    hours: numbersOf(hour, 'hours', 0, 23),
    dayOfMonth: dayOfMonthRule(dom),
    months: numbersOf(month, 'month', 1, 12, MONTHS),
    dayOfWeek: dayOfWeekRule(dow),
    years: numbersOf(year, 'year', 1970, 2199),
  };
};

/** `m h dom mon dow` (Unix, Sunday 0 or 7, both day fields may be given) as an EventBridge `cron(…)`. */
export const fromUnixCron = (text: string): string => {
  const fields = text.trim().split(/\s+/);
  if (fields.length !== 5) fail(`a Unix cron has 5 fields, not ${String(fields.length)}`);
  const [minField = '', hourField = '', domField = '', monthField = '', dow = ''] = fields;
  // AWS's examples write steps from a start (`0/15`), not from `*`.
  const fromStart = (field: string, first: number) => field.split(',').map((p) => p.replace(/^\*\//, `${String(first)}/`)).join(',');
  const [min, hour, dom, month] = [fromStart(minField, 0), fromStart(hourField, 0), fromStart(domField, 1), fromStart(monthField, 1)];
  // Unix numbers days 0-6 from Sunday (7 is Sunday too); EventBridge 1-7 from Sunday.
  const shiftDay = (part: string) => part.replace(/\d+/g, (d) => String((Number(d) % 7) + 1));
  const eventBridgeDow = dow === '*' ? '?' : dow.split(',').map(shiftDay).join(',');
  if (domField !== '*' && dow !== '*') fail('a Unix cron that names both a day of the month and a day of the week cannot be expressed for EventBridge Scheduler; use cron(…) with one of them');
  const eventBridgeDom = dow !== '*' ? '?' : dom;
  return `cron(${min} ${hour} ${eventBridgeDom} ${month} ${eventBridgeDow} *)`;
};

export type ParsedSchedule =
  | { kind: 'cron'; expression: string; spec: CronSpec }
  | { kind: 'rate'; expression: string; everyMs: number }
  | { kind: 'at'; expression: string; wall: Wall };

/** Parses an expression (or converts a Unix cron); throws ScheduleExpressionError saying what is wrong. */
export const parseSchedule = (text: string): ParsedSchedule => {
  const trimmed = text.trim();
  const call = /^(cron|rate|at)\((.*)\)$/s.exec(trimmed);
  if (!call) {
    if (/^\S+(\s+\S+){4}$/.test(trimmed)) return parseSchedule(fromUnixCron(trimmed));
    return fail('an expression is cron(…), rate(…), at(…) or a 5-field Unix cron');
  }
  const [, kind, body = ''] = call;
  if (kind === 'cron') return { kind: 'cron', expression: trimmed, spec: parseCron(body) };
  if (kind === 'rate') {
    const m = /^\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*$/.exec(body);
    if (!m) return fail('rate() takes a whole number and a unit: minute(s), hour(s) or day(s)');
    const n = Number(m[1]);
    const unit = m[2] ?? '';
    if (n < 1) fail('rate() needs a positive number');
    if ((n === 1) !== !unit.endsWith('s')) fail(`rate(${String(n)} ${unit}): use ${n === 1 ? 'the singular' : 'the plural'} unit`);
    const unitMs = unit.startsWith('minute') ? 60_000 : unit.startsWith('hour') ? 3_600_000 : 86_400_000;
    return { kind: 'rate', expression: trimmed, everyMs: n * unitMs };
  }
  const at = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body.trim());
  if (!at) return fail('at() takes a wall time as yyyy-mm-ddThh:mm:ss');
  const [year, month, day, hour, minute, second] = at.slice(1).map(Number) as [number, number, number, number, number, number];
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) fail(`at(${body}) is not a real date and time`);
  return { kind: 'at', expression: trimmed, wall: { year, month, day, hour, minute, second } };
};

// ---------------------------------------------------------------------------------------------
// Evaluation

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const weekdayOfDate = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1; // 1 = Sunday

const dayMatches = (rule: DayRule, year: number, month: number, day: number, asDayOfWeek: boolean): boolean => {
  const last = daysIn(year, month);
  const weekday = weekdayOfDate(year, month, day);
  switch (rule.kind) {
    case 'any':
      return true;
    case 'set':
      return rule.values.has(asDayOfWeek ? weekday : day);
    case 'last':
      return day === last;
    case 'lastWeekday': {
      let d = last;
      while ([1, 7].includes(weekdayOfDate(year, month, d))) d -= 1;
      return day === d;
    }
    case 'nearestWeekday': {
      const target = Math.min(rule.day, last);
      const w = weekdayOfDate(year, month, target);
      let d = target;
      if (w === 7) d = target === 1 ? 3 : target - 1; // Saturday → Friday (or Monday the 3rd)
      if (w === 1) d = target === last ? target - 2 : target + 1; // Sunday → Monday (or Friday)
      return day === d;
    }
    case 'lastOfWeekday':
      return weekday === rule.weekday && day + 7 > last;
    case 'nthWeekday':
      return weekday === rule.weekday && Math.ceil(day / 7) === rule.nth;
  }
};

const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);

/** The first instant of a cron schedule strictly after `after`, or undefined within ~5 years. */
const nextCron = (spec: CronSpec, after: number, timeZone: string): number | undefined => {
  const start = wallTimeOf(after, timeZone);
  const hours = sorted(spec.hours);
  const minutes = sorted(spec.minutes);
  // Walk local calendar days from the day `after` falls on.
  const cursor = new Date(Date.UTC(start.year, start.month - 1, start.day));
  for (let i = 0; i < 5 * 366 + 2; i++, cursor.setUTCDate(cursor.getUTCDate() + 1)) {
    const year = cursor.getUTCFullYear();
    const month = cursor.getUTCMonth() + 1;
    const day = cursor.getUTCDate();
    if (!spec.years.has(year) || !spec.months.has(month)) continue;
    if (!dayMatches(spec.dayOfMonth, year, month, day, false) || !dayMatches(spec.dayOfWeek, year, month, day, true)) continue;
    for (const hour of hours) {
      for (const minute of minutes) {
        // Skipped by a spring-forward: no instant, no fire. Repeated by a fall-back: the first only.
        const first = instantsOf({ year, month, day, hour, minute, second: 0 }, timeZone)[0];
        if (first !== undefined && first > after) return first;
      }
    }
  }
  return undefined;
};

export interface ScheduleWindow {
  timeZone: string;
  /** Rate schedules count from here; nothing fires before it. */
  start: number;
  /** Nothing fires after it. */
  end?: number | undefined;
}

/** The next `count` fire instants strictly after `after` (epoch ms). */
export const nextFireTimes = (schedule: ParsedSchedule, window: ScheduleWindow, after: number, count: number): number[] => {
  const out: number[] = [];
  let from = Math.max(after, window.start - 1);
  while (out.length < count) {
    let next: number | undefined;
    if (schedule.kind === 'cron') next = nextCron(schedule.spec, from, window.timeZone);
    else if (schedule.kind === 'rate') next = window.start + Math.max(0, Math.floor((from - window.start) / schedule.everyMs) + 1) * schedule.everyMs;
    else {
      const at = instantsOf(schedule.wall, window.timeZone)[0];
      next = at !== undefined && at > from ? at : undefined;
    }
    if (next === undefined || (window.end !== undefined && next > window.end)) break;
    out.push(next);
    from = next;
    if (schedule.kind === 'at') break;
  }
  return out;
};
