import type { Interpreter, Job, JobInput, JobParameter, JobStep, ParameterType, StepKind } from '../../api/jobs';

/** One step as the editor holds it: text fields as typed, the rest of the stored step kept as it was. */
export interface StepForm {
  key: number;
  kind: StepKind;
  interpreter: Interpreter;
  content: string;
  timeout: string;
  /** What the form does not edit (id, name, retries, continueOnError), sent back unchanged. */
  kept: Pick<JobStep, 'id' | 'name' | 'retries' | 'continueOnError'>;
}

export interface ParameterForm {
  key: number;
  name: string;
  type: ParameterType;
  required: boolean;
  defaultValue: string;
  secure: boolean;
  /** For choices: the allowed values, comma-separated. */
  allowed: string;
  kept: Pick<JobParameter, 'description' | 'regex'>;
}

export interface JobForm {
  name: string;
  description: string;
  selector: string;
  concurrency: string;
  maxErrors: string;
  steps: StepForm[];
  parameters: ParameterForm[];
  /** Kept from the stored job: explicit target ids and the run timeout are not edited here. */
  kept: Pick<JobInput, 'runTimeoutSeconds'> & { targetIds?: string[] };
}

let nextKey = 1;
const key = () => nextKey++;

export const newStep = (): StepForm => ({ key: key(), kind: 'command', interpreter: 'sh', content: '', timeout: '600', kept: {} });

export const newParameter = (): ParameterForm => ({
  key: key(),
  name: '',
  type: 'string',
  required: false,
  defaultValue: '',
  secure: false,
  allowed: '',
  kept: {},
});

export const emptyForm = (): JobForm => ({
  name: '',
  description: '',
  selector: '',
  concurrency: '50',
  maxErrors: '0',
  steps: [newStep()],
  parameters: [],
  kept: {},
});

/** Drops the keys whose value is undefined (the API's objects are strict about absent versus undefined). */
type Compact<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & { [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined> };
const compact = <T extends object>(o: T): Compact<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Compact<T>;

export const formOf = (job: Job): JobForm => ({
  name: job.name,
  description: job.description,
  selector: job.targets?.selector ?? '',
  concurrency: String(job.concurrency),
  maxErrors: String(job.maxErrors),
  steps: job.steps.map((s) => ({
    key: key(),
    kind: s.kind,
    interpreter: s.interpreter ?? 'sh',
    content: s.content,
    timeout: String(s.timeoutSeconds ?? 600),
    kept: compact({ id: s.id, name: s.name, retries: s.retries, continueOnError: s.continueOnError }),
  })),
  parameters: job.parameters.map((p) => ({
    key: key(),
    name: p.name,
    type: p.type,
    required: p.required ?? false,
    defaultValue: p.default === undefined ? '' : String(p.default),
    secure: p.secure ?? false,
    allowed: (p.allowed ?? []).join(', '),
    kept: compact({ description: p.description, regex: p.regex }),
  })),
  kept: compact({ runTimeoutSeconds: job.runTimeoutSeconds, targetIds: job.targets?.targetIds }),
});

/** "25%" stays a share; digits become a number; anything else goes as typed, for the API to explain. */
const countOrPercent = (text: string): number | string => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim());

const numberOr = (text: string): number | string => {
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
};

const defaultOf = (p: ParameterForm): string | number | boolean | undefined => {
  if (p.secure || p.defaultValue === '') return undefined;
  if (p.type === 'number') return numberOr(p.defaultValue);
  if (p.type === 'boolean') return p.defaultValue === 'true' ? true : p.defaultValue === 'false' ? false : p.defaultValue;
  return p.defaultValue;
};

/** The request body; the API checks it and answers with issues at paths like `steps.0.content`. */
export const inputOf = (form: JobForm): JobInput => {
  const selector = form.selector.trim();
  const targets = compact({ selector: selector === '' ? undefined : selector, targetIds: form.kept.targetIds });
  return compact({
    name: form.name,
    description: form.description,
    steps: form.steps.map((s) =>
      compact({
        ...s.kept,
        kind: s.kind,
        ...(s.kind === 'script' ? { interpreter: s.interpreter } : {}),
        content: s.content,
        timeoutSeconds: numberOr(s.timeout) as number,
      }),
    ),
    parameters: form.parameters.map((p) =>
      compact({
        ...p.kept,
        name: p.name,
        type: p.type,
        required: p.required,
        secure: p.secure,
        default: defaultOf(p),
        allowed:
          p.type === 'choice'
            ? p.allowed
                .split(',')
                .map((v) => v.trim())
                .filter((v) => v !== '')
            : undefined,
      }),
    ),
    targets: Object.keys(targets).length === 0 ? undefined : targets,
    concurrency: countOrPercent(form.concurrency),
    maxErrors: countOrPercent(form.maxErrors),
    runTimeoutSeconds: form.kept.runTimeoutSeconds,
  });
};

/** The form fields the API's issues can land on (the longest matching path wins). */
export const fieldsOf = (form: JobForm): string[] => [
  'name',
  'description',
  'targets',
  'concurrency',
  'maxErrors',
  'steps',
  'parameters',
  ...form.steps.flatMap((_, i) => [`steps.${i}`, `steps.${i}.content`, `steps.${i}.timeoutSeconds`, `steps.${i}.interpreter`]),
  ...form.parameters.flatMap((_, i) => [`parameters.${i}`, `parameters.${i}.name`, `parameters.${i}.type`, `parameters.${i}.default`, `parameters.${i}.allowed`]),
];
