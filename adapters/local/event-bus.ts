import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { appendFile, mkdir, open, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../core/clock';
import { compilePattern, type EventPattern } from '../../core/events/pattern';
import { checkPublishable } from '../../core/events/publishable';
import type { IdGenerator } from '../../core/ids';
import type { DomainEvent, EventBus, EventEnvelope } from '../../core/ports/event-bus';

export interface LocalRule {
  /** Also a file name in the data folder: letters, digits, `.`, `_` and `-`. */
  name: string;
  /** An EventBridge event pattern, matched by the same matcher the API's test-pattern endpoint uses. */
  pattern: EventPattern;
  target: (event: EventEnvelope) => Promise<void>;
}

/** What to deliver again: logged events with `from <= time < to` (ISO times), optionally only those a pattern matches. */
export interface ReplayRequest {
  name: string;
  from: string;
  to?: string | undefined;
  pattern?: EventPattern | undefined;
}

export interface ReplayResult {
  name: string;
  /** Logged events in the range (and matching the request's pattern). */
  events: number;
  /** Deliveries to rules, successful or dead-lettered. */
  deliveries: number;
}

export interface LocalEventBus extends EventBus {
  addRule(rule: LocalRule): void;
  /**
   * Removes a rule (gone already is fine): no new deliveries start for it; those under way finish.
   * Its acknowledged ids stay in the data folder, so a rule added again under the name is not handed them twice.
   */
  removeRule(name: string): void;
  /** Resolves when every delivery started so far has finished, retries included (tests and shutdown). */
  drain(): Promise<void>;
  /**
   * With a data folder: delivers every logged event that a rule matches and has not acknowledged (a
   * crash between persisting and delivering). Call once every rule is added. Resolves with how many
   * deliveries it started; without a data folder it does nothing.
   */
  recover(): Promise<number>;
  /** Delivers logged events again to the rules they match, with `replay-name` set, acknowledged or not. */
  replay(request: ReplayRequest): Promise<ReplayResult>;
  /** Runs the replay requests `npm run events -- replay` left in the data folder, oldest first. */
  runReplayRequests(): Promise<ReplayResult[]>;
}

export interface RetryPolicy {
  /** Calls of the target, the first one included. */
  attempts: number;
  /** The wait after the first failed call; it doubles after each further one. */
  baseDelayMs: number;
}
export const defaultRetry: RetryPolicy = { attempts: 5, baseDelayMs: 200 };

export interface LocalBusDeps {
  clock: Clock;
  ids: IdGenerator;
  /** Called once per delivery that failed its last attempt (and was dead-lettered, with a data folder). */
  onDeliveryError: (rule: string, event: EventEnvelope, error: unknown) => void;
  account?: string;
  region?: string;
  /** The data folder: events are logged under `<dataDir>/events` before delivery. Without it the bus keeps nothing. */
  dataDir?: string | undefined;
  retry?: Partial<RetryPolicy>;
  /** Tests replace the backoff wait. */
  sleep?: (ms: number) => Promise<void>;
}

const RULE_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const SINCE = '# since ';

/** Where the bus keeps its files in a data folder; the CLI writes replay requests there. */
export const eventFiles = (dataDir: string) => {
  const root = path.join(dataDir, 'events');
  return {
    root,
    log: (day: string) => path.join(root, `${day}.jsonl`),
    delivered: (rule: string) => path.join(root, 'delivered', `${rule}.log`),
    deadLetter: (rule: string, eventId: string) => path.join(root, 'dead-letter', rule, `${eventId}.json`),
    replayRequests: path.join(root, 'replay-requests'),
    replayDone: path.join(root, 'replay-requests', 'done'),
  };
};

export const isValidReplayName = (name: string): boolean => RULE_NAME.test(name);

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const isEnvelope = (value: unknown): value is EventEnvelope =>
  typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string' && typeof (value as { time?: unknown }).time === 'string';

interface BusRule {
  name: string;
  matches: (e: unknown) => boolean;
  target: LocalRule['target'];
  /** Events older than this (ms) predate the rule: recovery never hands them to it. */
  since: number;
  /** Event ids the rule acknowledged (delivered or dead-lettered). */
  acknowledged: Set<string>;
}

/**
 * EventBridge's role on one machine: events get the same envelope, rules the same patterns, and
 * targets are called after `publish` returns, as EventBridge delivers asynchronously.
 *
 * With a data folder the bus is durable: `publish` appends each envelope to
 * `<data>/events/YYYY-MM-DD.jsonl` (fsync'd) before anything is delivered; each rule's target is
 * called with retries and exponential backoff; a delivery that fails its last attempt is written
 * to `<data>/events/dead-letter/<rule>/<eventId>.json`; each rule's acknowledged event ids are
 * appended to `<data>/events/delivered/<rule>.log`, so `recover()` after a restart delivers what a
 * crash left undelivered, and an id a rule acknowledged is never delivered to it again, except by a
 * replay.
 */
export const createLocalEventBus = (deps: LocalBusDeps): LocalEventBus => {
  const retry: RetryPolicy = { ...defaultRetry, ...deps.retry };
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const files = deps.dataDir === undefined ? undefined : eventFiles(deps.dataDir);
  const rules: BusRule[] = [];
  const inFlight = new Set<Promise<void>>();
  /** rule + event id of live deliveries under way, so recovery does not start a second one. */
  const underWay = new Set<string>();
  let writes: Promise<void> = Promise.resolve();
  let replaying: Promise<ReplayResult[]> | undefined;

  if (files) mkdirSync(files.root, { recursive: true, mode: 0o700 });

  const persist = (envelopes: readonly EventEnvelope[]): Promise<void> => {
    if (!files || envelopes.length === 0) return Promise.resolve();
    const byDay = new Map<string, string>();
    for (const e of envelopes) byDay.set(e.time.slice(0, 10), `${byDay.get(e.time.slice(0, 10)) ?? ''}${JSON.stringify(e)}\n`);
    // One writer at a time, so lines of concurrent publishes never interleave.
    const write = writes.then(async () => {
      for (const [day, lines] of byDay) {
        const handle = await open(files.log(day), 'a', 0o600);
        try {
          await handle.appendFile(lines);
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
    });
    writes = write.catch(() => undefined);
    return write;
  };

  const acknowledge = async (rule: BusRule, eventId: string): Promise<void> => {
    rule.acknowledged.add(eventId);
    if (files) await appendFile(files.delivered(rule.name), `${eventId}\n`, { mode: 0o600 });
  };

  const deadLetter = async (rule: BusRule, envelope: EventEnvelope, error: unknown): Promise<void> => {
    if (!files) return;
    const file = files.deadLetter(rule.name, envelope.id);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const record = { rule: rule.name, attempts: retry.attempts, error: errorMessage(error), failedAt: deps.clock.now().toISOString(), event: envelope };
    await writeFile(file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  };

  const attempt = async (rule: BusRule, envelope: EventEnvelope): Promise<{ ok: true } | { ok: false; error: unknown }> => {
    let lastError: unknown;
    for (let n = 0; n < retry.attempts; n++) {
      if (n > 0) await sleep(retry.baseDelayMs * 2 ** (n - 1));
      try {
        // Each target gets its own copy, as it would after EventBridge serialised the event.
        await rule.target(structuredClone(envelope));
        return { ok: true };
      } catch (error) {
        lastError = error;
      }
    }
    return { ok: false, error: lastError };
  };

  /** Starts one delivery; a replay delivers even what the rule acknowledged. */
  const deliver = (rule: BusRule, envelope: EventEnvelope): Promise<void> | undefined => {
    const replay = envelope['replay-name'] !== undefined;
    const key = `${rule.name}\u0000${envelope.id}`;
    if (!replay && (rule.acknowledged.has(envelope.id) || underWay.has(key))) return undefined;
    if (!replay) underWay.add(key);
    const p = new Promise<void>((resolve) => setImmediate(resolve))
      .then(async () => {
        const outcome = await attempt(rule, envelope);
        if (!outcome.ok) {
          await deadLetter(rule, envelope, outcome.error);
          deps.onDeliveryError(rule.name, envelope, outcome.error);
        }
        if (!replay || outcome.ok) await acknowledge(rule, envelope.id);
      })
      .catch((error: unknown) => {
        // The bus's own files failed: report it; recovery delivers again after a restart.
        deps.onDeliveryError(rule.name, envelope, error);
      })
      .finally(() => {
        inFlight.delete(p);
        if (!replay) underWay.delete(key);
      });
    inFlight.add(p);
    return p;
  };

  const readLog = async (fromDay?: string, toDay?: string): Promise<EventEnvelope[]> => {
    if (!files) return [];
    const days = (await readdir(files.root))
      .filter((f) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(f))
      .map((f) => f.slice(0, 10))
      .filter((d) => (fromDay === undefined || d >= fromDay) && (toDay === undefined || d <= toDay))
      .sort();
    const out: EventEnvelope[] = [];
    for (const day of days) {
      for (const line of (await readFile(files.log(day), 'utf8')).split('\n')) {
        if (line.trim() === '') continue;
        try {
          const parsed: unknown = JSON.parse(line);
          if (isEnvelope(parsed)) out.push(parsed);
        } catch {
          // A line cut short by a crash mid-write: its publish never returned, so nobody was told it happened.
        }
      }
    }
    return out;
  };

  const replay = async (request: ReplayRequest): Promise<ReplayResult> => {
    if (!files) throw new Error('Replay needs the durable bus (a data folder).');
    if (!isValidReplayName(request.name)) throw new Error(`Replay name ${JSON.stringify(request.name)} must be 1-64 letters, digits, ".", "_" or "-".`);
    const from = Date.parse(request.from);
    const to = request.to === undefined ? deps.clock.now().getTime() : Date.parse(request.to);
    if (Number.isNaN(from) || Number.isNaN(to)) throw new Error('Replay needs ISO times for from and to.');
    if (to <= from) throw new Error('The replay end must be after its start.');
    const filter = request.pattern === undefined ? () => true : compilePattern(request.pattern);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const events = (await readLog(day(from), day(to))).filter((e) => {
      const t = Date.parse(e.time);
      return t >= from && t < to && filter(e);
    });
    const deliveries: Promise<void>[] = [];
    for (const event of events) {
      const replayed: EventEnvelope = { ...event, 'replay-name': request.name };
      for (const rule of rules) {
        if (!rule.matches(replayed)) continue;
        const p = deliver(rule, replayed);
        if (p) deliveries.push(p);
      }
    }
    await Promise.all(deliveries);
    return { name: request.name, events: events.length, deliveries: deliveries.length };
  };

  const runPendingRequests = async (): Promise<ReplayResult[]> => {
    if (!files || !existsSync(files.replayRequests)) return [];
    const names = (await readdir(files.replayRequests)).filter((f) => f.endsWith('.json')).sort();
    const results: ReplayResult[] = [];
    for (const file of names) {
      const from = path.join(files.replayRequests, file);
      let record: Record<string, unknown>;
      try {
        const request = JSON.parse(await readFile(from, 'utf8')) as ReplayRequest;
        const result = await replay(request);
        results.push(result);
        record = { request, result };
      } catch (error) {
        record = { error: errorMessage(error) };
      }
      await mkdir(files.replayDone, { recursive: true, mode: 0o700 });
      await writeFile(path.join(files.replayDone, file), `${JSON.stringify({ ...record, finishedAt: deps.clock.now().toISOString() }, null, 2)}\n`, { mode: 0o600 });
      await rm(from, { force: true });
    }
    return results;
  };

  return {
    addRule: (rule) => {
      if (!RULE_NAME.test(rule.name)) throw new Error(`Rule name ${JSON.stringify(rule.name)} must be 1-64 letters, digits, ".", "_" or "-".`);
      if (rules.some((r) => r.name === rule.name)) throw new Error(`A rule named ${rule.name} exists already.`);
      const matches = compilePattern(rule.pattern);
      let since = Number.NEGATIVE_INFINITY;
      const acknowledged = new Set<string>();
      if (files) {
        const file = files.delivered(rule.name);
        mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
        // A new rule starts at the current second: events from before it existed are not its backlog.
        if (!existsSync(file)) writeFileSync(file, `${SINCE}${new Date(Math.floor(deps.clock.now().getTime() / 1000) * 1000).toISOString()}\n`, { mode: 0o600 });
        for (const line of readFileSync(file, 'utf8').split('\n')) {
          if (line.startsWith(SINCE)) since = Date.parse(line.slice(SINCE.length));
          else if (line !== '') acknowledged.add(line);
        }
      }
      rules.push({ name: rule.name, matches, target: rule.target, since, acknowledged });
    },

    removeRule: (name) => {
      const i = rules.findIndex((r) => r.name === name);
      if (i >= 0) rules.splice(i, 1);
    },

    publish: async (events: readonly DomainEvent[]) => {
      // Every event is checked before any is logged: a batch with one invalid event publishes none.
      const envelopes = events.map(checkPublishable).map(
        (e): EventEnvelope => ({
          version: '0',
          id: deps.ids.next('evt'),
          'detail-type': e.detailType,
          source: e.source,
          account: deps.account ?? '000000000000',
          time: deps.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: deps.region ?? 'local',
          resources: [...(e.resources ?? [])],
          detail: JSON.parse(JSON.stringify(e.detail)) as unknown,
        }),
      );
      await persist(envelopes);
      for (const envelope of envelopes) for (const rule of rules) if (rule.matches(envelope)) void deliver(rule, envelope);
    },

    drain: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },

    recover: async () => {
      let started = 0;
      for (const event of await readLog()) {
        const t = Date.parse(event.time);
        for (const rule of rules) {
          if (t < rule.since || rule.acknowledged.has(event.id) || !rule.matches(event)) continue;
          if (deliver(rule, event)) started++;
        }
      }
      return started;
    },

    replay,

    runReplayRequests: () => {
      // One pass at a time: a poll that comes while requests run waits for them instead of starting them twice.
      replaying ??= runPendingRequests().finally(() => {
        replaying = undefined;
      });
      return replaying;
    },
  };
};
