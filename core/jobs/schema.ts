import { z } from 'zod';
import { idPattern } from '../ids';
import { SelectorText } from '../inventory/selector';
import { TargetId } from '../inventory/target-schema';
import { ProjectId } from '../projects/schema';

/**
 * Jobs: ordered steps with typed parameters, the hosts they run on, and how many at once. Every
 * change makes a new immutable version; runs record the version they ran.
 */
export const JobId = z.string().regex(idPattern('job'), 'must be a job id (job_…)');

const Name = z
  .string()
  .min(1)
  .max(128)
  .refine((s) => s.trim() === s && !/\p{Cc}/u.test(s), 'must be printable without surrounding whitespace');

const StepId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and -');

const Retries = z.strictObject({
  count: z.number().int().min(0).max(5).default(0),
  backoffSeconds: z.number().int().min(0).max(600).default(5),
});

const stepCommon = {
  id: StepId.optional(),
  name: z.string().max(128).optional(),
  content: z.string().min(1).max(64 * 1024),
  timeoutSeconds: z.number().int().min(1).max(86_400).default(600),
  retries: Retries.default({ count: 0, backoffSeconds: 5 }),
  continueOnError: z.boolean().default(false),
};

export const Step = z.discriminatedUnion('kind', [
  z.strictObject({ ...stepCommon, kind: z.literal('command') }),
  z.strictObject({ ...stepCommon, kind: z.literal('script'), interpreter: z.enum(['sh', 'bash', 'python3']).default('sh') }),
  z.strictObject({ ...stepCommon, kind: z.literal('powershell') }),
]);
export type Step = z.output<typeof Step>;

const ParameterName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a letter or _ followed by letters, digits or _');

export const Parameter = z
  .strictObject({
    name: ParameterName,
    type: z.enum(['string', 'number', 'boolean', 'choice']),
    description: z.string().max(1024).optional(),
    required: z.boolean().default(false),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    /** For strings: the whole value must match. */
    regex: z.string().max(512).optional(),
    /** For choices: the values allowed. */
    allowed: z.array(z.string().max(256)).min(1).max(100).optional(),
    /** Secure values are redacted from stored output, logs and events, and have no default. */
    secure: z.boolean().default(false),
  })
  .superRefine((p, ctx) => {
    if (p.regex !== undefined) {
      if (p.type !== 'string') ctx.addIssue({ code: 'custom', path: ['regex'], message: 'is only for string parameters' });
      try {
        new RegExp(p.regex, 'u');
      } catch {
        ctx.addIssue({ code: 'custom', path: ['regex'], message: 'is not a valid regular expression' });
      }
    }
    if (p.type === 'choice' && p.allowed === undefined) ctx.addIssue({ code: 'custom', path: ['allowed'], message: 'is required for choice parameters' });
    if (p.type !== 'choice' && p.allowed !== undefined) ctx.addIssue({ code: 'custom', path: ['allowed'], message: 'is only for choice parameters' });
    if (p.secure && p.default !== undefined) ctx.addIssue({ code: 'custom', path: ['default'], message: 'secure parameters have no default (it would be stored in the job)' });
    if (p.default !== undefined) {
      const problem = parameterValueProblem(p, p.default);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['default'], message: problem });
    }
  });
export type Parameter = z.output<typeof Parameter>;

/** A number of hosts, or a share of them ("25%"). */
const CountOrPercent = z.union([
  z.number().int().min(0).max(10_000),
  z.string().regex(/^(100|[1-9]?[0-9])%$/, 'must be a number or a percentage like 25%'),
]);

export const TargetChoice = z
  .strictObject({
    selector: SelectorText.optional(),
    targetIds: z.array(TargetId).max(1000).optional(),
  })
  .refine((t) => t.selector !== undefined || t.targetIds !== undefined, { message: 'a selector or target ids are required' });

export const JobInput = z
  .strictObject({
    name: Name,
    description: z.string().max(4096).default(''),
    steps: z.array(Step).min(1).max(50),
    parameters: z.array(Parameter).max(50).default([]),
    /** Where the job runs unless a run says otherwise. */
    targets: TargetChoice.optional(),
    concurrency: CountOrPercent.default(50),
    maxErrors: CountOrPercent.default(0),
    runTimeoutSeconds: z.number().int().min(10).max(7 * 86_400).default(3600),
  })
  .superRefine((job, ctx) => {
    const names = new Set<string>();
    for (const [i, p] of job.parameters.entries()) {
      if (names.has(p.name)) ctx.addIssue({ code: 'custom', path: ['parameters', i, 'name'], message: `'${p.name}' is defined twice` });
      names.add(p.name);
    }
    const ids = new Set<string>();
    for (const [i, s] of job.steps.entries()) {
      if (s.id === undefined) continue;
      if (ids.has(s.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `'${s.id}' is used twice` });
      ids.add(s.id);
    }
  })
  .transform((job) => ({ ...job, steps: job.steps.map((s, i) => ({ ...s, id: s.id ?? `step-${i + 1}` })) }));
export type JobInput = z.output<typeof JobInput>;

export const DangerWarning = z.object({ stepId: z.string(), ruleId: z.string(), title: z.string(), explanation: z.string(), line: z.number(), excerpt: z.string() });
export type DangerWarning = z.infer<typeof DangerWarning>;

export const Job = z.object({
  id: JobId,
  projectId: ProjectId,
  name: Name,
  description: z.string(),
  steps: z.array(Step),
  parameters: z.array(Parameter),
  /** The selector is stored as its text, parsed again where it is used. */
  targets: z.object({ selector: z.string().optional(), targetIds: z.array(z.string()).optional() }).optional(),
  concurrency: CountOrPercent,
  maxErrors: CountOrPercent,
  runTimeoutSeconds: z.number(),
  /** Dangerous commands found in the steps; running the job needs an admin's confirmation while there are any. */
  warnings: z.array(DangerWarning),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  version: z.number().int().positive(),
});
export type Job = z.infer<typeof Job>;

export const JobPath = z.strictObject({ projectId: ProjectId, jobId: JobId });
export const JobGetQuery = z.strictObject({ format: z.enum(['json', 'yaml']).default('json') });

/** Why a value does not fit a parameter, or undefined when it does. */
export function parameterValueProblem(p: Pick<Parameter, 'type' | 'regex' | 'allowed'>, value: unknown): string | undefined {
  switch (p.type) {
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      if (value.length > 64 * 1024) return 'must be at most 65536 characters';
      if (p.regex !== undefined && !new RegExp(`^(?:${p.regex})$`, 'u').test(value)) return `must match ${p.regex}`;
      return undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'choice':
      return typeof value === 'string' && (p.allowed ?? []).includes(value) ? undefined : `must be one of ${(p.allowed ?? []).join(', ')}`;
  }
}
