/**
 * The local WinRM test server checked against the recorded Windows exchanges, so that it cannot
 * drift into a private dialect that only our client understands: it must accept every recorded
 * request as sent by other clients, and its answers must have the shape of Windows' answers and
 * parse to the same results with the client's parser.
 */
import http from 'node:http';
import type { Element } from '@xmldom/xmldom';
import { NS } from '../../runner/winrm/namespaces';
import { bodyOf, childElements, parseCommandId, parseReceive, parseResponse, parseShellId, parseXml, WinRmFault, type ReceiveResult } from '../../runner/winrm/responses';
import { listWinrmVectors, readWinrmVectorText } from '../support/winrm-vectors';
import { startWinRmServer, type TestWinRmServer } from '../support/winrm-server';

let server: TestWinRmServer;
beforeAll(async () => {
  server = await startWinRmServer();
});
afterAll(() => server.stop());

const post = (body: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = http.request(
      server.url,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/soap+xml;charset=UTF-8',
          Authorization: `Basic ${Buffer.from(`${server.username}:${server.password}`).toString('base64')}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });

const faultOfResponse = (r: { status: number; body: string }): WinRmFault => {
  expect(r.status).toBe(500);
  try {
    parseResponse(r.body, r.status);
  } catch (e) {
    if (e instanceof WinRmFault) return e;
    throw e;
  }
  throw new Error(`expected a fault, got ${r.body}`);
};

/** The element names under the Body, as a sorted set: what a response consists of, ids and values aside. */
const shape = (xml: string): string[] => {
  const names = new Set<string>();
  const walk = (e: Element): void => {
    names.add(`${e.namespaceURI ?? ''}|${e.localName ?? ''}`);
    childElements(e).forEach(walk);
  };
  childElements(bodyOf(parseXml(xml))).forEach(walk);
  return [...names].sort();
};

/** Output compared across cmd.exe and sh: line ends and cmd's trailing spaces aside. */
const normalise = (r: ReceiveResult) => ({
  state: r.state,
  exitCode: r.exitCode,
  stdout: (r.streams.get('stdout') ?? Buffer.alloc(0)).toString('utf8').replace(/ *\r?\n/g, '\n'),
  stderr: (r.streams.get('stderr') ?? Buffer.alloc(0)).toString('utf8').replace(/ *\r?\n/g, '\n'),
});

describe('the WinRM test server accepts every recorded request', () => {
  it.each(listWinrmVectors('.request.xml'))('%s', async (file) => {
    const response = await post(readWinrmVectorText(file));
    if (/create-shell/.test(file)) {
      expect(response.status).toBe(200);
      expect(parseShellId(parseResponse(response.body))).toMatch(/^[0-9A-F-]{36}$/);
      return;
    }
    // The recorded shells do not exist here: the request got as far as looking its shell up.
    const fault = faultOfResponse(response);
    expect(fault.subcode?.local).toBe('InvalidSelectors');
    expect(fault.subcode?.namespace).toBe(NS.wsman);
  });
});

/**
 * Replays a recorded session with the server's own ids in place of the recorded ones, and compares
 * each answer with the recorded answer: same shape, same parse.
 */
const replay = async (scenario: string, receiveFiles: string[]) => {
  const dir = `pypsrp-winrs/${scenario}`;
  const files = listWinrmVectors('.request.xml').filter((f) => f.startsWith(`${dir}/`));
  const recordedShell = parseShellId(parseResponse(readWinrmVectorText(`${dir}/01-create-shell.response.xml`)));
  const recordedCommand = parseCommandId(parseResponse(readWinrmVectorText(`${dir}/02-command.response.xml`)));
  let shellId = '';
  let commandId = '';
  const swap = (xml: string) => xml.split(recordedShell).join(shellId).split(recordedCommand).join(commandId);
  for (const file of files) {
    const recordedResponse = readWinrmVectorText(file.replace('.request.xml', '.response.xml'));
    if (file.endsWith('-receive.request.xml')) {
      // Windows answered in one Receive; a local process may need several before Done.
      let merged: ReturnType<typeof normalise> = { state: undefined, exitCode: undefined, stdout: '', stderr: '' };
      let last = '';
      for (let i = 0; i < 50 && merged.state !== 'done'; i++) {
        const r = await post(swap(readWinrmVectorText(file)));
        expect(r.status).toBe(200);
        last = r.body;
        const n = normalise(parseReceive(parseResponse(r.body), commandId));
        merged = { ...n, stdout: merged.stdout + n.stdout, stderr: merged.stderr + n.stderr };
      }
      const expected = receiveFiles.map((f) => normalise(parseReceive(parseResponse(readWinrmVectorText(`${dir}/${f}`)))));
      expect(merged).toEqual({
        state: 'done',
        exitCode: expected.at(-1)?.exitCode,
        stdout: expected.map((e) => e.stdout).join(''),
        stderr: expected.map((e) => e.stderr).join(''),
      });
      expect(shape(last)).toEqual(shape(recordedResponse));
      continue;
    }
    const r = await post(swap(readWinrmVectorText(file)));
    expect(r.status).toBe(200);
    expect(shape(r.body)).toEqual(shape(recordedResponse));
    const doc = parseResponse(r.body);
    if (file.endsWith('create-shell.request.xml')) shellId = parseShellId(doc);
    if (file.endsWith('-command.request.xml')) commandId = parseCommandId(doc);
  }
};

describe('the WinRM test server answers as Windows did', () => {
  it('replays the standard session (cmd.exe /c echo hi)', async () => {
    await replay('standard', ['03-receive.response.xml']);
  });

  it('replays stderr-rc (stdout and stderr, exit code 1)', async () => {
    await replay('stderr-rc', ['03-receive.response.xml']);
  });

  it('answers a quiet Receive with the TimedOut fault Windows sends', async () => {
    const recorded = readWinrmVectorText('pypsrp-winrs/operation-timeout/04-receive.fault.response.xml');
    const create = await post(readWinrmVectorText('pypsrp-winrs/operation-timeout/01-create-shell.request.xml').replace('PT10S', 'PT0.2S'));
    const shellId = parseShellId(parseResponse(create.body));
    const recordedShell = '849551A1-CEC2-4ABD-8B62-652AD1053E9B';
    const swapShell = (xml: string) => xml.split(recordedShell).join(shellId).replace('PT10S', 'PT0.2S');
    const command = await post(
      swapShell(readWinrmVectorText('pypsrp-winrs/operation-timeout/02-command.request.xml')).replace(
        '<rsp:Arguments>Write-Host hi; Start-Sleep 30; Write-Host hi again</rsp:Arguments>',
        '<rsp:Arguments>-EncodedCommand cwBsAGUAZQBwACAAMgA=</rsp:Arguments>',
      ),
    );
    const commandId = parseCommandId(parseResponse(command.body));
    const r = await post(swapShell(readWinrmVectorText('pypsrp-winrs/operation-timeout/04-receive.request.xml')).split('D644AE56-61E5-4C1A-A135-E599B76B3035').join(commandId));
    const fault = faultOfResponse(r);
    const expected = faultOfResponse({ status: 500, body: recorded });
    expect([fault.code, fault.subcode, fault.wsmanCode, fault.isTimedOut, fault.reason]).toEqual([
      expected.code,
      expected.subcode,
      expected.wsmanCode,
      true,
      expected.reason,
    ]);
    expect(shape(r.body)).toEqual(shape(recorded));
  });

  it('answers a Receive for an unknown command as Windows did', async () => {
    const dir = 'pypsrp-winrs/bad-cmd-id';
    const shellId = parseShellId(parseResponse((await post(readWinrmVectorText(`${dir}/01-create-shell.request.xml`))).body));
    const r = await post(readWinrmVectorText(`${dir}/03-receive.request.xml`).split('CCF84E0D-D0B5-4CFB-95B5-BCF3BFE15F36').join(shellId));
    const recorded = readWinrmVectorText(`${dir}/03-receive.fault.response.xml`);
    const [got, want] = [faultOfResponse(r), faultOfResponse({ status: 500, body: recorded })];
    expect([got.code, got.subcode, got.wsmanCode, got.wsmanMessage]).toEqual([want.code, want.subcode, want.wsmanCode, want.wsmanMessage]);
    expect(got.faultDetail).toBe(want.faultDetail);
    expect(shape(r.body)).toEqual(shape(recorded));
  });

  it('answers a Receive without a CommandId with Windows InvalidParameter fault', async () => {
    const dir = 'pypsrp-winrs/fail-poll-process';
    const shellId = parseShellId(parseResponse((await post(readWinrmVectorText(`${dir}/01-create-shell.request.xml`))).body));
    const r = await post(readWinrmVectorText(`${dir}/02-receive.request.xml`).split('8ABEA8D2-0438-4D75-A594-55DCA786B4E1').join(shellId));
    const recorded = readWinrmVectorText(`${dir}/02-receive.fault.response.xml`);
    const [got, want] = [faultOfResponse(r), faultOfResponse({ status: 500, body: recorded })];
    expect([got.code, got.subcode, got.wsmanCode, got.providerFault, got.faultDetail]).toEqual([want.code, want.subcode, want.wsmanCode, want.providerFault, want.faultDetail]);
    expect(shape(r.body)).toEqual(shape(recorded));
  });

  it('answers a wrong password with an empty 401, as Windows does', async () => {
    const r = await new Promise<{ status: number; body: string; auth: string | undefined }>((resolve, reject) => {
      const req = http.request(server.url, { method: 'POST', headers: { 'Content-Type': 'application/soap+xml;charset=UTF-8', Authorization: 'Basic eDp5' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), auth: res.headers['www-authenticate'] });
        });
      });
      req.on('error', reject);
      req.end(readWinrmVectorText('pypsrp-winrs/standard/01-create-shell.request.xml'));
    });
    expect([r.status, r.body, r.auth]).toEqual([401, '', 'Negotiate, Basic realm="WSMAN"']);
  });
});
