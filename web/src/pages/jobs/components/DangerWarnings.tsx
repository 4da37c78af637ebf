import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { DangerWarning } from '../../../api/jobs';

/** The dangerous commands the API found in a job's steps: running it takes an admin's confirmation. */
export const DangerWarnings = ({ warnings }: { warnings: DangerWarning[] }) =>
  warnings.length === 0 ? null : (
    <Alert type="warning" header={`This job has ${warnings.length === 1 ? 'a dangerous command' : `${warnings.length} dangerous commands`}`}>
      <SpaceBetween size="xs">
        <Box variant="p">Running it needs a project admin to confirm the dangerous commands.</Box>
        <ul>
          {warnings.map((w) => (
            <li key={`${w.stepId}:${w.ruleId}:${w.line}`}>
              <b>{w.title}</b> ({w.stepId}, line {w.line}): <Box variant="code">{w.excerpt}</Box> — {w.explanation}
            </li>
          ))}
        </ul>
      </SpaceBetween>
    </Alert>
  );
