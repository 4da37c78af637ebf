import type { CredentialKind } from '../../../core/inventory/credential-schema';
import { blockerOf, CMD_LINE_LIMIT, stepProtocolProblem, stepRunsOn } from '../../../core/runs/blockers';

/** Plan's decision that a host cannot run a job at all (core/runs/blockers.ts). */
const kinds = new Map<string, CredentialKind>([
  ['crd_key', 'ssh-key'],
  ['crd_pw', 'ssh-password'],
  ['crd_win', 'winrm-password'],
]);
const ssh = { protocol: 'ssh' as const, credentialId: 'crd_key' };
const winrm = { protocol: 'winrm' as const, credentialId: 'crd_win' };
const command = (content: string) => ({ id: 'cmd', kind: 'command' as const, content });
const powershell = { id: 'ps', kind: 'powershell' as const, content: 'Get-Service' };
const script = { id: 'sh', kind: 'script' as const, interpreter: 'bash', content: 'echo a\necho b' };

describe('run blockers', () => {
  it('lets an SSH target with an SSH credential run commands and scripts', () => {
    expect(blockerOf(ssh, [command('echo hi'), script], kinds)).toBeUndefined();
    expect(blockerOf({ ...ssh, credentialId: 'crd_pw' }, [command('echo hi')], kinds)).toBeUndefined();
  });

  it('lets a WinRM target with a winrm-password credential run one-line commands and PowerShell', () => {
    expect(blockerOf(winrm, [command('echo hello\n'), powershell], kinds)).toBeUndefined();
  });

  it.each([
    ['ssh', 'command', true],
    ['ssh', 'script', true],
    ['ssh', 'powershell', false],
    ['winrm', 'command', true],
    ['winrm', 'script', false],
    ['winrm', 'powershell', true],
  ] as const)('runs on an %s target a %s step: %s', (protocol, kind, runs) => {
    expect(stepRunsOn(protocol, { kind })).toBe(runs);
  });

  it("lets each host of a mixed fleet run the steps for its kind: a job's PowerShell steps do not block its SSH targets", () => {
    expect(blockerOf(ssh, [command('true'), powershell], kinds)).toBeUndefined();
    expect(blockerOf(ssh, [powershell, script], kinds)).toBeUndefined();
    expect(blockerOf(winrm, [powershell, script], kinds)).toBeUndefined();
  });

  it('blocks an SSH target when every step is PowerShell', () => {
    expect(blockerOf(ssh, [powershell], kinds)).toEqual({ errorCategory: 'PROTOCOL', errorMessage: "Step 'ps' is PowerShell, which needs a WinRM target." });
  });

  it('blocks a WinRM target when every step is a script, naming its interpreter', () => {
    expect(blockerOf(winrm, [script], kinds)).toEqual({
      errorCategory: 'PROTOCOL',
      errorMessage: "Step 'sh' is a bash script, which needs an SSH target; on a WinRM target use a powershell step.",
    });
  });

  it('blocks a command of several lines on a WinRM target, since cmd runs one line', () => {
    expect(blockerOf(winrm, [powershell, command('echo a\r\necho b')], kinds)).toMatchObject({ errorCategory: 'PROTOCOL', errorMessage: expect.stringContaining('several lines') as unknown });
    expect(stepProtocolProblem('ssh', command('echo a\necho b'))).toBeUndefined();
  });

  it('blocks a command longer than cmd accepts on a WinRM target', () => {
    expect(stepProtocolProblem('winrm', command('x'.repeat(CMD_LINE_LIMIT)))).toBeUndefined();
    expect(stepProtocolProblem('winrm', command('x'.repeat(CMD_LINE_LIMIT + 1)))).toContain(`${String(CMD_LINE_LIMIT)} characters`);
  });

  it('names a step without an id by its position', () => {
    expect(stepProtocolProblem('ssh', { kind: 'powershell', content: 'x' }, 2)).toBe('Step 3 is PowerShell, which needs a WinRM target.');
  });

  it('blocks a target without a credential, or with a deleted one', () => {
    expect(blockerOf({ protocol: 'winrm', credentialId: undefined }, [powershell], kinds)).toEqual({ errorCategory: 'CREDENTIAL', errorMessage: 'The target has no credential.' });
    expect(blockerOf({ ...ssh, credentialId: 'crd_gone' }, [command('true')], kinds)).toEqual({
      errorCategory: 'CREDENTIAL',
      errorMessage: "The target's credential 'crd_gone' no longer exists.",
    });
  });

  it('blocks a credential of a kind the protocol cannot log in with', () => {
    expect(blockerOf({ ...winrm, credentialId: 'crd_key' }, [powershell], kinds)).toEqual({
      errorCategory: 'CREDENTIAL',
      errorMessage: "The target's credential 'crd_key' is a ssh-key credential; a WinRM target needs winrm-password.",
    });
    expect(blockerOf({ ...ssh, credentialId: 'crd_win' }, [command('true')], kinds)).toEqual({
      errorCategory: 'CREDENTIAL',
      errorMessage: "The target's credential 'crd_win' is a winrm-password credential; an SSH target needs ssh-password or ssh-key.",
    });
  });

  it('reports a step the protocol cannot run before a credential problem', () => {
    expect(blockerOf({ protocol: 'ssh', credentialId: undefined }, [powershell], kinds)?.errorCategory).toBe('PROTOCOL');
  });
});
