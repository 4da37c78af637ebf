import Box from '@cloudscape-design/components/box';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { passwordRules } from '../password-policy';

/** The policy as a checklist that follows what is typed. */
export const PasswordHints = ({ password }: { password: string }) => (
  <Box variant="div" fontSize="body-s">
    Your password needs:
    <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {passwordRules.map((rule) => {
        const met = password !== '' && rule.test(password);
        return (
          <li key={rule.id}>
            <StatusIndicator type={met ? 'success' : 'pending'} iconAriaLabel={met ? 'Met' : 'Not met yet'}>
              {rule.text}
            </StatusIndicator>
          </li>
        );
      })}
    </ul>
  </Box>
);
