import Box from '@cloudscape-design/components/box';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import type { SelectorPreview as Preview } from '../hooks/use-selector-preview';

/** What the selector matches right now, under its field. */
export const SelectorPreview = ({ preview }: { preview: Preview }) => {
  switch (preview.state) {
    case 'empty':
      return null;
    case 'loading':
      return <StatusIndicator type="loading">Looking for matching targets…</StatusIndicator>;
    case 'invalid':
      return <StatusIndicator type="warning">{preview.message}</StatusIndicator>;
    case 'matched':
      return (
        <Box variant="small" data-testid="selector-preview">
          {preview.names.length === 0
            ? 'Matches no target yet.'
            : `Matches ${preview.more ? `more than ${String(preview.names.length)}` : String(preview.names.length)} target${preview.names.length === 1 && !preview.more ? '' : 's'}: ${preview.names.join(', ')}${preview.more ? ', …' : ''}`}
        </Box>
      );
  }
};
