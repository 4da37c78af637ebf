import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { eventFiles, isValidReplayName, type ReplayRequest } from '../adapters/local/event-bus';
import { validatePattern } from '../core/events/pattern';

/**
 * `npm run events -- replay`: the CLI does not deliver anything itself. The rules and their targets
 * live in the running stack, so the CLI leaves a replay request in `<data>/events/replay-requests/`
 * and the stack runs it (it looks every second, and at start-up): while it runs, at once; when it is
 * stopped, at its next start. Only whoever can write the data folder (mode 0700) can ask for one.
 */
export const replayUsage = `Usage: npm run events -- replay --from <ISO time> [--to <ISO time>] [--pattern '<event pattern JSON>'] [--name <name>] [--data <dir>] [--no-wait]`;

export interface ReplayCommand {
  dataDir: string;
  request: ReplayRequest;
  wait: boolean;
}

export const parseReplayCommand = (argv: readonly string[], defaults: { dataDir: string; now: Date }): ReplayCommand => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      pattern: { type: 'string' },
      name: { type: 'string' },
      data: { type: 'string' },
      'no-wait': { type: 'boolean' },
    },
  });
  if (positionals[0] !== 'replay' || positionals.length !== 1) throw new Error(replayUsage);
  if (values.from === undefined || Number.isNaN(Date.parse(values.from))) throw new Error(`--from needs an ISO time.\n${replayUsage}`);
  if (values.to !== undefined && Number.isNaN(Date.parse(values.to))) throw new Error(`--to needs an ISO time.\n${replayUsage}`);
  if (values.to !== undefined && Date.parse(values.to) <= Date.parse(values.from)) throw new Error('--to must be after --from.');
  let pattern: Record<string, unknown> | undefined;
  if (values.pattern !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(values.pattern);
    } catch {
      throw new Error('--pattern is not valid JSON.');
    }
    const checked = validatePattern(parsed);
    if (!checked.ok) throw new Error(`--pattern is not a valid event pattern:\n${checked.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`);
    pattern = checked.pattern;
  }
  const name = values.name ?? `replay-${defaults.now.toISOString().replace(/[:.]/g, '-')}`;
  if (!isValidReplayName(name)) throw new Error('--name must be 1-64 letters, digits, ".", "_" or "-".');
  return {
    dataDir: path.resolve(values.data ?? defaults.dataDir),
    request: { name, from: values.from, ...(values.to === undefined ? {} : { to: values.to }), ...(pattern === undefined ? {} : { pattern }) },
    wait: values['no-wait'] !== true,
  };
};

/** Writes the request where the stack looks (atomically: a rename), refusing a name already queued or run. */
export const queueReplayRequest = (dataDir: string, request: ReplayRequest): { requestFile: string; doneFile: string } => {
  const files = eventFiles(dataDir);
  mkdirSync(files.replayRequests, { recursive: true, mode: 0o700 });
  const requestFile = path.join(files.replayRequests, `${request.name}.json`);
  const doneFile = path.join(files.replayDone, `${request.name}.json`);
  if (existsSync(requestFile) || existsSync(doneFile)) throw new Error(`A replay named ${request.name} exists already.`);
  const temp = path.join(files.replayRequests, `.${request.name}.tmp`);
  writeFileSync(temp, `${JSON.stringify(request, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, requestFile);
  return { requestFile, doneFile };
};

/** Whether a stack holds the data folder's lock (local/lock.ts): then it picks the request up within a second. */
export const stackRunning = (dataDir: string): boolean => {
  try {
    const pid = Number.parseInt(readFileSync(path.join(dataDir, 'opsconductor.lock'), 'utf8'), 10);
    if (!Number.isInteger(pid)) return false;
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};
