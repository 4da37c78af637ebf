import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseReplayCommand, queueReplayRequest, stackRunning } from './events-replay';

/** `npm run events -- replay …`: see local/events-replay.ts and docs/events.md. */
const say = (line: string) => process.stdout.write(`${line}\n`);

const main = async () => {
  const root = path.resolve(import.meta.dirname, '..');
  const command = parseReplayCommand(process.argv.slice(2), {
    dataDir: process.env.OPSC_DATA_DIR ?? path.join(root, '.opsconductor'),
    now: new Date(),
  });
  const { doneFile } = queueReplayRequest(command.dataDir, command.request);
  say(`Replay ${command.request.name} queued in ${command.dataDir}.`);
  if (!stackRunning(command.dataDir)) {
    say('No OpsConductor is running on this data folder: the replay runs when it next starts (npm start).');
    return;
  }
  if (!command.wait) return;
  for (let waited = 0; waited < 120_000; waited += 500) {
    if (existsSync(doneFile)) {
      say(readFileSync(doneFile, 'utf8').trimEnd());
      return;
    }
    await sleep(500);
  }
  say(`Still running; its outcome will be in ${doneFile}.`);
};

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
