import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { demoWinRmWanted, startDemoWinRm, type DemoWinRm } from './demo-winrm';
import { DataDirInUseError } from './lock';
import type { SmtpSettings } from '../adapters/local/mail';
import { startStack } from './stack';
import { ensureWebBuild } from './web-build';

/** `npm start`: the whole product on one machine. Configuration comes from the environment only. */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Notification mail through an SMTP relay when OPSC_SMTP_HOST is set (docs/notifications.md); else the outbox folder. */
const smtpFromEnv = (env: NodeJS.ProcessEnv): SmtpSettings | undefined => {
  const host = env.OPSC_SMTP_HOST;
  if (host === undefined || host === '') return undefined;
  const secure = env.OPSC_SMTP_SECURE === 'true';
  const port = Number.parseInt(env.OPSC_SMTP_PORT ?? (secure ? '465' : '587'), 10);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`OPSC_SMTP_PORT must be a port number, not '${env.OPSC_SMTP_PORT ?? ''}'`);
  return { host, port, secure, user: env.OPSC_SMTP_USER || undefined, password: env.OPSC_SMTP_PASSWORD };
};

const main = async () => {
  const root = path.resolve(import.meta.dirname, '..');
  const port = Number.parseInt(process.env.PORT ?? '3000', 10);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not '${process.env.PORT ?? ''}'`);
  const dataDir = path.resolve(process.env.OPSC_DATA_DIR ?? path.join(root, '.opsconductor'));
  const logger = new Logger({ serviceName: 'opsconductor', logLevel: (process.env.LOG_LEVEL ?? 'INFO') as 'INFO' });

  const webRoot = process.env.OPSC_SKIP_WEB_BUILD === '1' ? undefined : await ensureWebBuild(path.join(root, 'web'), say);
  let stack;
  try {
    stack = await startStack({
      dataDir,
      port,
      webRoot,
      logger,
      admin: { email: process.env.OPSC_ADMIN_EMAIL, password: process.env.OPSC_ADMIN_PASSWORD },
      smtp: smtpFromEnv(process.env),
      mailFrom: process.env.OPSC_MAIL_FROM || undefined,
    });
  } catch (e) {
    if (e instanceof DataDirInUseError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  if (stack.admin.generatedPassword !== undefined) {
    say('');
    say(`First start: created the administrator '${stack.admin.username}' with the temporary password`);
    say(`    ${stack.admin.generatedPassword}`);
    say('It is shown only this once; you will choose a new password at first sign-in.');
  }
  let demo: DemoWinRm | undefined;
  if (demoWinRmWanted(process.env)) {
    try {
      demo = await startDemoWinRm(dataDir, process.env);
    } catch (e) {
      await stack.close();
      throw e;
    }
    for (const line of demo.lines) say(line);
  }
  say(`Data folder: ${dataDir}`);
  say(`OpsConductor is running at ${stack.url}`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    (demo?.close() ?? Promise.resolve())
      .then(() => stack.close())
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        process.stderr.write(`Error while stopping: ${String(e)}\n`);
        process.exit(1);
      });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

main().catch((e: unknown) => {
  process.stderr.write(`OpsConductor could not start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
