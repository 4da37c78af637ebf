import Box from '@cloudscape-design/components/box';
import Spinner from '@cloudscape-design/components/spinner';
import type { FirePreview } from '../hooks/use-fire-preview';

// (dateStyle/timeStyle cannot be combined with timeZoneName.)
const localFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});
const utcFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });

export const localTime = (iso: string): string => localFormat.format(new Date(iso));
export const utcTime = (iso: string): string => `${utcFormat.format(new Date(iso))} UTC`;

/** The preview of an expression's next fire times, each in the reader's time and in UTC. */
export const FireTimes = ({ preview }: { preview: FirePreview }) => {
  if (preview.loading) {
    return (
      <Box color="text-status-inactive">
        <Spinner /> Working out the next fire times…
      </Box>
    );
  }
  if (preview.error !== undefined) return <Box color="text-status-error">{preview.error}</Box>;
  if (preview.expressionError !== undefined || preview.timezoneError !== undefined) {
    return <Box color="text-status-inactive">No fire times: see the message next to the field.</Box>;
  }
  if (preview.next.length === 0) return <Box color="text-status-inactive">Type an expression to see when it fires.</Box>;
  return (
    <ol aria-label="Next fire times" data-testid="fire-preview" style={{ margin: 0, paddingInlineStart: '1.5em' }}>
      {preview.next.map((iso) => (
        <li key={iso}>
          <time dateTime={iso}>{localTime(iso)}</time> <Box variant="small" display="inline">({utcTime(iso)})</Box>
        </li>
      ))}
    </ol>
  );
};
