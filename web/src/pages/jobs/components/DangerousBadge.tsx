import Badge from '@cloudscape-design/components/badge';
import type { Job } from '../../../api/jobs';

/** Marks a job whose steps hold dangerous commands (running it needs an admin's confirmation). */
export const DangerousBadge = ({ job }: { job: Pick<Job, 'warnings'> }) =>
  job.warnings.length === 0 ? null : <Badge color="red">Dangerous</Badge>;
