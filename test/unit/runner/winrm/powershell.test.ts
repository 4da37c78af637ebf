import {
  ClixmlStderrDecoder,
  decodeClixmlStderr,
  decodePowerShell,
  encodePowerShell,
  MAX_COMMAND_LINE,
  powershellInvocation,
  STDIN_SCRIPT_BOOTSTRAP,
} from '../../../../runner/winrm/powershell';

describe('PowerShell over WinRM', () => {
  it('encodes -EncodedCommand as base64 of UTF-16LE, as pywinrm does for the recorded request', () => {
    expect(encodePowerShell('Write-Error "Error"')).toBe('VwByAGkAdABlAC0ARQByAHIAbwByACAAIgBFAHIAcgBvAHIAIgA=');
    expect(decodePowerShell(encodePowerShell('Write-Host "こんにちは" 😀'))).toBe('Write-Host "こんにちは" 😀');
  });

  it('puts a short script on the command line and sends a long one through stdin', () => {
    const short = powershellInvocation('Get-Date');
    expect(short.stdin).toBeUndefined();
    expect(short.args.slice(-2)).toEqual(['-EncodedCommand', encodePowerShell('Get-Date')]);
    expect(short.args).toEqual(expect.arrayContaining(['-NoProfile', '-NonInteractive']));

    const script = `Write-Output "${'x'.repeat(100 * 1024)}"`;
    const long = powershellInvocation(script);
    expect(long.stdin?.toString('utf8')).toBe(script);
    expect(long.args.slice(-2)).toEqual(['-EncodedCommand', encodePowerShell(STDIN_SCRIPT_BOOTSTRAP)]);
    expect([long.command, ...long.args].join(' ').length).toBeLessThanOrEqual(MAX_COMMAND_LINE);
  });

  it('switches to stdin exactly when the command line would pass the limit', () => {
    let n = 1;
    while (powershellInvocation('x'.repeat(n)).stdin === undefined) n++;
    const last = powershellInvocation('x'.repeat(n - 1));
    expect([last.command, ...last.args].join(' ').length).toBeLessThanOrEqual(MAX_COMMAND_LINE);
    expect(n).toBeGreaterThan(2900);
  });

  const clixml =
    '#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">' +
    '<Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T></TN><MS><I64 N="SourceId">1</I64></MS></Obj>' +
    '<S S="Error">boom &amp; &lt;bang&gt;_x000D__x000A_</S><S S="Warning">careful_x000A_</S></Objs>';

  it('turns CLIXML stderr into the text a person reads, without progress records', () => {
    expect(decodeClixmlStderr(clixml)).toBe('boom & <bang>\r\ncareful\n');
  });

  it('decodes CLIXML that arrives in pieces of any size, passing plain text through', () => {
    const input = `plain first\n${clixml}then plain`;
    for (const size of [1, 3, 7, 64]) {
      const d = new ClixmlStderrDecoder();
      let out = '';
      for (let i = 0; i < input.length; i += size) out += d.push(input.slice(i, i + size));
      out += d.end();
      expect(out).toBe('plain first\nboom & <bang>\r\ncareful\nthen plain');
    }
  });

  it('passes on CLIXML it cannot read rather than losing it', () => {
    expect(decodeClixmlStderr('#< CLIXML\r\n<Objs>not closed')).toBe('<Objs>not closed');
    expect(decodeClixmlStderr('#< CLIXML\r\n<Objs><S S="Error">x</S></Objs>')).toBe('<Objs><S S="Error">x</S></Objs>');
  });
});
