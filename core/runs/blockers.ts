import type { CredentialKind } from '../inventory/credential-schema';
import type { Target, TargetProtocol } from '../inventory/target-schema';
import { compatibleKinds } from '../inventory/targets-service';
import type { Step } from '../jobs/schema';
import type { RunHost } from './schema';

/**
 * Why a host cannot run a job at all, decided by Plan before any runner starts, so the host ends
 * `failed` with a reason instead of failing on the runner. The runner's step hosts refuse the same
 * steps with the same words (runner/winrm/step-host.ts), in case a run reaches them anyway.
 */

/** cmd.exe refuses longer command lines. */
export const CMD_LINE_LIMIT = 8191;

type StepShape = Pick<Step, 'kind' | 'content'> & { id?: string | undefined; interpreter?: string | undefined };

const nameOf = (step: StepShape, index?: number): string => (step.id !== undefined ? `'${step.id}'` : index !== undefined ? String(index + 1) : '');

/**
 * Which hosts a step is for: PowerShell steps run on WinRM hosts, scripts on SSH hosts, commands on
 * both. A job can so carry a Windows and a Linux way of doing the same thing, and one run on a mixed
 * fleet runs on each host the steps for its kind, in job order.
 */
export const stepRunsOn = (protocol: TargetProtocol, step: Pick<Step, 'kind'>): boolean =>
  step.kind === 'command' || (step.kind === 'powershell' ? protocol === 'winrm' : protocol === 'ssh');

/** Why this step cannot run on a target of this protocol; undefined when it can. */
export const stepProtocolProblem = (protocol: TargetProtocol, step: StepShape, index?: number): string | undefined => {
  const name = nameOf(step, index);
  if (protocol === 'ssh') return step.kind === 'powershell' ? `Step ${name} is PowerShell, which needs a WinRM target.` : undefined;
  if (step.kind === 'script') return `Step ${name} is a ${step.interpreter ?? 'sh'} script, which needs an SSH target; on a WinRM target use a powershell step.`;
  if (step.kind === 'command') {
    // A trailing line break is how editors end a line, not a second command.
    const line = step.content.replace(/\s+$/, '');
    if (/[\r\n]/.test(line)) {
      return `Step ${name} is a command of several lines; on a WinRM target a command is one cmd line. Join the commands with && or use a powershell step.`;
    }
    if (line.length > CMD_LINE_LIMIT) return `Step ${name} is longer than the ${String(CMD_LINE_LIMIT)} characters cmd accepts on one line; use a powershell step.`;
  }
  return undefined;
};

/**
 * The first reason the host cannot run: no step of the job is for its protocol, or a step for it
 * cannot run there (PROTOCOL); no credential, a deleted one, or one of a kind the protocol cannot log
 * in with (CREDENTIAL).
 */
export const blockerOf = (
  target: Pick<Target, 'protocol' | 'credentialId'>,
  steps: readonly StepShape[],
  credentialKinds: ReadonlyMap<string, CredentialKind>,
): Pick<RunHost, 'errorCategory' | 'errorMessage'> | undefined => {
  const own = [...steps.entries()].filter(([, step]) => stepRunsOn(target.protocol, step));
  if (own.length === 0) {
    const other = steps[0];
    return { errorCategory: 'PROTOCOL', errorMessage: other === undefined ? 'The job has no steps.' : (stepProtocolProblem(target.protocol, other, 0) ?? 'No step of the job runs on this target.') };
  }
  for (const [i, step] of own) {
    const problem = stepProtocolProblem(target.protocol, step, i);
    if (problem !== undefined) return { errorCategory: 'PROTOCOL', errorMessage: problem };
  }
  if (target.credentialId === undefined) return { errorCategory: 'CREDENTIAL', errorMessage: 'The target has no credential.' };
  const kind = credentialKinds.get(target.credentialId);
  if (kind === undefined) return { errorCategory: 'CREDENTIAL', errorMessage: `The target's credential '${target.credentialId}' no longer exists.` };
  const fits = compatibleKinds[target.protocol];
  if (!fits.includes(kind)) {
    return {
      errorCategory: 'CREDENTIAL',
      errorMessage: `The target's credential '${target.credentialId}' is a ${kind} credential; ${target.protocol === 'ssh' ? 'an SSH' : 'a WinRM'} target needs ${fits.join(' or ')}.`,
    };
  }
  return undefined;
};
